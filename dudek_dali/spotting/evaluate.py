"""``dudek evaluate``: score a predictions zip or folder against a folder of label files.

Only the label files are needed (no videos): ``<root>/<league>/<season>/<match>/Labels-ball.json``.
Games present on both sides are scored; the others are listed so the caller can say so. One game
can also be scored file against file: a ``Labels-ball.json`` and a ``results_spotting.json`` (what
``dudek spot`` writes for a video).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dudek_dali.data.annotations import BAS_LABEL_FILE, Annotation, read_labels
from dudek_dali.data.splits import check_split, official_split_of
from dudek_dali.errors import DatasetError
from dudek_dali.spotting.metric import SpottingScores, evaluate_spotting
from dudek_dali.spotting.predictions import Prediction
from dudek_dali.spotting.submission import RESULTS_FILE, parse_results, raise_problems, read_predictions


@dataclass(frozen=True)
class PredictionsReport:
    """The scores of the games both sides hold, and the games only one side holds."""

    scores: SpottingScores
    truth: dict[str, list[Annotation]]
    predictions: dict[str, list[Prediction]]
    not_predicted: list[str]  # labelled games without predictions
    not_labelled: list[str]  # predicted games without labels (in the chosen split)


def find_label_files(root: Path | str, *, split: str = "all") -> dict[str, Path]:
    """``league/season/match`` -> label file for every game under ``root`` (of ``split``, or ``all``)."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: labels folder not found")
    files = {"/".join(p.relative_to(root).parts[:3]): p for p in sorted(root.glob(f"*/*/*/{BAS_LABEL_FILE}"))}
    if not files:
        raise DatasetError(f"{root}: no <league>/<season>/<match>/{BAS_LABEL_FILE} found")
    if split != "all":
        check_split(split)
        files = {game: p for game, p in files.items() if official_split_of(game.split("/")[2]) == split}
    return files


def evaluate_predictions(
    labels_root: Path | str, predictions: Path | str, *, split: str = "all"
) -> PredictionsReport:
    """Official team-mAP@1 and mAP@1 of ``predictions`` on the labelled games of ``split``."""
    if Path(labels_root).is_file():
        return _one_game(Path(labels_root), Path(predictions))
    label_files = find_label_files(labels_root, split=split)
    predicted = read_predictions(predictions)
    scored = sorted(set(label_files) & set(predicted))
    if not scored:
        raise DatasetError(f"no game of {labels_root} ({split}) has predictions in {predictions}")
    truth = {game: read_labels(label_files[game]).annotations for game in scored}
    chosen = {game: predicted[game] for game in scored}
    return PredictionsReport(
        scores=evaluate_spotting(truth, chosen),
        truth=truth,
        predictions=chosen,
        not_predicted=sorted(set(label_files) - set(predicted)),
        not_labelled=sorted(set(predicted) - set(label_files)),
    )


def _one_game(labels: Path, predictions: Path) -> PredictionsReport:
    """A label file against one game's results file."""
    if not predictions.is_file():
        raise DatasetError(f"{predictions}: with a label file, give one {RESULTS_FILE} to score against it")
    game = labels.parent.name or "game"
    found, problems = parse_results(game, predictions.read_bytes())
    raise_problems(predictions, problems)
    truth = {game: read_labels(labels).annotations}
    return PredictionsReport(
        scores=evaluate_spotting(truth, {game: found}),
        truth=truth,
        predictions={game: found},
        not_predicted=[],
        not_labelled=[],
    )
