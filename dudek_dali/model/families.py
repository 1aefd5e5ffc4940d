"""One model API for every family (timm's style): a config type per family, one factory for all.

* :func:`create_model` builds the network a config describes (T-DEED or E2E-Spot), dispatching on
  the config's type;
* :func:`model_config_from_dict` rebuilds a config from a checkpoint's ``model_config``,
  dispatching on its ``family`` key. A missing key means ``"tdeed"``: every checkpoint written
  before E2E-Spot existed is a T-DEED one, and still loads;
* :func:`model_config_dict` is the inverse, with ``family`` always written;
* :func:`checkpoint_config` reads a checkpoint payload's config (older T-DEED ones included) and
  :func:`create_model_from_checkpoint` rebuilds the network it holds;
* :func:`check_converted` checks the weights a converter (dude-k, OSL) made against the network
  their config describes.

Both families return :class:`~dudek_dali.model.tdeed.TDeedOutput`; what differs downstream is
whether outputs carry a team (:func:`has_teams`) and how a model is best run on a whole game
(:func:`inference_defaults`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dudek_dali.errors import CheckpointError
from dudek_dali.model.config import TDeedConfig
from dudek_dali.model.e2e_spot_config import FAMILY as E2E_SPOT
from dudek_dali.model.e2e_spot_config import E2ESpotConfig

TDEED = "tdeed"
ModelConfig = TDeedConfig | E2ESpotConfig
CONFIG_TYPES: dict[str, Any] = {TDEED: TDeedConfig, E2E_SPOT: E2ESpotConfig}
FAMILIES: tuple[str, ...] = tuple(CONFIG_TYPES)
# T-DEED's frames before its config carried them: the training options' defaults (dude-k's).
_TDEED_STRIDE = 2
_TDEED_INPUT_SIZE = (224, 224)


def family_of(config: ModelConfig) -> str:
    for family, config_type in CONFIG_TYPES.items():
        if isinstance(config, config_type):
            return family
    raise TypeError(f"not a model config: {type(config).__name__} (expected one of {', '.join(FAMILIES)})")


def create_model(config: ModelConfig):
    """Build the network ``config`` describes, in fp32 on the CPU; move it with ``.to(device)``."""
    family = family_of(config)
    if family == E2E_SPOT:
        from dudek_dali.model.e2e_spot import E2ESpot

        return E2ESpot(config)  # type: ignore[arg-type]
    from dudek_dali.model.tdeed import TDeed

    return TDeed(config)  # type: ignore[arg-type]


def model_config_from_dict(values: Mapping[str, Any]) -> ModelConfig:
    """The config a checkpoint's ``model_config`` describes; ``ValueError`` names a bad family or key."""
    values = dict(values)
    family = values.pop("family", TDEED)
    if family not in CONFIG_TYPES:
        raise ValueError(f"unknown model family {family!r}; this version knows {', '.join(FAMILIES)}")
    return CONFIG_TYPES[family].from_dict(values)


def model_config_dict(config: ModelConfig) -> dict[str, Any]:
    """``config`` as plain values with its ``family``: what checkpoints and ``config.json`` store."""
    return {"family": family_of(config), **config.to_dict()}


def has_teams(config: ModelConfig) -> bool:
    """Whether the class outputs are team-doubled (T-DEED: ``2N + 1``) or team-less (E2E-Spot: ``N + 1``)."""
    return bool(getattr(config, "teams", True))


def clip_geometry(config: ModelConfig) -> dict[str, Any]:
    """``clip_frames``, ``stride`` and ``input_size`` (``[height, width]``): the frames the model reads."""
    return {"clip_frames": config.clip_frames, "stride": config.stride, "input_size": list(config.input_size)}


def checkpoint_config(payload: Mapping[str, Any], source: object) -> ModelConfig:
    """The model config a checkpoint payload holds, ``pretrained`` off (the weights come from the file).

    T-DEED checkpoints written before its config held ``stride`` and ``input_size`` take them from
    the flat training options stored beside the weights (their defaults when absent). ``source``
    names the checkpoint in errors.
    """
    stored = payload.get("model_config")
    if not stored:
        raise CheckpointError(
            f"{source}: holds bare weights without their model config; use a dudek checkpoint"
        )
    values = {**stored, "pretrained": False}
    if values.get("family", TDEED) == TDEED:
        train = payload.get("train_config") or {}
        values.setdefault("stride", int(train.get("stride", _TDEED_STRIDE)))
        values.setdefault("input_size", list(train.get("input_size", _TDEED_INPUT_SIZE)))
    try:
        return model_config_from_dict(values)
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{source}: unusable model config: {err}") from None


def inference_defaults(config: ModelConfig) -> dict[str, Any]:
    """How a whole game is best spotted with this family: window overlap (sampled frames), the
    peak suppression (``soft``/``hard``, window in video frames) and whether displacements apply.

    T-DEED: the seed's 85% overlap (68 of 80), soft-NMS over 12 frames, displacements on.
    E2E-Spot: OSL's test settings, half-clip overlap (50 of 100) and hard NMS over 2 sampled
    frames (24 video frames); its displacement is the constant ``frame_offset`` (the model fires
    that many sampled frames before the event, :mod:`.e2e_spot_config`), applied like T-DEED's so
    events land where OSL reports them.
    """
    if family_of(config) == E2E_SPOT:
        window = 2 * config.stride  # type: ignore[union-attr]
        return {
            "overlap": config.clip_frames // 2,
            "nms": "hard",
            "nms_window": window,
            "displacement": True,
        }
    overlap = round(config.clip_frames * 0.85)
    return {"overlap": overlap, "nms": "soft", "nms_window": 12, "displacement": True}


def create_model_from_checkpoint(payload: Mapping[str, Any], path: Path | str):
    """The network ``payload`` (from :func:`~dudek_dali.model.checkpoint.read_checkpoint`) holds,
    weights loaded whole, in eval mode on the CPU. ``path`` names the checkpoint in errors."""
    from dudek_dali.model.weights import load_weights

    model = create_model(checkpoint_config(payload, path))
    load_weights(model, payload["model"], mode="whole")
    return model.eval()


def check_converted(state: Mapping[str, Any], config: ModelConfig, *, failure: str) -> None:
    """:class:`CheckpointError` ``"<failure>: <problems>"`` unless ``state`` (converted weights) holds
    every tensor of the model ``config`` describes, with its shape. The model is built on the
    "meta" device: no memory, no initialisation."""
    import torch

    from dudek_dali.model.weights import state_mismatches

    with torch.device("meta"):
        wanted = create_model(config).state_dict()
    if problems := state_mismatches(wanted, state, given_as="converted", spell_out_sizes=False):
        raise CheckpointError(f"{failure}: " + "; ".join(problems))
