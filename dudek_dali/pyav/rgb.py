"""Decoded frames to RGB at one size, through one kept FFmpeg scaler.

``frame.to_ndarray(width=, height=, format=)`` builds a new ``VideoReformatter`` (an FFmpeg
``SwsContext``: filter tables for the size and format pair) for every frame; a reformatter that
is kept reuses its context while the input's size and format stay the same, which is every frame
of a video. The pixels are the same (same scaler, same bilinear default); only the set-up per
frame is gone. ``benchmarks/decoders.py`` measures the difference.
"""

from __future__ import annotations

import numpy as np


class RgbScaler:
    """``scaler(frame)``: a decoded ``av.VideoFrame`` as (height, width, 3) uint8 RGB."""

    def __init__(self, size: tuple[int, int]) -> None:
        from av.video.reformatter import VideoReformatter

        self.height, self.width = size
        self._reformatter = VideoReformatter()

    def __call__(self, frame) -> np.ndarray:
        rgb = self._reformatter.reformat(frame, width=self.width, height=self.height, format="rgb24")
        return rgb.to_ndarray()
