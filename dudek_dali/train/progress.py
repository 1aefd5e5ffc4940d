"""What the user watches: a rich progress bar per epoch and one summary line per epoch."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from dudek_dali.train.records import EpochStats, ValidationResult


class EpochProgress:
    """A progress bar over ``total`` steps showing the latest loss and learning rate.

    Disabled (on ranks other than 0, with ``--no-progress``, or when the output is not a
    terminal, e.g. a log file) it costs nothing. The bar is transient: when it finishes, only
    the epoch's summary line stays in the terminal.
    """

    def __init__(self, description: str, *, total: int, completed: int = 0, enabled: bool = True) -> None:
        enabled = enabled and Console(stderr=True).is_terminal
        self.enabled = enabled
        self._progress = None
        self._task = None
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=True,
                console=Console(stderr=True),
            )
            self._task = self._progress.add_task(description, total=total, completed=completed, info="")

    def __enter__(self) -> EpochProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, *, loss: float | None = None, lr: float | None = None) -> None:
        if self._progress is None:
            return
        info = (f"loss {loss:.4f}" if loss is not None else "") + (f" lr {lr:.2e}" if lr is not None else "")
        self._progress.update(self._task, advance=1, info=info)


def epoch_summary(
    epoch: int, nr_epochs: int, stats: EpochStats, result: ValidationResult | None, *, lr: float, best: bool
) -> str:
    """One line, e.g. ``epoch 3/40  train loss 0.8123  val map 0.4410 *best  lr 5.9e-04
    412.3 clips/s  data wait 12%  7m10s + val 1m02s``."""
    parts = [f"epoch {epoch + 1}/{nr_epochs}", f"train loss {stats.loss:.4f}"]
    if result is not None:
        parts.append(f"val {result.metric} {result.value:.4f}" + (" *best" if best else ""))
    parts += [
        f"lr {lr:.2e}",
        f"{stats.clips_per_second:.1f} clips/s",
        f"data wait {stats.data_wait_fraction:.0%}",
        _duration(stats.seconds) + (f" + val {_duration(result.seconds)}" if result is not None else ""),
    ]
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"
