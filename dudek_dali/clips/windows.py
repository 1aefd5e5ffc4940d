"""Overlapping inference windows assembled from consecutive, non-overlapping decoded chunks.

A whole-game reader must not re-seek from far back for every window: with 80-frame windows
overlapping by 68, seeking per window would decode every frame ~7 times (plus the way back to
a keyframe each time). Instead the reader decodes the video once, front to back, in chunks, and
this module cuts the windows from a buffer that never holds more than one window plus one
chunk.

Windows start every ``clip_frames - overlap`` sampled frames (0, step, 2 step, ...), like the
seed's ``split``, and continue until one reaches the video's last sampled frame; that last
window is padded at its end (frame number -1, zero pixels) when the video does not fill it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np


def window_count(num_sampled: int, *, clip_frames: int, overlap: int) -> int:
    """Windows needed to cover ``num_sampled`` sampled frames (the tail included)."""
    if num_sampled <= 0:
        return 0
    step = clip_frames - overlap
    return 1 + max(0, math.ceil((num_sampled - clip_frames) / step))


def sampled_count(num_frames: int, stride: int) -> int:
    """Frames 0, stride, 2 stride, ... that exist in a ``num_frames`` video."""
    return math.ceil(num_frames / stride) if num_frames > 0 else 0


class Window(NamedTuple):
    index: int  # window number in the video
    frames: object  # (T, C, H, W) tensor (torch, any device); padding frames are zeros
    frame_numbers: np.ndarray  # (T,) int64, -1 = padding


def assemble_windows(
    chunks: Iterable[tuple[object, np.ndarray]], *, clip_frames: int, overlap: int
) -> Iterator[Window]:
    """Cut windows from ``(frames (n, C, H, W), frame_numbers (n,))`` chunks in video order.

    Chunk frames numbered -1 (the decoder's own padding of its last chunk) are dropped; the
    tail window is padded here instead, so padding is always at the end and marked.
    """
    import torch

    step = clip_frames - overlap
    buffer: torch.Tensor | None = None
    numbers = np.zeros(0, dtype=np.int64)
    index = 0
    seen = 0  # real sampled frames received
    covered = 0  # sampled frames covered by the windows emitted so far
    for frames, chunk_numbers in chunks:
        real = np.asarray(chunk_numbers) >= 0
        frames = frames[torch.from_numpy(real).to(frames.device)] if not real.all() else frames
        buffer = frames if buffer is None else torch.cat([buffer, frames])
        numbers = np.concatenate([numbers, np.asarray(chunk_numbers, dtype=np.int64)[real]])
        seen += int(real.sum())
        while len(numbers) >= clip_frames:
            yield Window(index, buffer[:clip_frames], numbers[:clip_frames].copy())  # a view: never mutated
            covered = index * step + clip_frames
            index += 1
            buffer, numbers = buffer[step:], numbers[step:]
    while covered < seen and buffer is not None:  # the tail: pad the last window(s)
        real = len(numbers)
        pad = buffer.new_zeros((clip_frames - real, *buffer.shape[1:]))
        padded_numbers = np.concatenate([numbers, np.full(clip_frames - real, -1, dtype=np.int64)])
        yield Window(index, torch.cat([buffer, pad]), padded_numbers)
        covered = index * step + clip_frames
        index += 1
        buffer, numbers = buffer[step:], numbers[step:]
