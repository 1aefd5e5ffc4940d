"""One call that trains: ``setup`` -> ``fit`` -> leave the process group."""

from __future__ import annotations

from rich.console import Console

from dudek_dali.train.config import TrainConfig
from dudek_dali.train.distributed import shutdown_distributed
from dudek_dali.train.loop import StepCallback, fit
from dudek_dali.train.run import TrainingRun
from dudek_dali.train.setup import setup


def train_model(
    config: TrainConfig, *, console: Console | None = None, on_step: StepCallback | None = None
) -> TrainingRun:
    """Train as ``config`` says; returns the finished run (its ``state.history`` has every epoch).

    ``on_step(run, record)`` is called after every optimizer step (tests and notebooks use it to
    watch losses; raising from it stops training, leaving the last written checkpoints intact).
    """
    run = None
    try:
        run = setup(config, console=console)
        return fit(run, on_step=on_step)
    finally:
        if run is not None:
            run.close_loaders()
        shutdown_distributed()
