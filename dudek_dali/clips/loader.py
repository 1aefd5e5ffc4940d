"""The interface every training clip loader offers, and the epoch bookkeeping they share.

A clip loader reads the clips a :class:`~dudek_dali.clips.sampling.ClipSampler` plans, one epoch
per ``iter()``. What differs between loaders is only how a planned clip becomes pixels (DALI on
the GPU or CPU, JPEG frame folders, PyAV); choosing the epoch, skipping the batches a resumed run
has already seen, counting batches and closing are the same, so they live in
:class:`EpochPlanLoader` once. The trainer, the benchmarks and the preview only rely on the
:class:`ClipLoader` protocol.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from dudek_dali.clips.batch import ClipBatch
from dudek_dali.clips.sampling import ClipSampler, PlannedClip
from dudek_dali.clips.videos import VideoEntry


@runtime_checkable
class ClipLoader(Protocol):
    """Batches of planned clips, one epoch per ``iter()``."""

    @property
    def num_clips(self) -> int:
        """Clips this rank reads per epoch."""
        ...

    def set_epoch(self, epoch: int, *, start_batch: int = 0) -> None: ...

    def plan(self) -> list[PlannedClip]: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[ClipBatch]: ...

    def close(self) -> None: ...

    def __enter__(self) -> ClipLoader: ...

    def __exit__(self, *exc: object) -> None: ...


class EpochPlanLoader:
    """Base of the clip loaders: the epoch to plan, the batches to skip, counting and closing.

    Subclasses implement ``__iter__`` over :meth:`remaining_plan`.
    """

    def __init__(self, sampler: ClipSampler, *, batch_size: int) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.epoch = 0
        self.start_batch = 0

    @property
    def videos(self) -> list[VideoEntry]:
        return self.sampler.videos

    def set_epoch(self, epoch: int, *, start_batch: int = 0) -> None:
        """Choose the epoch the next iteration plans (a function of the seed and the epoch).

        ``start_batch`` skips the epoch's first batches at the plan level, without decoding
        them: a run resumed mid-epoch continues with exactly the clips it had not seen yet.
        """
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        if start_batch < 0:
            raise ValueError(f"start_batch must be >= 0, got {start_batch}")
        self.epoch = epoch
        self.start_batch = start_batch

    @property
    def num_clips(self) -> int:
        """Clips this rank reads per epoch."""
        return len(self.sampler)

    def __len__(self) -> int:
        """Batches per epoch (the last one may be smaller)."""
        return math.ceil(self.num_clips / self.batch_size)

    def plan(self) -> list[PlannedClip]:
        """This rank's whole plan of the current epoch."""
        return self.sampler.plan(self.epoch)

    def remaining_plan(self) -> list[PlannedClip]:
        """The plan without the batches ``start_batch`` skips."""
        return self.plan()[self.start_batch * self.batch_size :]

    def batches(self, plan: list[PlannedClip]) -> Iterator[list[PlannedClip]]:
        """``plan`` cut into batches of ``batch_size`` clips (the last may be smaller)."""
        for first in range(0, len(plan), self.batch_size):
            yield plan[first : first + self.batch_size]

    def close(self) -> None:
        """Release what the loader holds between epochs (nothing by default)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
