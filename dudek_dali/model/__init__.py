"""The models: T-DEED (``tdeed``: timm backbone with gated temporal shifts, ED-SGP-Mixer,
team-doubled class head) and E2E-Spot (``e2e-spot``: gated shifts in every stage, bidirectional
GRU, team-less class head), behind one API (:mod:`.families`: ``create_model(config)``,
``model_config_from_dict``).

Also their checkpoints (:mod:`.checkpoint`: ``.pt`` files, Hub-style folders, ``hf://`` repositories,
dude-k and OSL files converted), the Hub format both ways (:mod:`.publish`) and partial weight
loading (:mod:`.weights`); the trained model a checkpoint restores for inference is
:mod:`dudek_dali.inference`. The names below are imported on first use, so
``from dudek_dali.model import TDeedConfig`` does not pay for torch and timm.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dudek_dali.model.config import TEMPORAL_SHIFT_MODES, TDeedConfig, TemporalShiftMode
from dudek_dali.model.e2e_spot_config import E2ESpotConfig
from dudek_dali.model.families import FAMILIES, create_model, model_config_dict, model_config_from_dict

if TYPE_CHECKING:
    from dudek_dali.model.checkpoint import import_checkpoint, read_checkpoint, write_checkpoint
    from dudek_dali.model.e2e_spot import E2ESpot
    from dudek_dali.model.publish import push_to_hub, save_pretrained
    from dudek_dali.model.tdeed import TDeed, TDeedOutput
    from dudek_dali.model.weights import LOAD_MODES, LoadMode, load_weights, model_state_for

_LAZY = {
    "TDeed": "tdeed",
    "TDeedOutput": "tdeed",
    "E2ESpot": "e2e_spot",
    "import_checkpoint": "checkpoint",
    "save_pretrained": "publish",
    "push_to_hub": "publish",
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
    "FAMILIES",
    "LOAD_MODES",
    "TEMPORAL_SHIFT_MODES",
    "E2ESpot",
    "E2ESpotConfig",
    "LoadMode",
    "TDeed",
    "TDeedConfig",
    "TDeedOutput",
    "TemporalShiftMode",
    "create_model",
    "import_checkpoint",
    "load_weights",
    "model_config_dict",
    "model_config_from_dict",
    "model_state_for",
    "push_to_hub",
    "read_checkpoint",
    "save_pretrained",
    "write_checkpoint",
]
