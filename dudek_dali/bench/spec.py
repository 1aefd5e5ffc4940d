"""The clip specification every loader is measured on, and the loaders there are."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from dudek_dali.sources import SOURCE_NAMES

if TYPE_CHECKING:
    from dudek_dali.clips.sampling import SamplingConfig

FLOOR = "pyav"  # the PyAV reader of the same clip plan, decode and resize to the clip size only
# torchcodec decoding the same clips at the same stride, at the video's size: no resize, no
# augmentation. Every row's ``ratio_to_floor`` is its frames/s over this one's.
DECODE_FLOOR = "torchcodec-floor"
LOADER_KINDS: tuple[str, ...] = tuple(dict.fromkeys((*SOURCE_NAMES, FLOOR, DECODE_FLOOR)))

LOADER_NAMES = {
    "dali-gpu": "DALI GPU",
    "dali-cpu": "DALI CPU",
    "torchcodec-gpu": "torchcodec GPU",
    "torchcodec-cpu": "torchcodec CPU",
    "frames": "frame folders",
    "pyav": "PyAV decode + resize",
    "torchcodec-floor": "torchcodec decode floor",
}
LOADER_TITLES = {
    "dali-gpu": "DALI, GPU (NVDEC)",
    "dali-cpu": "DALI, CPU",
    "torchcodec-gpu": "torchcodec, GPU (NVDEC)",
    "torchcodec-cpu": "torchcodec, CPU (FFmpeg)",
    "frames": "frame folders (JPEG, DataLoader)",
    "pyav": "PyAV reader (decode + resize, no augmentation)",
    "torchcodec-floor": "torchcodec decode floor (no resize, no augmentation)",
}


def check_loader_kinds(kinds: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The loaders to measure (video sources, and the floors ``pyav`` and ``torchcodec-floor``),
    checked, without repeats."""
    unknown = [k for k in kinds if k not in LOADER_KINDS]
    if unknown or not kinds:
        raise ValueError(
            f"loaders must be among {', '.join(LOADER_KINDS)}, got {', '.join(kinds) or 'none'}"
        )
    return tuple(dict.fromkeys(kinds))


@dataclass(frozen=True)
class ClipSpec:
    """What every loader delivers: the training clips of the seed by default.

    80 frames at stride 2 (12.5 fps), 224x224, :class:`~dudek_dali.clips.AugmentConfig`'s
    augmentations (each with probability 0.25: the seed's colour and blur, its README's flip,
    crop and camera; the camera move is this project's), batches of 4, epochs of
    6000 random clips (``enforce_train_epoch_size``): building an epoch's plan is part of the
    start-up, as it is in training.
    """

    clip_frames: int = 80
    stride: int = 2
    overlap: int = 68
    size: tuple[int, int] = (224, 224)  # (height, width)
    batch_size: int = 4
    augment: bool = True
    epoch_clips: int = 6000
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("clip_frames", "stride", "batch_size", "epoch_clips"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0 <= self.overlap < self.clip_frames:
            raise ValueError(f"overlap must be in 0..{self.clip_frames - 1}, got {self.overlap}")
        if len(self.size) != 2 or min(self.size) < 8:
            raise ValueError(f"size must be (height, width) with sides >= 8, got {self.size}")

    @property
    def span(self) -> int:
        """Video frames from a clip's first frame to its last, inclusive."""
        return (self.clip_frames - 1) * self.stride + 1

    def sampling(self, *, augment: bool | None = None) -> SamplingConfig:
        """The epochs every loader reads (``augment`` overrides the spec's, e.g. off for the floor)."""
        from dudek_dali.clips.augment import AugmentConfig
        from dudek_dali.clips.sampling import SamplingConfig

        augmented = self.augment if augment is None else augment
        return SamplingConfig(
            clip_frames=self.clip_frames,
            stride=self.stride,
            overlap=self.overlap,
            epoch_size=self.epoch_clips,
            seed=self.seed,
            augment=AugmentConfig() if augmented else AugmentConfig.off(),
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "size": list(self.size)}
