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
    return frames.round().clamp(0.0, 255.0)


def augment_clip(frames: torch.Tensor, augment: ClipAugment, *, size: tuple[int, int]) -> torch.Tensor:
    """``(T, C, H, W)`` uint8 (or whole-valued float) -> ``(T, C, *size)`` ImageNet-normalised float32.

    ``size`` is (height, width). Stages whose parameters are the identity are skipped.
    """
    clip = frames.float()
    resized = transforms.crop_resize(clip, augment.crop, size)
    if resized is not clip:
        clip = _uint8_levels(resized)
    if augment.moves_camera:
        matrices = torch.from_numpy(augment.camera_matrices(len(clip), width=size[1], height=size[0]))
        clip = _uint8_levels(transforms.warp_affine(clip, matrices, fill=augment.camera_fill))
    colour = {
        "hue_deg": augment.hue,
        "saturation": augment.saturation,
        "brightness": augment.brightness,
        "contrast": augment.contrast,
    }
    if colour != {"hue_deg": 0.0, "saturation": 1.0, "brightness": 1.0, "contrast": 1.0}:
        clip = _uint8_levels(transforms.color_twist(clip, **colour))
    if augment.blur_sigma > 0:
        clip = _uint8_levels(transforms.gaussian_blur(clip, sigma=augment.blur_sigma, window=BLUR_WINDOW))
    if augment.flip:
        clip = transforms.hflip(clip)
    return transforms.normalize(clip)
