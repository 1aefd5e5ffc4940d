"""A trained T-DEED restored from a checkpoint, with how it was trained to read video.

Inference must cut windows the way the model was trained to see them: the clip length is part of
the model, the frame stride and input size are training options stored beside the weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dudek_dali.errors import CheckpointError
from dudek_dali.model.checkpoint import read_checkpoint
from dudek_dali.model.config import TDeedConfig

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TrainedModel:
    """The network (eval mode) and the clip geometry it expects."""

    net: torch.nn.Module
    label_set: str
    clip_frames: int
    stride: int
    size: tuple[int, int]  # (height, width)


def load_trained_model(path: Path | str, *, device: str | torch.device = "cpu") -> TrainedModel:
    """Rebuild the model a ``dudek train`` checkpoint holds (weights loaded whole, eval mode)."""
    from dudek_dali.model.tdeed import create_model
    from dudek_dali.model.weights import load_weights

    payload = read_checkpoint(path, kind="model")
    model_config = payload.get("model_config")
    if not model_config:
        raise CheckpointError(
            f"{path}: holds bare weights without their T-DEED config; use a dudek checkpoint"
        )
    config = TDeedConfig(**{**model_config, "pretrained": False})  # the weights come from the file
    net = create_model(config)
    load_weights(net, payload["model"], mode="whole")
    train: dict[str, Any] = payload.get("train_config") or {}
    return TrainedModel(
        net=net.to(device).eval(),
        label_set=str(payload.get("label_set") or "bas"),
        clip_frames=config.clip_frames,
        stride=int(train.get("stride", 2)),
        size=tuple(int(v) for v in train.get("input_size", (224, 224))),  # type: ignore[arg-type]
    )
