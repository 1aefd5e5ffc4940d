"""``dudek submit``: whole-game inference over a dataset and the challenge submission zip.

The model, its clip length, frame stride and input size come from the checkpoint
(:func:`~dudek_dali.model.trained.load_trained_model`), so a submission is made exactly the way
the model was trained to see video. Labels are not needed (the challenge games have none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dudek_dali.data.games import Game, Layout, Resolution, discover_games
from dudek_dali.devices import resolve_device
from dudek_dali.errors import DatasetError
from dudek_dali.model.trained import TrainedModel, load_trained_model
from dudek_dali.sources import SourceChoice, resolve_video_source
from dudek_dali.spotting.inference import InferenceConfig, predict_games
from dudek_dali.spotting.predictions import Prediction
from dudek_dali.spotting.submission import write_submission

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class SubmissionSummary:
    path: Path
    games: int
    predictions: int


def inference_config(
    model: TrainedModel, *, overlap: int | None = None, batch_size: int = 4, flip_tta: bool = False
) -> InferenceConfig:
    """Windows cut as ``model`` was trained; ``overlap`` defaults to 85% of the clip (the seed's 68 of 80)."""
    return InferenceConfig(
        clip_frames=model.clip_frames,
        stride=model.stride,
        overlap=overlap if overlap is not None else round(model.clip_frames * 0.85),
        batch_size=batch_size,
        size=model.size,
        flip_tta=flip_tta,
    )


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
    device: str | torch.device = "auto",
    source: SourceChoice = "auto",
    games: Sequence[Game] | None = None,
    progress: bool = True,
) -> SubmissionSummary:
    """Predict every game of ``dataset`` (or the given ``games``) and write the submission zip.

    ``checkpoint`` is a checkpoint file or a model already restored from one (so a caller that
    evaluated it first does not read it twice). ``device`` and ``source`` may be ``auto``
    (:func:`~dudek_dali.devices.resolve_device`, :func:`~dudek_dali.sources.resolve_video_source`).
    """
    device = resolve_device(device) if isinstance(device, str) else device
    source = resolve_video_source(source)
    model = (
        checkpoint if isinstance(checkpoint, TrainedModel) else load_trained_model(checkpoint, device=device)
    )
    if games is None:
        found = discover_games(dataset, layout=layout, resolution=resolution)
        found.raise_for_problems()
        games = found.games
    if not games:
        raise DatasetError(f"{dataset}: no games found to predict")
    config = inference_config(model, overlap=overlap, batch_size=batch_size, flip_tta=flip_tta)
    predictions: dict[str, list[Prediction]] = predict_games(
        model.net, games, config=config, device=device, source=source, progress=progress
    )
    path = write_submission(output, predictions)
    return SubmissionSummary(
        path=path, games=len(predictions), predictions=sum(map(len, predictions.values()))
    )
