"""What training reports: one record per optimizer step, per epoch, per validation.

Plain values only, filled by :mod:`.loop` and read by the progress display, the logs, the
``on_step`` callbacks and the benchmarks; kept apart from the loop so readers need not import it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class StepRecord:
    """What one optimizer step did (given to ``on_step`` callbacks and logged)."""

    epoch: int
    step_in_epoch: int  # steps done in the epoch after this one
    global_step: int
    loss: float
    ce: float
    displacement: float
    lr: float  # the learning rate this step used


@dataclass(frozen=True)
class EpochStats:
    """Mean losses of an epoch's steps (over every rank), clips read, wall and data-wait time."""

    loss: float
    ce: float
    displacement: float
    clips: int
    seconds: float
    data_wait_seconds: float

    @property
    def clips_per_second(self) -> float:
        return self.clips / self.seconds if self.seconds > 0 else 0.0

    @property
    def data_wait_fraction(self) -> float:
        return self.data_wait_seconds / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class ValidationResult:
    """The validation of one epoch: by loss (lower is better) or by team-mAP@1 (higher is better)."""

    metric: str  # "loss" or "map"
    value: float
    loss: float | None = None
    team_map_at1: float | None = None
    map_at1: float | None = None
    per_class: dict[str, float] | None = None
    seconds: float = 0.0

    def better_than(self, best: float | None) -> bool:
        if best is None or math.isnan(best):
            return not math.isnan(self.value)
        return self.value < best if self.metric == "loss" else self.value > best
