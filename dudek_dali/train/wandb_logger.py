"""Weights & Biases logging of a training run (``--use_wandb``), beside TensorBoard.

dude-k (the seed) calls ``wandb.init(project=experiment_name, sync_tensorboard=True)``. Here the
:class:`~dudek_dali.train.tensorboard.RunLogger` hands W&B the very scalars it writes to
TensorBoard (same tags, same values), so both dashboards show the same curves; images and text
stay in TensorBoard. The project is ``wandb_experiment_name`` (default: ``experiment_name``, as
dude-k), the run is named ``experiment_name`` and its files go under the run's TensorBoard folder
(``<run_dir>/wandb``), not the working directory. ``WANDB_MODE=offline`` logs without network
(``wandb sync`` uploads later), as W&B itself reads the variable.

W&B wants one increasing step per run, but the loop logs per optimizer step (``train/*``) and
per epoch (``epoch/*``, ``ap/*``); each tag family therefore gets its own step metric
(``train/step``, ``epoch/step``, ``ap/step``), W&B's ``define_metric`` way of keeping both axes.

``wandb`` is an optional dependency (``pip install 'dudek_dali[wandb]'``): a run asking for it
without the package fails before training starts, with that line.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dudek_dali.errors import DudekError

if TYPE_CHECKING:
    from dudek_dali.train.config import TrainConfig

INSTALL_HINT = "pip install 'dudek_dali[wandb]' (or pip install wandb)"


def require_wandb() -> Any:
    """The ``wandb`` module, or a :class:`DudekError` saying how to install it."""
    try:
        return importlib.import_module("wandb")
    except ImportError:
        raise DudekError(f"--use_wandb: the wandb package is not installed; {INSTALL_HINT}") from None


def step_metric(tag: str) -> str:
    """The step axis of ``tag``'s family: ``train/loss`` -> ``train/step`` (every tag has a family)."""
    return f"{tag.split('/', 1)[0]}/step"


class WandbRun:
    """One W&B run that receives the logger's scalars (rank 0 only)."""

    def __init__(self, run: Any) -> None:
        self._run = run
        self._axes: set[str] = set()

    def scalars(self, values: Mapping[str, float], step: int) -> None:
        """Log ``values`` (already finite floats) at ``step`` of their family's axis."""
        by_axis: dict[str, dict[str, float]] = {}
        for tag, value in values.items():
            by_axis.setdefault(step_metric(tag), {})[tag] = value
        for axis, logged in by_axis.items():
            if axis not in self._axes:
                self._run.define_metric(axis)
                self._run.define_metric(f"{axis.rsplit('/', 1)[0]}/*", step_metric=axis)
                self._axes.add(axis)
            self._run.log({**logged, axis: step})

    def finish(self) -> None:
        if self._run is not None:
            self._run.finish()
            self._run = None


def open_wandb_run(config: TrainConfig) -> WandbRun:
    """Start the W&B run of ``config`` (see the module docstring for names and folders)."""
    wandb = require_wandb()
    folder = config.run.run_dir
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run = wandb.init(
            project=config.run.wandb_project_name,
            name=config.run.experiment_name,
            dir=str(folder),
            config=config.to_dict(),
            settings=wandb.Settings(console="off"),  # leave the progress bars' terminal alone
        )
    except Exception as err:  # W&B raises its own errors (no login, no network in online mode)
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DudekError(
            f"--use_wandb: W&B could not start a run ({first}); run `wandb login`, or set "
            f"WANDB_MODE=offline to log without network"
        ) from None
    return WandbRun(run)
