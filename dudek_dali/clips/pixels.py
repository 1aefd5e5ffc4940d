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


def normalize(frames: torch.Tensor) -> torch.Tensor:
    """0..255 RGB ``(..., 3, H, W)`` -> ImageNet-normalised values (what every loader delivers)."""
    import torch

    mean = torch.tensor(IMAGENET_MEAN, device=frames.device, dtype=frames.dtype).view(3, 1, 1) * 255.0
    std = torch.tensor(IMAGENET_STD, device=frames.device, dtype=frames.dtype).view(3, 1, 1) * 255.0
    return (frames - mean) / std
