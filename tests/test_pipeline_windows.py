"""Cutting overlapping inference windows out of consecutive decoded chunks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dudek_dali.clips.windows import assemble_windows, sampled_count, window_count


def reference_windows(num_sampled: int, clip_frames: int, overlap: int) -> list[list[int]]:
    """Sampled-frame indices of each window, -1 for padding, by the rule in the module doc."""
    windows, start = [], 0
    while True:
        windows.append([i if i < num_sampled else -1 for i in range(start, start + clip_frames)])
        if start + clip_frames >= num_sampled:
            return windows
        start += clip_frames - overlap


def chunks(num_sampled: int, chunk: int, stride: int):
    """What the reader gives: chunks of frames whose pixels hold their frame number, last one padded."""
    for first in range(0, num_sampled, chunk):
        numbers = np.array([(first + i) * stride if first + i < num_sampled else -1 for i in range(chunk)])
        frames = torch.from_numpy(numbers.astype(np.float32)).reshape(chunk, 1, 1, 1).expand(chunk, 3, 2, 2)
        yield frames.clone(), numbers


@pytest.mark.parametrize(
    "num_sampled, clip_frames, overlap, chunk",
    [(150, 16, 4, 10), (150, 16, 4, 16), (16, 16, 4, 5), (5, 16, 4, 16), (100, 80, 68, 80), (161, 80, 68, 7)],
)
def test_windows_match_the_reference_and_cover_the_tail(num_sampled, clip_frames, overlap, chunk):
    stride = 2
    got = list(assemble_windows(chunks(num_sampled, chunk, stride), clip_frames=clip_frames, overlap=overlap))
    expected = reference_windows(num_sampled, clip_frames, overlap)
    assert len(got) == len(expected) == window_count(num_sampled, clip_frames=clip_frames, overlap=overlap)
    for window, sampled in zip(got, expected, strict=True):
        numbers = np.array([s * stride if s >= 0 else -1 for s in sampled])
        assert window.frame_numbers.tolist() == numbers.tolist()
        pixels = window.frames[:, 0, 0, 0].numpy()
        real = numbers >= 0
        assert np.array_equal(pixels[real], numbers[real])  # the pixels are those frames
        assert np.all(pixels[~real] == 0)  # padding is zeros
    assert got[-1].frame_numbers[got[-1].frame_numbers >= 0].max() == (num_sampled - 1) * stride


def test_sampled_count():
    assert [sampled_count(n, 2) for n in (0, 1, 2, 3, 300, 301)] == [0, 1, 1, 2, 150, 151]
