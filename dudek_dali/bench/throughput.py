"""How fast a loader delivers clips: one timed epoch, or as many batches as fit in some seconds.

Loaders here are anything with ``set_epoch(epoch)``, ``plan()`` (the epoch's planned clips, in
delivery order) and iteration yielding batches with ``len()``: the DALI ``ClipLoader``, the
frame-folder loader and :class:`~dudek_dali.pyav.PyAVClipReader`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def timed_epoch(loader: Any) -> tuple[float, int]:
    """Seconds and clips of one epoch, after a warm-up batch (library loading, workers, threads)."""
    with loader:
        next(iter(loader))
        start = time.perf_counter()
        clips = sum(len(batch) for batch in loader)
        return time.perf_counter() - start, clips


def clips_per_second(loader: Any) -> float:
    seconds, clips = timed_epoch(loader)
    return clips / seconds


@dataclass
class TimedRun:
    """A loader run for a fixed time: start-up to the first batch, then the steady state.

    ``clips`` lists ``(video index, start frame)`` of every clip delivered in the steady state
    (the first batch is start-up), so callers can count the frames decoding them cost.
    """

    startup_s: float
    steady_s: float = 0.0
    clips: list[tuple[int, int]] = field(default_factory=list)
    epochs: int = 1

    @property
    def clips_per_s(self) -> float:
        return len(self.clips) / self.steady_s if self.steady_s > 0 else 0.0


def run_for(
    loader: Any,
    seconds: float,
    *,
    created_at: float,
    on_first_batch: Callable[[], None] = lambda: None,
    sync: Callable[[], None] = lambda: None,
) -> TimedRun:
    """Iterate epochs of ``loader`` until ``seconds`` have passed since its first batch.

    ``created_at`` is the ``perf_counter`` time the loader's creation began, so the start-up
    includes checks, planning, pipeline building and worker start. ``sync`` waits for queued
    device work (CUDA) so timestamps mean "delivered". Epoch boundaries (a new plan, a new DALI
    pipeline, new workers) happen inside the timed part, as they do in training.
    """
    run: TimedRun | None = None
    steady_start = 0.0
    epoch = 0
    while True:
        loader.set_epoch(epoch)
        plan = loader.plan()
        delivered = 0
        for batch in loader:
            count = len(batch)
            sync()
            now = time.perf_counter()
            if run is None:
                run = TimedRun(startup_s=now - created_at)
                steady_start = now
                on_first_batch()
            else:
                run.clips.extend((c.video, c.start) for c in plan[delivered : delivered + count])
                run.steady_s = now - steady_start
                if run.steady_s >= seconds:
                    return run
            delivered += count
        epoch += 1
        if run is not None:
            run.epochs = epoch + 1
        if run is None or epoch > 10_000:
            raise RuntimeError("the loader delivered no batch in a whole epoch")
