"""Evaluation figures: per-class AP bars and a per-game timeline of predictions against ground truth.

matplotlib runs on the Agg backend (no display needed); every PNG is written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from dudek_dali.data.annotations import Annotation
from dudek_dali.data.labels import BAS, LabelSet, Team
from dudek_dali.files import write_atomic
from dudek_dali.spotting.metric import SpottingScores
from dudek_dali.spotting.predictions import Prediction

# Predictions of a model without teams (team None) are drawn on the class's row, in one colour.
_TEAM_COLOURS: dict[Team | None, str] = {Team.LEFT: "tab:blue", Team.RIGHT: "tab:red", None: "tab:green"}


def plot_per_class_ap(scores: SpottingScores, path: Path | str) -> Path:
    """Grouped bars per class: team-weighted AP, left AP, right AP and AP ignoring team (the last
    alone for predictions without a team)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(scores.no_team.per_class)
    series = {}
    if scores.team is not None:
        series = {
            "team AP": [scores.team.per_class[c] for c in labels],
            "left AP": [scores.team.per_class_team[c]["left"] for c in labels],
            "right AP": [scores.team.per_class_team[c]["right"] for c in labels],
        }
    series["AP (team ignored)"] = [scores.no_team.per_class[c] for c in labels]
    x = np.arange(len(labels))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(12, 5))
    for i, (name, values) in enumerate(series.items()):
        ax.bar(x + (i - (len(series) - 1) / 2) * width, np.asarray(values) * 100, width, label=name)
    ax.set_xticks(x, labels, rotation=35, ha="right")
    ax.set_ylabel("AP (%)")
    ax.set_ylim(0, 100)
    team = f"team-mAP@1 {scores.team.value * 100:.2f}" if scores.team is not None else "no team predicted"
    ax.set_title(f"{team}   mAP@1 {scores.no_team.value * 100:.2f}   ({len(scores.games)} games)")
    ax.legend(ncols=4, fontsize="small")
    fig.tight_layout()
    return _save(fig, Path(path))


def plot_timeline(
    game: str,
    annotations: Sequence[Annotation],
    predictions: Sequence[Prediction],
    path: Path | str,
    *,
    label_set: LabelSet = BAS,
    min_confidence: float = 0.1,
) -> Path:
    """One row per class: ground truth as bars, predictions (>= ``min_confidence``) as dots, by team."""
    fig = timeline_figure(game, annotations, predictions, label_set=label_set, min_confidence=min_confidence)
    return _save(fig, Path(path))


def timeline_figure(
    game: str,
    annotations: Sequence[Annotation],
    predictions: Sequence[Prediction],
    *,
    label_set: LabelSet = BAS,
    min_confidence: float = 0.1,
):
    """The figure of :func:`plot_timeline`. Its legend says only what is drawn: no "truth" entry
    without labels, and the predictions' count with the threshold applied here (``min_confidence``
    above 0), else the range of confidences shown (a caller that filtered before, as ``dudek spot``
    does at its threshold, should pass that threshold)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    row = {c: i for i, c in enumerate(label_set.classes)}
    fig, ax = plt.subplots(figsize=(16, 0.45 * label_set.num_classes + 1.5))
    for team, colour in _TEAM_COLOURS.items():
        offset = {Team.LEFT: 0.15, Team.RIGHT: -0.15}.get(team, 0.0)  # type: ignore[arg-type]
        truth = [a for a in annotations if team is not None and a.team is team and a.label in row]
        if truth:
            ax.scatter(
                [a.position_ms / 60000 for a in truth],
                [row[a.label] + offset for a in truth],
                marker="|",
                s=120,
                color=colour,
                label=f"truth {team.value}: {len(truth)}",  # type: ignore[union-attr]
            )
        if (team is None) == label_set.teams:
            continue  # a team-less model predicts no left or right; a team model always one of them
        shown = [
            p for p in predictions if p.team is team and p.confidence >= min_confidence and p.label in row
        ]
        ax.scatter(
            [p.position_ms / 60000 for p in shown],
            [row[p.label] + offset for p in shown],
            s=[4 + 20 * p.confidence for p in shown],
            color=colour,
            alpha=0.35,
            label=_predicted_label(team, shown, min_confidence),
        )
    ax.set_yticks(range(label_set.num_classes), label_set.classes)
    ax.invert_yaxis()
    ax.set_xlabel("minutes")
    ax.set_title(game)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize="small", ncols=4)
    fig.tight_layout()
    return fig


def _predicted_label(team: Team | None, shown: Sequence[Prediction], min_confidence: float) -> str:
    label = f"predicted {team.value if team is not None else '(no team)'}: {len(shown)}"
    if min_confidence > 0:
        return f"{label} with conf >= {min_confidence:g}"
    if shown:
        confidences = [p.confidence for p in shown]
        return f"{label}, conf {min(confidences):.2f}-{max(confidences):.2f}"
    return label


def plot_evaluation(
    folder: Path | str,
    scores: SpottingScores,
    truth: Mapping[str, Sequence[Annotation]],
    predictions: Mapping[str, Sequence[Prediction]],
) -> list[Path]:
    """The per-class AP chart and one timeline per scored game, written into ``folder``."""
    folder = Path(folder)
    written = [plot_per_class_ap(scores, folder / "per_class_ap.png")]
    for game in scores.games:
        name = "timeline - " + game.replace("/", " - ") + ".png"
        written.append(plot_timeline(game, truth[game], predictions[game], folder / name))
    return written


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    finally:
        plt.close(fig)
