"""ImageNet normalisation: the constants every loader normalises with, and the way back to pixels."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def to_pixels(frames: torch.Tensor) -> np.ndarray:
    """Delivered ImageNet-normalised frames ``(..., C, H, W)`` -> ``(..., H, W, C)`` uint8 (on the CPU)."""
    values = frames.detach().float().cpu().movedim(-3, -1).numpy()
    values = values * np.array(IMAGENET_STD) * 255 + np.array(IMAGENET_MEAN) * 255
    return np.clip(np.round(values), 0, 255).astype(np.uint8)


def normalize(frames: torch.Tensor, *, out: torch.Tensor | None = None) -> torch.Tensor:
    """0..255 RGB ``(..., 3, H, W)``, uint8 or float -> ImageNet-normalised values (what every loader
    delivers): float32 from uint8, else the input's float type; into ``out`` when given (a slice
    of the batch being assembled, which then needs no stacking).

    ``mean / std`` subtracted from ``x / std`` in one pass (``addcmul``), converting uint8 as it
    reads, where ``(x.float() - mean) / std`` takes three passes over the frames and two
    temporary copies of them; the two agree to float32 rounding.
    """
    import torch

    dtype = frames.dtype if frames.is_floating_point() else torch.float32
    std = np.array(IMAGENET_STD) * 255.0
    scale = torch.tensor(1.0 / std, device=frames.device, dtype=dtype).view(3, 1, 1)
    shift = torch.tensor(-np.array(IMAGENET_MEAN) * 255.0 / std, device=frames.device, dtype=dtype)
    return torch.addcmul(shift.view(3, 1, 1), frames, scale, out=out)
