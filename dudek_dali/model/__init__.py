"""T-DEED: timm backbone with gated temporal shifts, ED-SGP-Mixer, team-doubled class head.

Also its checkpoints (:mod:`.checkpoint`) and partial weight loading (:mod:`.weights`); the trained
model a checkpoint restores for inference is :mod:`dudek_dali.inference`. The names below are
imported on first use, so
``from dudek_dali.model import TDeedConfig`` does not pay for torch and timm.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dudek_dali.model.config import TEMPORAL_SHIFT_MODES, TDeedConfig, TemporalShiftMode

if TYPE_CHECKING:
    from dudek_dali.model.checkpoint import read_checkpoint, write_checkpoint
    from dudek_dali.model.tdeed import TDeed, TDeedOutput, create_model
    from dudek_dali.model.weights import LOAD_MODES, LoadMode, load_weights, model_state_for

_LAZY = {
    "TDeed": "tdeed",
    "TDeedOutput": "tdeed",
    "create_model": "tdeed",
    "LOAD_MODES": "weights",
    "LoadMode": "weights",
    "load_weights": "weights",
    "model_state_for": "weights",
    "read_checkpoint": "checkpoint",
    "write_checkpoint": "checkpoint",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"dudek_dali.model.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LOAD_MODES",
    "TEMPORAL_SHIFT_MODES",
    "LoadMode",
    "TDeed",
    "TDeedConfig",
    "TDeedOutput",
    "TemporalShiftMode",
    "create_model",
    "load_weights",
    "model_state_for",
    "read_checkpoint",
    "write_checkpoint",
]
