"""``dudek submit``: whole-game inference over a dataset and the challenge submission zip.

The model, its clip length, frame stride and input size come from the checkpoint, so a
submission is made exactly the way the model was trained to see video. Labels are not needed
(the challenge games have none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dudek_dali.data.games import Game, Layout, Resolution, discover_games
from dudek_dali.errors import CheckpointError, DatasetError
from dudek_dali.spotting.inference import DecodeDevice, InferenceConfig, predict_games
from dudek_dali.spotting.predictions import Prediction
from dudek_dali.spotting.submission import write_submission

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TrainedModel:
    """A T-DEED restored from a checkpoint, with how it was trained to read video."""

    net: torch.nn.Module
    label_set: str
    clip_frames: int
    stride: int
    size: tuple[int, int]
    keep_aspect: bool


def load_trained_model(path: Path | str, *, device: str | torch.device = "cpu") -> TrainedModel:
    """Rebuild the model a ``dudek train`` checkpoint holds (weights loaded whole, eval mode)."""
    from dudek_dali.model import TDeedConfig, create_model, load_weights
    from dudek_dali.train.checkpoint import read_checkpoint

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
        keep_aspect=bool(train.get("keep_aspect", False)),
    )


@dataclass(frozen=True)
class SubmissionSummary:
    path: Path
    games: int
    predictions: int


def create_submission(
    dataset: Path | str,
    checkpoint: Path | str | TrainedModel,
    *,
    output: Path | str = "submission.zip",
    layout: Layout = "bas",
    resolution: Resolution = 224,
    overlap: int | None = None,
    batch_size: int = 4,
    flip_tta: bool = False,
    device: str = "cpu",
    decode_device: DecodeDevice = "cpu",
    games: Sequence[Game] | None = None,
    progress: bool = True,
) -> SubmissionSummary:
    """Predict every game of ``dataset`` (or the given ``games``) and write the submission zip.

    ``checkpoint`` is a checkpoint file or a model already restored from one (so a caller that
    evaluated it first does not read it twice). ``overlap`` defaults to 85% of the clip (the
    seed's 68 of 80).
    """
    model = (
        checkpoint if isinstance(checkpoint, TrainedModel) else load_trained_model(checkpoint, device=device)
    )
    if games is None:
        found = discover_games(dataset, layout=layout, resolution=resolution)
        found.raise_for_problems()
        games = found.games
    if not games:
        raise DatasetError(f"{dataset}: no games found to predict")
    config = InferenceConfig(
        clip_frames=model.clip_frames,
        stride=model.stride,
        overlap=overlap if overlap is not None else round(model.clip_frames * 0.85),
        batch_size=batch_size,
        size=model.size,
        keep_aspect=model.keep_aspect,
        flip_tta=flip_tta,
    )
    predictions: dict[str, list[Prediction]] = predict_games(
        model.net, games, config=config, device=device, decode_device=decode_device, progress=progress
    )
    path = write_submission(output, predictions)
    return SubmissionSummary(
        path=path, games=len(predictions), predictions=sum(map(len, predictions.values()))
    )
