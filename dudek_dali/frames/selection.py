"""Which frames of a video get extracted.

* Labelled SN-BAS-2025 games: every ``stride``-th frame (0, stride, 2*stride, ...), the grid
  training clips are sampled on.
* Labelled broadcasts (pretraining): only grid frames within ``radius_sec`` of an annotation of
  that half. Most of a 45-minute half is far from any event, and the seed kept ~1.2 TB even so.
* ``save_all``: every grid frame of every game, labelled or not. This is what unlabelled
  challenge games need for inference (the seed's use of its save-all flag); without it they are
  skipped, since training cannot use them. "All" means all frames *on the stride grid*, not every
  frame of the video: inference runs at the training stride.

Unlike the seed, annotated frames off the grid are never added: irregular spacing around events
would tell the model where the labels are.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from dudek_dali.clips.sampling import merge_windows, radius_frames  # shared with the clip sampler
from dudek_dali.data.games import Game, GameVideo
from dudek_dali.frames.config import ExtractionConfig


@dataclass(frozen=True)
class FramePlan:
    """Grid frames to keep: all of them (``windows is None``) or those inside inclusive windows.

    A predicate rather than a list, because container metadata may miscount a video's frames:
    the decoder decides where the video ends.
    """

    stride: int
    windows: tuple[tuple[int, int], ...] | None = None

    def __contains__(self, index: int) -> bool:
        if index % self.stride:
            return False
        if self.windows is None:
            return True
        # Windows are sorted and disjoint: only the last one starting at or before index can hold it.
        k = bisect.bisect_right(self.windows, (index, math.inf)) - 1
        return k >= 0 and index <= self.windows[k][1]

    @property
    def is_empty(self) -> bool:
        return self.windows is not None and not self.windows

    def indices(self, num_frames: int) -> np.ndarray:
        """The planned frames of a video of ``num_frames`` frames, ascending."""
        grid = np.arange(0, num_frames, self.stride, dtype=np.int64)
        if self.windows is None:
            return grid
        keep = np.zeros(len(grid), dtype=bool)
        for first, last in self.windows:
            keep |= (grid >= first) & (grid <= last)
        return grid[keep]

    def expected_count(self, num_frames: int) -> int:
        """How many frames a video of ``num_frames`` frames yields (for progress bars)."""
        if self.windows is None:
            return _grid_count(0, num_frames - 1, self.stride)
        return sum(_grid_count(a, min(b, num_frames - 1), self.stride) for a, b in self.windows)


def _grid_count(first: int, last: int, stride: int) -> int:
    """Multiples of ``stride`` in ``first..last`` (first >= 0)."""
    if last < first:
        return 0
    return last // stride - (first + stride - 1) // stride + 1


def plan_video(game: Game, video: GameVideo, settings: ExtractionConfig) -> FramePlan | None:
    """The frames to extract from one video of ``game``; None when the game is skipped."""
    if settings.save_all:
        return FramePlan(stride=settings.stride)
    if not game.is_labelled:
        return None
    if game.layout == "bas":
        return FramePlan(stride=settings.stride)
    radius = radius_frames(settings.radius_sec, video.fps)
    events = sorted({video.event_frame(a) for a in video.annotations})
    return FramePlan(stride=settings.stride, windows=merge_windows(events, radius))
