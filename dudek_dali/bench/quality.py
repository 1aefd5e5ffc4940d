"""How close a re-encoded copy is to its source: PSNR over the first frames, in YUV luma.

Luma (Y) is where compression loss shows; comparing the decoders' planes directly avoids any
colour conversion. Copy frame ``k`` is compared with source frame ``frame_step * k``.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np


def _luma(path: Path, count: int, step: int) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as container:
        frames = itertools.islice(container.decode(video=0), 0, count * step, step)
        return [f.to_ndarray(format="gray").astype(np.float64) for f in frames]


def luma_psnr(source: Path, copy: Path, *, frame_step: int = 1, frames: int = 100) -> float:
    """Mean-squared-error PSNR (dB) of the copy's first ``frames`` frames against the source's."""
    original = _luma(source, frames, frame_step)
    copied = _luma(copy, frames, 1)
    count = min(len(original), len(copied))
    if count == 0:
        raise ValueError(f"{copy}: no frame to compare")
    mse = float(
        np.mean([np.mean((a - b) ** 2) for a, b in zip(original[:count], copied[:count], strict=True)])
    )
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)
