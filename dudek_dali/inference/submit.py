"""``dudek submit``: whole-game inference over a dataset and the challenge submission zip.

The model, its clip length, frame stride and input size come from the checkpoint
(:func:`~dudek_dali.inference.load_model`), so a submission is made exactly the way the model was
trained to see video. Labels are not needed (the challenge games have none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dudek_dali.data.games import Game, Layout, Resolution, discover_games
from dudek_dali.errors import DatasetError, DudekError
from dudek_dali.inference.model import TrainedModel, load_model
from dudek_dali.inference.scoring import predict_games
from dudek_dali.sources import AUTO, Source, as_source
from dudek_dali.spotting.submission import write_submission

if TYPE_CHECKING:
    import torch


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
    device: str | torch.device | None = None,
    source: Source | str = AUTO,
    games: Sequence[Game] | None = None,
    progress: bool = True,
    trust_pickle: bool = False,
) -> SubmissionSummary:
    """Predict every game of ``dataset`` (or the given ``games``) and write the submission zip.

    ``checkpoint`` is a checkpoint file (loaded on ``device``, default auto) or a model already
    loaded (so a caller that evaluated it first does not read it twice). ``source`` is a resolved
    source or a name, resolved here once on the model's device; each game is read by the first
    source of its chain that reads it. A model without teams is refused: the challenge scores
    team-mAP@1.
    """
    model = (
        checkpoint
        if isinstance(checkpoint, TrainedModel)
        else load_model(checkpoint, device=device, trust_pickle=trust_pickle)
    )
    if not model.label_set.teams:
        raise DudekError(
            f"{model.checkpoint or 'the model'}: a {model.family} model spots no team, and the 2025 "
            f"challenge scores team-mAP@1 (left or right per event); submit a T-DEED model, or use "
            f"dudek spot / dudek evaluate (mAP@1) for this one"
        )
    source = as_source(source, device=model.device, job="read")
    if games is None:
        found = discover_games(dataset, layout=layout, resolution=resolution)
        found.raise_for_problems()
        games = found.games
    if not games:
        raise DatasetError(f"{dataset}: no games found to predict")
    windows = model.windows(overlap=overlap, batch_size=batch_size, flip_tta=flip_tta)
    predictions = predict_games(model.net, games, config=windows, source=source, progress=progress)
    path = write_submission(output, predictions)
    count = sum(map(len, predictions.values()))
    return SubmissionSummary(path=path, games=len(predictions), predictions=count)
