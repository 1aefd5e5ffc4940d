"""Sampling by time: the 25 fps grid the model counts in, for videos of any frame rate.

The model was trained on frames ``stride`` apart in 25 fps video (12.5 fps for stride 2), so a
whole-game reader that samples by time takes, as sample ``k``, the frame shown nearest to
``k * stride / 25`` s (the earlier frame on a tie), whatever the video's own rate (25, 29.97, 30,
50, 59.94 fps or variable). For a 25 fps video that is exactly frame ``k * stride``, the frames the
DALI readers deliver by index.

Frame numbers in such a reader's batches are on that 25 fps grid (``k * stride``, what
post-processing and the challenge's positions count in), and its videos' events are counted on
the grid too (label positions in ms times 25 / 1000). The PyAV and torchcodec readers both sample
this way; only where the frame times come from differs (a packet scan, or torchcodec's own), so
the rule lives here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from dudek_dali.clips.videos import VideoEntry, video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import EventTable

GRID_FPS = 25  # the rate the model's stride counts in (SoccerNet video, and the challenge's positions)


def nearest_frames(times: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For each time in ``targets`` (s): the index of the frame (``times``: presentation times,
    ascending) shown nearest to it, the earlier frame on a tie."""
    times, targets = np.asarray(times), np.asarray(targets, dtype=np.float64)
    last = len(times) - 1
    frames = np.clip(np.searchsorted(times, targets + 1e-9, side="right") - 1, 0, last)
    following = np.minimum(frames + 1, last)
    nearer = (frames < last) & (times[following] - targets < targets - times[frames])
    return (frames + nearer).astype(np.int64)  # the next frame where it is strictly nearer


def grid_frames(times: np.ndarray, *, stride: int) -> np.ndarray:
    """For samples at ``k * stride / 25`` s (k = 0, 1, ... up to the last frame's time; ``times``
    from the first frame): the index of the frame shown nearest to each (the earlier on a tie)."""
    return nearest_frames(times, np.arange(0.0, times[-1] + 1e-9, stride / GRID_FPS))


def grid_videos(
    game: Game, times: Sequence[np.ndarray], *, stride: int, label_set: LabelSet
) -> tuple[list[VideoEntry], list[np.ndarray]]:
    """The game's videos as a time-sampling reader sees them, and where each sample comes from.

    ``times`` holds each video's frame times (s from its first frame, ascending). Returns one
    :class:`VideoEntry` per video counted on the 25 fps grid (frames up to the last frame's time,
    events at 25 fps), and per video the index of its own frame shown at each grid sample.
    """
    entries, sources = [], []
    for entry, video, video_times in zip(
        video_entries([game], label_set=label_set), game.videos, times, strict=True
    ):
        sources.append(grid_frames(video_times, stride=stride))
        events = EventTable.from_annotations(
            video.annotations, label_set=label_set, fps=GRID_FPS, key=f"{game.url_local}#{video.half}"
        )
        count = int(np.floor(video_times[-1] * GRID_FPS)) + 1
        entries.append(replace(entry, num_frames=count, fps=float(GRID_FPS), events=events))
    return entries, sources
