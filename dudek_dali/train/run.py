"""The objects of one training run, and how they become (and come back from) a checkpoint.

:func:`dudek_dali.train.setup.setup` builds a :class:`TrainingRun`; :mod:`dudek_dali.train.loop`
advances it. Everything ``--resume`` needs is in :func:`training_payload`: the weights, optimizer,
scheduler, grad scaler, EMA, every global RNG state and the loop position (epoch, optimizer steps
done in it, global step, best metric so far).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import torch

from dudek_dali.clips.loader import ClipLoader
from dudek_dali.errors import CheckpointError
from dudek_dali.model.checkpoint import FORMAT
from dudek_dali.train.rng import capture_rng_state, restore_rng_state

if TYPE_CHECKING:
    from rich.console import Console

    from dudek_dali.data.games import Game
    from dudek_dali.data.labels import LabelSet
    from dudek_dali.model import TDeed
    from dudek_dali.sources import Source
    from dudek_dali.train.config import TrainConfig
    from dudek_dali.train.distributed import DistInfo
    from dudek_dali.train.ema import ModelEma
    from dudek_dali.train.tensorboard import RunLogger


@dataclass
class LoopState:
    """Where the loop is: ``epoch`` is the epoch running (or next to run), ``step_in_epoch`` the
    optimizer steps already done in it."""

    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    best_metric: float | None = None
    best_epoch: int | None = None
    history: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> LoopState:
        return cls(**values)


@dataclass
class TrainingRun:
    config: TrainConfig
    dist: DistInfo
    device: torch.device
    net: TDeed  # the bare model (weights, config)
    model: torch.nn.Module  # what the step calls: ``net`` or its DistributedDataParallel wrapper
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    scaler: torch.amp.GradScaler | None
    ema: ModelEma | None
    autocast_dtype: torch.dtype | None  # None: fp32
    label_set: LabelSet
    train_loader: ClipLoader
    val_loader: ClipLoader | None
    train_games: list[Game]
    val_games: list[Game]
    steps_per_epoch: int
    logger: RunLogger
    console: Console
    source: Source  # reads the training clips
    val_source: Source | None = None  # reads the validation games whole (--eval_metric map)
    state: LoopState = field(default_factory=LoopState)

    @property
    def eval_net(self) -> torch.nn.Module:
        """The weights validation and the saved model use: the EMA copy when EMA is on."""
        return self.ema.module if self.ema is not None else self.net

    def close_loaders(self) -> None:
        """Release the loaders' resources (the DALI loader's temporary link folder)."""
        for loader in (self.train_loader, self.val_loader):
            if loader is not None:
                loader.close()

    @property
    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])


def model_payload(run: TrainingRun, *, metric: dict[str, float] | None = None) -> dict[str, Any]:
    """A model checkpoint: the evaluation weights plus everything needed to rebuild the model."""
    return {
        "format": FORMAT,
        "kind": "model",
        "model": {k: v.detach().cpu() for k, v in run.eval_net.state_dict().items()},
        "model_config": run.net.config.to_dict(),
        "label_set": run.label_set.name,
        "train_config": run.config.to_dict(),
        "epoch": run.state.epoch,
        "global_step": run.state.global_step,
        "metric": dict(metric or {}),
    }


def training_payload(run: TrainingRun, *, rng_states: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A model checkpoint plus the complete training state (see the module docstring).

    ``rng_states`` holds every rank's RNG states (index = rank); default: this process's only.
    """
    payload = model_payload(run)
    payload.update(
        kind="training",
        train_model={k: v.detach().cpu() for k, v in run.net.state_dict().items()},
        optimizer=run.optimizer.state_dict(),
        scheduler=run.scheduler.state_dict(),
        scaler=run.scaler.state_dict() if run.scaler is not None else None,
        ema=run.ema.state_dict() if run.ema is not None else None,
        rng=rng_states if rng_states is not None else [capture_rng_state()],
        loop=run.state.to_dict(),
    )
    return payload


def restore_training_state(run: TrainingRun, payload: dict[str, Any], *, rank: int = 0) -> None:
    """Put a run back exactly where :func:`training_payload` left it (RNG states last).

    Each rank restores its own RNG states; a rank the saved run did not have (resuming with more
    processes) keeps the states it was seeded with.
    """
    run.net.load_state_dict(payload["train_model"])
    run.optimizer.load_state_dict(payload["optimizer"])
    run.scheduler.load_state_dict(payload["scheduler"])
    if run.scaler is not None and payload.get("scaler") is not None:
        run.scaler.load_state_dict(payload["scaler"])
    if run.ema is not None:
        if payload.get("ema") is None:
            raise CheckpointError("the checkpoint was trained without --ema; resume without it")
        run.ema.load_state_dict(payload["ema"])
    run.state = LoopState.from_dict(payload["loop"])
    rng_states = payload["rng"]
    if rank < len(rng_states):
        restore_rng_state(rng_states[rank])
