"""What every whole-game reader shares: its options, and cutting a video's chunks into batches.

Inference and ``--eval_metric map`` need every window of a game, tail included. A reader (DALI's
:class:`~dudek_dali.pipelines.DaliGameReader`, the frame folders'
:class:`~dudek_dali.frames.FrameGameReader`, PyAV's) only says how it decodes one video into
consecutive chunks of sampled frames (:meth:`GameReader._chunks`); counting, window assembly
(:mod:`.windows`), batching and targets are the same for all of them, so scores line up window
for window whichever reader produced them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.batch import ClipBatch, make_batch
from dudek_dali.clips.read_ahead import default_read_ahead, read_ahead
from dudek_dali.clips.sampling import check_window
from dudek_dali.clips.videos import VideoEntry
from dudek_dali.clips.windows import Window, assemble_windows, sampled_count, window_count
from dudek_dali.data.targets import TargetEncoder

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class GameReaderConfig:
    """How a whole-game reader cuts windows (``overlap`` as in training) and batches them.

    ``chunk_frames`` is how many sampled frames a reader decodes at a time; ``chunks_per_run``
    how many chunks DALI decodes in parallel per pipeline run (the other readers ignore it);
    ``read_ahead`` how many batches a thread keeps ready while the caller works on the current
    one (:mod:`.read_ahead`; 0: read only when asked; None: 1 where a core is spare for it, see
    :func:`~dudek_dali.clips.read_ahead.default_read_ahead`).
    """

    clip_frames: int = 80
    stride: int = 2
    overlap: int = 68
    batch_size: int = 4  # windows per ClipBatch
    chunk_frames: int = 80
    chunks_per_run: int = 2
    read_ahead: int | None = None

    def __post_init__(self) -> None:
        check_window(clip_frames=self.clip_frames, stride=self.stride, overlap=self.overlap)
        if min(self.batch_size, self.chunk_frames, self.chunks_per_run) < 1:
            raise ValueError("batch_size, chunk_frames and chunks_per_run must be >= 1")
        if self.read_ahead is not None and self.read_ahead < 0:
            raise ValueError(f"read_ahead must be >= 0, got {self.read_ahead}")


class GameReader:
    """Base class: iterates :class:`ClipBatch` es of consecutive windows over a game's videos.

    Subclasses set ``videos`` (:class:`VideoEntry` per video, ``num_frames`` checked), ``config``
    and ``encoder``, and implement :meth:`_chunks`. A batch never mixes videos (a broadcast game's
    halves come one after the other); ``clip_ids`` holds each window's index within its video.
    """

    videos: list[VideoEntry]
    device: torch.device  # where batches land
    config: GameReaderConfig
    encoder: TargetEncoder

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """(frames (n, C, H, W), frame numbers (n,)) of consecutive chunks of one video, in order."""
        raise NotImplementedError

    def num_windows(self, video: int) -> int:
        """Windows of one video, from its checked frame count."""
        c = self.config
        num_sampled = sampled_count(self.videos[video].num_frames, c.stride)
        return window_count(num_sampled, clip_frames=c.clip_frames, overlap=c.overlap)

    def __len__(self) -> int:
        """Batches over the whole game."""
        return sum(math.ceil(self.num_windows(v) / self.config.batch_size) for v in range(len(self.videos)))

    def __iter__(self) -> Iterator[ClipBatch]:
        depth = self.config.read_ahead
        return read_ahead(self._batches(), depth=default_read_ahead(self.device) if depth is None else depth)

    def _batches(self) -> Iterator[ClipBatch]:
        for video in range(len(self.videos)):
            yield from self._video_batches(video)

    def _video_batches(self, video: int) -> Iterator[ClipBatch]:
        c = self.config
        batch: list[Window] = []
        for window in assemble_windows(self._chunks(video), clip_frames=c.clip_frames, overlap=c.overlap):
            batch.append(window)
            if len(batch) == c.batch_size:
                yield self._batch(video, batch)
                batch = []
        if batch:
            yield self._batch(video, batch)

    def _batch(self, video: int, windows: list[Window]) -> ClipBatch:
        """The batch of consecutive windows of one video (never flipped)."""
        import torch

        return make_batch(
            torch.stack([w.frames for w in windows]),
            entries=[self.videos[video]] * len(windows),
            frame_numbers=np.stack([w.frame_numbers for w in windows]),
            flipped=np.zeros(len(windows), dtype=bool),
            clip_ids=np.array([w.index for w in windows], dtype=np.int64),
            encoder=self.encoder,
            stride=self.config.stride,
        )

    def close(self) -> None:
        """Release what the reader holds (nothing by default)."""

    def __enter__(self) -> GameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
