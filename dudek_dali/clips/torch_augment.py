"""Apply one clip's :class:`~dudek_dali.clips.augment.ClipAugment` in torch, on the frames' device.

The thin wrapper that chains :mod:`.transforms` in the order the DALI graph uses, so a clip read
from frame folders or decoded by torchcodec gets exactly the augmentation the DALI loader would
give it. It lives here, below the readers, because both of those siblings use it (and their
whole-game readers resize with it, augmentation off). The DALI graph keeps uint8 frames between
its stages, so every stage's output is rounded back to whole 0..255 levels here too; without that
the loaders would drift apart by up to a level per stage.
"""

from __future__ import annotations

import torch

from dudek_dali.clips import transforms
from dudek_dali.clips.augment import BLUR_WINDOW, ClipAugment


def _uint8_levels(frames: torch.Tensor) -> torch.Tensor:
    """``frames`` rounded and clamped in place (each stage's output is a new tensor of its own)."""
    return frames.round_().clamp_(0.0, 255.0)


def augment_clip(
    frames: torch.Tensor, augment: ClipAugment, *, size: tuple[int, int], out: torch.Tensor | None = None
) -> torch.Tensor:
    """``(T, C, H, W)`` uint8 (or whole-valued float) -> ``(T, C, *size)`` ImageNet-normalised float32,
    written into ``out`` when given (a clip's slice of its batch).

    ``size`` is (height, width). Stages whose parameters are the identity are skipped, and uint8
    frames become float only for the first stage that computes (a clip already at ``size`` with
    nothing to do goes straight to the normalisation, which reads uint8).
    """
    clip = frames
    resized = transforms.crop_resize(clip, augment.crop, size)
    if resized is not clip:
        clip = _uint8_levels(resized)
    if augment.moves_camera:
        matrices = torch.from_numpy(augment.camera_matrices(len(clip), width=size[1], height=size[0]))
        clip = _uint8_levels(transforms.warp_affine(clip.float(), matrices, fill=augment.camera_fill))
    colour = {
        "hue_deg": augment.hue,
        "saturation": augment.saturation,
        "brightness": augment.brightness,
        "contrast": augment.contrast,
    }
    if colour != {"hue_deg": 0.0, "saturation": 1.0, "brightness": 1.0, "contrast": 1.0}:
        clip = _uint8_levels(transforms.color_twist(clip.float(), **colour))
    if augment.blur_sigma > 0:
        blurred = transforms.gaussian_blur(clip.float(), sigma=augment.blur_sigma, window=BLUR_WINDOW)
        clip = _uint8_levels(blurred)
    if augment.flip:
        clip = transforms.hflip(clip)
    return transforms.normalize(clip, out=out)
