"""Per-clip augmentation parameters: what to do to a clip, drawn from a seeded generator.

The parameters are drawn in Python when an epoch is planned (see :mod:`.sampling`), not inside
the DALI graph, so a run is reproducible, can resume at an epoch boundary, and any loader (the
DALI graph, the frame-folder loader's torch transforms) applies the *same* parameters to the same clip.

Every frame of a clip shares the parameters, except the camera move. Its two styles
(:data:`CAMERA_STYLES`, one per run, :attr:`AugmentConfig.camera_style`):

* ``random`` (this project's default): the pose moves linearly from ``camera_start`` (first
  frame) to ``camera_end`` (last frame), two poses drawn per clip (rotation, shift, zoom); outside
  the frame the edge pixel is repeated, so no black corners appear;
* ``dudek``: dude-k's fixed path, the same for every moved clip: over the clip's ``T`` frames
  the camera turns by ``1.2 * sin(2 pi t / T)`` degrees and shifts by ``15 * (sin, cos)(2 pi t / T)``
  pixels of its 224x224 frames (here 15/224 of each side), with black outside the frame. dude-k
  moves the camera before its crop; here the move comes after it, as in the ``random`` style.

**Order of operations** (a loader that wants identical pixels must follow it):

1. ``crop``: the box (relative x0, y0, x1, y1 of the source frame) is resized to the output size
   (antialiased). No crop is the box (0, 0, 1, 1).
2. camera move: :meth:`ClipAugment.camera_matrices` (per frame, output pixel -> source pixel,
   bilinear; :meth:`ClipAugment.camera_fill` says what lies outside the frame: ``None``, the edge
   pixel repeated, torch ``grid_sample(padding_mode="border")``; ``0``, black, DALI's
   ``fill_value=0`` and torch's ``padding_mode="zeros"``).
3. colour: hue rotation (degrees), saturation, brightness and contrast factors (1 = unchanged),
   as DALI's ``color_twist`` applies them (contrast around mid-grey 128, not the image mean).
4. blur: a 5x5 gaussian with ``blur_sigma`` (0 = no blur).
5. ``flip``: horizontal mirror; the loader then swaps left/right in the targets.
6. ImageNet normalisation.

Drawing consumes the same random numbers whatever the probabilities are, so changing one
probability does not change the other augmentations of a seeded run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Literal, get_args

import numpy as np

BLUR_WINDOW = 5  # the seed's (dude-k's) gaussian_blur_kernel_size
FULL_FRAME = (0.0, 0.0, 1.0, 1.0)  # the crop box (relative x0, y0, x1, y1) of no crop
CameraStyle = Literal["random", "dudek"]
CAMERA_STYLES: tuple[str, ...] = get_args(CameraStyle)
# dude-k's camera path (utils/frames.py augment_with_camera_movement): amplitudes on 224x224 frames.
DUDEK_CAMERA_ROTATION_DEG = 1.2
DUDEK_CAMERA_SHIFT = 15.0 / 224.0
# Even-choice clips: the augmentations whose probability dude-k multiplies (its dataset's
# __getitem__ passes flip_proba * 2, camera_movement_proba * 2, crop_proba * 2).
EVEN_CHOICE_BOOSTED = ("flip_proba", "camera_proba", "crop_proba")


@dataclass(frozen=True)
class CameraPose:
    """A virtual camera pose relative to the frame: rotation, shift (fraction of the side), zoom."""

    rotation_deg: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0
    zoom: float = 1.0

    def as_array(self) -> np.ndarray:
        return np.array([self.rotation_deg, self.shift_x, self.shift_y, self.zoom], dtype=np.float64)


def _check_proba(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in 0..1, got {value}")


def _check_range(name: str, value: tuple[float, float], low: float, high: float) -> None:
    if len(value) != 2 or not low <= value[0] <= value[1] <= high:
        raise ValueError(f"{name} must be (min, max) with {low} <= min <= max <= {high}, got {value}")


@dataclass(frozen=True)
class AugmentConfig:
    """Probabilities and ranges of the training augmentations.

    Where the defaults come from: dude-k (the seed) applies each colour jitter and the blur with
    probability 0.25 (factors 0.7..1.2, hue +-0.2 of the colour circle = +-72 degrees, blur sigma
    0.1..2 in a 5x5 window) and crops 0.9 of the side; 0.25 for flip, crop and camera is the
    probability of its README's dataset example (its training commands default to 0.1, which
    :class:`~dudek_dali.train.config.TrainConfig` uses). The ``random`` camera ranges (+-5
    degrees, +-5% shift, zoom 1..1.15) are this project's; ``camera_style="dudek"`` is dude-k's
    path (module docstring). :meth:`off` is the configuration for evaluation.
    """

    flip_proba: float = 0.25
    crop_proba: float = 0.25
    crop_side: float = 0.9  # the crop box's side as a fraction of the frame's side
    camera_proba: float = 0.25
    camera_rotation_deg: float = 5.0  # poses are drawn in +-this
    camera_shift: float = 0.05  # +-this fraction of the frame's side
    camera_zoom: tuple[float, float] = (1.0, 1.15)
    camera_style: CameraStyle = "random"
    hue_proba: float = 0.25
    hue: float = 0.2  # fraction of the colour circle
    saturation_proba: float = 0.25
    saturation: tuple[float, float] = (0.7, 1.2)
    brightness_proba: float = 0.25
    brightness: tuple[float, float] = (0.7, 1.2)
    contrast_proba: float = 0.25
    contrast: tuple[float, float] = (0.7, 1.2)
    blur_proba: float = 0.25
    blur_sigma: tuple[float, float] = (0.1, 2.0)  # torchvision GaussianBlur's default range

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name.endswith("_proba"):
                _check_proba(f.name, getattr(self, f.name))
        if not 0.1 <= self.crop_side <= 1.0:
            raise ValueError(f"crop_side must be in 0.1..1, got {self.crop_side}")
        if not 0.0 <= self.camera_rotation_deg <= 45.0:
            raise ValueError(f"camera_rotation_deg must be in 0..45, got {self.camera_rotation_deg}")
        if not 0.0 <= self.camera_shift <= 0.5:
            raise ValueError(f"camera_shift must be in 0..0.5, got {self.camera_shift}")
        if not 0.0 <= self.hue <= 0.5:
            raise ValueError(f"hue must be in 0..0.5 (fraction of the colour circle), got {self.hue}")
        _check_range("camera_zoom", self.camera_zoom, 0.5, 2.0)
        if self.camera_style not in CAMERA_STYLES:
            raise ValueError(
                f"camera_style must be one of {', '.join(CAMERA_STYLES)}, got {self.camera_style!r}"
            )
        for name in ("saturation", "brightness", "contrast"):
            _check_range(name, getattr(self, name), 0.0, 10.0)
        _check_range("blur_sigma", self.blur_sigma, 0.01, 10.0)  # 0 would mean "no blur"

    @classmethod
    def off(cls) -> AugmentConfig:
        """No augmentation at all (evaluation, inference)."""
        return cls(**{f.name: 0.0 for f in fields(cls) if f.name.endswith("_proba")})

    @property
    def enabled(self) -> bool:
        return any(getattr(self, f.name) > 0 for f in fields(self) if f.name.endswith("_proba"))

    def boosted(self, factor: float) -> AugmentConfig:
        """This config with flip, camera and crop probabilities times ``factor`` (at most 1): what
        dude-k gives its even-choice clips (``factor`` 2)."""
        if factor < 0:
            raise ValueError(f"factor must be >= 0, got {factor}")
        return replace(self, **{name: min(1.0, getattr(self, name) * factor) for name in EVEN_CHOICE_BOOSTED})


def camera_fill(style: CameraStyle) -> float | None:
    """What a camera move of ``style`` shows outside the frame: None (edge pixels) or 0 (black, dude-k)."""
    return 0.0 if style == "dudek" else None


@dataclass(frozen=True)
class ClipAugment:
    """What to do to one clip. The default instance is the identity."""

    flip: bool = False
    crop: tuple[float, float, float, float] = FULL_FRAME  # relative x0, y0, x1, y1
    camera_start: CameraPose = field(default_factory=CameraPose)
    camera_end: CameraPose = field(default_factory=CameraPose)
    hue: float = 0.0  # degrees
    saturation: float = 1.0
    brightness: float = 1.0
    contrast: float = 1.0
    blur_sigma: float = 0.0
    camera_style: CameraStyle = "random"  # "dudek": dude-k's fixed path (start and end unused)

    @property
    def moves_camera(self) -> bool:
        if self.camera_style == "dudek":
            return True
        return self.camera_start != CameraPose() or self.camera_end != CameraPose()

    @property
    def camera_fill(self) -> float | None:
        return camera_fill(self.camera_style)

    def camera_poses(self, num_frames: int) -> np.ndarray:
        """(T, 4) poses (rotation_deg, shift_x, shift_y, zoom): linear from start to end, or
        dude-k's sinusoidal path (module docstring)."""
        if self.camera_style == "dudek":
            return dudek_camera_poses(num_frames)
        t = np.linspace(0.0, 1.0, num_frames)[:, None] if num_frames > 1 else np.zeros((1, 1))
        start, end = self.camera_start.as_array(), self.camera_end.as_array()
        return start + t * (end - start)

    def camera_matrices(self, num_frames: int, width: int, height: int) -> np.ndarray:
        """(T, 2, 3) float32 affine maps from output pixel to source pixel, one per frame.

        Coordinates are pixels of the (already cropped and resized) ``width x height`` frame
        with the origin at the top-left corner of the top-left pixel. The camera rotates by
        ``rotation_deg`` and zooms by ``zoom`` about the frame centre, then shifts by
        ``shift * side``; the matrix is the inverse of that motion (what a warp samples).
        """
        poses = self.camera_poses(num_frames)
        centre = np.array([width / 2.0, height / 2.0])
        out = np.empty((num_frames, 2, 3), dtype=np.float64)
        for i, (rotation, shift_x, shift_y, zoom) in enumerate(poses):
            angle = math.radians(rotation)
            # Inverse rotation scaled by 1/zoom: source = A @ (dest - centre - shift) + centre.
            a = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]]) / zoom
            shift = np.array([shift_x * width, shift_y * height])
            out[i, :, :2] = a
            out[i, :, 2] = centre - a @ (centre + shift)
        return out.astype(np.float32)


def dudek_camera_poses(num_frames: int) -> np.ndarray:
    """dude-k's camera path as (T, 4) poses of :class:`CameraPose`'s convention.

    dude-k builds an OpenCV-style rotation matrix (positive angles turn the picture
    anticlockwise on screen, y pointing down) and adds the shift in pixels of its 224x224 frames;
    this module's positive ``rotation_deg`` turns it clockwise, hence the sign.
    """
    phase = 2.0 * math.pi * np.arange(num_frames, dtype=np.float64) / max(num_frames, 1)
    poses = np.empty((num_frames, 4), dtype=np.float64)
    poses[:, 0] = -DUDEK_CAMERA_ROTATION_DEG * np.sin(phase)
    poses[:, 1] = DUDEK_CAMERA_SHIFT * np.sin(phase)
    poses[:, 2] = DUDEK_CAMERA_SHIFT * np.cos(phase)
    poses[:, 3] = 1.0
    return poses


def _pose(rng: np.random.Generator, config: AugmentConfig) -> CameraPose:
    rotation, shift_x, shift_y, zoom = rng.random(4)
    return CameraPose(
        rotation_deg=float((2 * rotation - 1) * config.camera_rotation_deg),
        shift_x=float((2 * shift_x - 1) * config.camera_shift),
        shift_y=float((2 * shift_y - 1) * config.camera_shift),
        zoom=float(config.camera_zoom[0] + zoom * (config.camera_zoom[1] - config.camera_zoom[0])),
    )


def _uniform(low_high: tuple[float, float], u: float) -> float:
    return float(low_high[0] + u * (low_high[1] - low_high[0]))


def draw_augment(rng: np.random.Generator, config: AugmentConfig) -> ClipAugment:
    """Draw one clip's parameters. Always consumes the same amount of randomness (see module doc)."""
    coins = rng.random(9)  # flip, crop, camera, hue, saturation, brightness, contrast, blur, (spare)
    crop_x, crop_y = rng.random(2)
    start, end = _pose(rng, config), _pose(rng, config)
    hue, saturation, brightness, contrast, sigma = rng.random(5)
    side = config.crop_side
    crop = FULL_FRAME
    if coins[1] < config.crop_proba:
        x0, y0 = float(crop_x * (1 - side)), float(crop_y * (1 - side))
        crop = (x0, y0, x0 + side, y0 + side)
    moves = coins[2] < config.camera_proba
    posed = moves and config.camera_style == "random"
    return ClipAugment(
        flip=bool(coins[0] < config.flip_proba),
        crop=crop,
        camera_start=start if posed else CameraPose(),
        camera_end=end if posed else CameraPose(),
        camera_style="dudek" if moves and config.camera_style == "dudek" else "random",
        hue=float((2 * hue - 1) * config.hue * 360.0) if coins[3] < config.hue_proba else 0.0,
        saturation=_uniform(config.saturation, saturation) if coins[4] < config.saturation_proba else 1.0,
        brightness=_uniform(config.brightness, brightness) if coins[5] < config.brightness_proba else 1.0,
        contrast=_uniform(config.contrast, contrast) if coins[6] < config.contrast_proba else 1.0,
        blur_sigma=_uniform(config.blur_sigma, sigma) if coins[7] < config.blur_proba else 0.0,
    )
