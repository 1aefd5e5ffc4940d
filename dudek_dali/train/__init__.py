"""Training T-DEED: the run's config (:mod:`.config`), ``setup`` -> ``fit`` (:mod:`.setup`,
:mod:`.loop`), checkpoints, TensorBoard logging, DDP. :func:`train_model` and :class:`TrainConfig`
are imported on first use, so importing this package costs no torch (the CLI's ``--help`` stays
fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dudek_dali.train.api import train_model
    from dudek_dali.train.config import DataConfig, OptimConfig, RunConfig, TrainConfig

__all__ = ["DataConfig", "OptimConfig", "RunConfig", "TrainConfig", "train_model"]


def __getattr__(name: str) -> Any:
    if name == "train_model":
        from dudek_dali.train.api import train_model

        return train_model
    if name in ("DataConfig", "OptimConfig", "RunConfig", "TrainConfig"):
        from dudek_dali.train import config

        return getattr(config, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
