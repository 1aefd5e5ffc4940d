"""T-DEED: timm backbone with gated temporal shifts, ED-SGP-Mixer, team-doubled class head."""

from dudek_dali.model.config import TEMPORAL_SHIFT_MODES, TDeedConfig, TemporalShiftMode
from dudek_dali.model.tdeed import TDeed, TDeedOutput, create_model
from dudek_dali.model.weights import LOAD_MODES, LoadMode, load_weights, model_state_for

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
]
