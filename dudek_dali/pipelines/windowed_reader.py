"""What both whole-game readers share: cutting a video's chunks into batches of windows.

A reader (DALI's :class:`~dudek_dali.pipelines.GameReader`, the frame folders'
:class:`~dudek_dali.frames.FrameGameReader`) only says how it decodes a video into consecutive
chunks (``_chunks``); counting, window assembly, batching and targets are the same for both.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from dudek_dali.pipelines.batch import ClipBatch
from dudek_dali.pipelines.targets_batch import window_batch
from dudek_dali.pipelines.windows import Window, assemble_windows, sampled_count, window_count


class WindowedReader:
    """Base class; subclasses set ``sources``, ``config`` (a GameReaderConfig) and ``encoder``."""

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """(frames (n, C, H, W), frame numbers (n,)) of consecutive chunks of one video, in order."""
        raise NotImplementedError

    def num_windows(self, video: int) -> int:
        """Windows of one video, from its checked frame count."""
        c = self.config
        num_sampled = sampled_count(self.sources[video].num_frames, c.stride)
        return window_count(num_sampled, clip_frames=c.clip_frames, overlap=c.overlap)

    def __len__(self) -> int:
        """Batches over the whole game."""
        return sum(math.ceil(self.num_windows(v) / self.config.batch_size) for v in range(len(self.sources)))

    def __iter__(self) -> Iterator[ClipBatch]:
        for video in range(len(self.sources)):
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
        return window_batch(self.encoder, self.sources[video], windows, stride=self.config.stride)
