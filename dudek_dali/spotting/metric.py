"""team-mAP@1 and mAP@1: the 2025 Ball Action Spotting metric, equal to the official computation.

The official scorer (SoccerNet's ``sn-teamspotting`` evaluation on top of the ``SoccerNet``
package's ``average_mAP``, delta 1 s at 25 fps) builds per-game matrices over the 2N columns
``<LABEL>-left`` / ``<LABEL>-right`` and computes an AP per column. Per action, the left and right
APs are averaged with weights ``n_left`` and ``n_right``; team-mAP@1 is the mean over the actions.
mAP@1 is the same on the N labels with the team ignored.

Details kept from the official code, on purpose:

* A weight is the column sum of the ground-truth matrix, so a "not shown" event (stored as -1)
  counts -1, not +1. SN-BAS-2025 labels are visible, where this equals the event count.
* Only ground truth of half 1 is scored (BAS games are one video whose ``gameTime`` is "1 - ...");
  a prediction's ``half`` is ignored. Frames past 2 hours are clamped onto the last row.
* Two events (or predictions) of one column on one frame: the one given last wins.

One deliberate difference: an action whose weights sum to 0 (no events for either team) gets
team AP 0, the value ``average_mAP`` itself gives a class without events; the official script
divides 0 by 0 there and its team-mAP@1 becomes NaN.

Predictions without a team (a model without teams, such as E2E-Spot) are scored by mAP@1 alone:
team-mAP@1 needs a left or right per event, and inventing one would score a coin toss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dudek_dali.data.annotations import Annotation
from dudek_dali.data.labels import BAS, SIDES, LabelSet, Team
from dudek_dali.errors import LabelFileError, SubmissionError
from dudek_dali.spotting.average_precision import EventGrid, class_average_precisions, pair_cells
from dudek_dali.spotting.predictions import SCORER_FPS, Prediction


@dataclass(frozen=True)
class MapResult:
    """mAP@delta ignoring team: the mean and the AP of each label."""

    value: float
    per_class: dict[str, float]


@dataclass(frozen=True)
class TeamMapResult:
    """team-mAP@delta: the mean, each action's weighted AP, and its per-team APs and weights."""

    value: float
    per_class: dict[str, float]
    per_class_team: dict[str, dict[str, float]]
    weights: dict[str, dict[str, float]]


NO_TEAM_NOTE = (
    "team-mAP@1 not computed: the predictions carry no team (a model without teams, such as "
    "E2E-Spot); mAP@1 ignores the team"
)


@dataclass(frozen=True)
class SpottingScores:
    """Both headline numbers for a set of games, as ``dudek evaluate`` reports them (``team`` is
    None for predictions without a team: :data:`NO_TEAM_NOTE`)."""

    team: TeamMapResult | None
    no_team: MapResult
    games: tuple[str, ...]
    tolerance_s: float

    def to_json(self) -> dict[str, object]:
        per_class: dict[str, dict[str, float]] = {}
        for label, ap in self.no_team.per_class.items():
            per_class[label] = {"ap": ap}
            if self.team is not None:
                per_class[label].update(
                    team_ap=self.team.per_class[label],
                    left_ap=self.team.per_class_team[label]["left"],
                    right_ap=self.team.per_class_team[label]["right"],
                    left_weight=self.team.weights[label]["left"],
                    right_weight=self.team.weights[label]["right"],
                )
        scores: dict[str, object] = {
            "team_map_at1": self.team.value if self.team is not None else None,
            "map_at1": self.no_team.value,
            "per_class": per_class,
            "games": list(self.games),
            "tolerance_s": self.tolerance_s,
        }
        if self.team is None:
            scores["team_map_at1_note"] = NO_TEAM_NOTE
        return scores


GroundTruth = Mapping[str, Sequence[Annotation]]
Predictions = Mapping[str, Sequence[Prediction]]


@dataclass(frozen=True)
class _Events:
    """One game's events as arrays: scorer frame, class index, right team?, value (±1 or confidence)."""

    frames: np.ndarray
    classes: np.ndarray
    right: np.ndarray
    values: np.ndarray

    def grid(self, num_classes: int, *, team_aware: bool) -> EventGrid:
        columns = self.classes + num_classes * self.right if team_aware else self.classes
        return EventGrid.from_writes(self.frames, columns, self.values)


def team_map_at1(
    ground_truth: GroundTruth,
    predictions: Predictions,
    *,
    label_set: LabelSet = BAS,
    tolerance_s: float = 1.0,
) -> TeamMapResult:
    """team-mAP over the games of ``ground_truth`` (each needs an entry in ``predictions``)."""
    truth, detected = _events(ground_truth, predictions, label_set, team_aware=True)
    return _team_map(truth, detected, label_set, tolerance_s)


def map_at1(
    ground_truth: GroundTruth,
    predictions: Predictions,
    *,
    label_set: LabelSet = BAS,
    tolerance_s: float = 1.0,
) -> MapResult:
    """mAP over the games of ``ground_truth`` with the team ignored (N columns)."""
    truth, detected = _events(ground_truth, predictions, label_set, team_aware=False)
    return _map(truth, detected, label_set, tolerance_s)


def evaluate_spotting(
    ground_truth: GroundTruth,
    predictions: Predictions,
    *,
    label_set: LabelSet = BAS,
    tolerance_s: float = 1.0,
) -> SpottingScores:
    """team-mAP and mAP together (the ``dudek evaluate`` numbers); every input is read once.

    Predictions without a team give mAP@1 alone (``team`` None, module docstring)."""
    teams = all(p.team is not None for game in ground_truth for p in predictions.get(game, ()))
    truth, detected = _events(ground_truth, predictions, label_set, team_aware=teams)
    return SpottingScores(
        team=_team_map(truth, detected, label_set, tolerance_s) if teams else None,
        no_team=_map(truth, detected, label_set, tolerance_s),
        games=tuple(sorted(ground_truth)),
        tolerance_s=tolerance_s,
    )


@dataclass(frozen=True)
class GameMatches:
    """The metric's pairs in one game, in the order of its inputs (-1: unpaired).

    ``label_of[i]``: the annotation prediction ``i`` is a true positive for (else a false
    alarm); ``prediction_of[j]``: the prediction that finds annotation ``j`` (else missed).
    """

    label_of: np.ndarray
    prediction_of: np.ndarray


def match_game(
    annotations: Sequence[Annotation],
    predictions: Sequence[Prediction],
    *,
    label_set: LabelSet = BAS,
    tolerance_s: float = 1.0,
    team_aware: bool = True,
    game: str = "game",
) -> GameMatches:
    """Which prediction finds which annotation, by the very matching team-mAP (``team_aware``) or
    mAP (team ignored) scores with, at every threshold.

    A prediction counts at a threshold when its confidence reaches it, so an annotation is found
    at threshold ``t`` when its paired prediction's confidence is ``>= t``. As in the scorer, a
    prediction that a later one of its class and team on the same scorer frame overwrites is
    never paired, and only half 1 is scored.
    """
    n = label_set.num_classes
    truth = _truth_events(game, annotations, label_set, team_aware=team_aware)
    target = truth.grid(n, team_aware=team_aware)
    detected = _prediction_events(game, predictions, label_set, team_aware=team_aware)
    detection = detected.grid(n, team_aware=team_aware)
    pairs = pair_cells(
        [target], [detection], num_classes=2 * n if team_aware else n, delta_frames=tolerance_s * SCORER_FPS
    )
    scored = np.flatnonzero([a.half == 1 for a in annotations])  # the annotations _truth_events keeps
    found = pairs.partner >= 0
    prediction = detection.writes[pairs.prediction_cell[found]]
    label = scored[target.writes[pairs.event_cell[pairs.partner[found]]]]
    label_of = np.full(len(predictions), -1, dtype=np.int64)
    prediction_of = np.full(len(annotations), -1, dtype=np.int64)
    label_of[prediction], prediction_of[label] = label, prediction
    return GameMatches(label_of=label_of, prediction_of=prediction_of)


def _team_map(
    truth: list[_Events], detected: list[_Events], label_set: LabelSet, tolerance_s: float
) -> TeamMapResult:
    n = label_set.num_classes
    targets = [t.grid(n, team_aware=True) for t in truth]
    detections = [d.grid(n, team_aware=True) for d in detected]
    aps = class_average_precisions(
        targets, detections, num_classes=2 * n, delta_frames=tolerance_s * SCORER_FPS
    )
    weights = sum((t.column_sums(2 * n) for t in targets), np.zeros(2 * n))
    per_class, per_team, weight_table = {}, {}, {}
    for c, label in enumerate(label_set.classes):
        left, right = c, c + n
        total = weights[left] + weights[right]
        weighted = aps[left] * weights[left] + aps[right] * weights[right]
        per_class[label] = float(weighted / total) if total != 0 else 0.0
        per_team[label] = {"left": float(aps[left]), "right": float(aps[right])}
        weight_table[label] = {"left": float(weights[left]), "right": float(weights[right])}
    value = float(np.mean(list(per_class.values())))
    return TeamMapResult(value=value, per_class=per_class, per_class_team=per_team, weights=weight_table)


def _map(truth: list[_Events], detected: list[_Events], label_set: LabelSet, tolerance_s: float) -> MapResult:
    n = label_set.num_classes
    targets = [t.grid(n, team_aware=False) for t in truth]
    detections = [d.grid(n, team_aware=False) for d in detected]
    aps = class_average_precisions(targets, detections, num_classes=n, delta_frames=tolerance_s * SCORER_FPS)
    return MapResult(
        value=float(np.mean(aps)),
        per_class={c: float(a) for c, a in zip(label_set.classes, aps, strict=True)},
    )


def _events(
    ground_truth: GroundTruth, predictions: Predictions, label_set: LabelSet, *, team_aware: bool
) -> tuple[list[_Events], list[_Events]]:
    games = sorted(ground_truth)
    missing = [g for g in games if g not in predictions]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise SubmissionError(f"no predictions for game {missing[0]}{more}")
    truth = [_truth_events(g, ground_truth[g], label_set, team_aware=team_aware) for g in games]
    return truth, [_prediction_events(g, predictions[g], label_set, team_aware=team_aware) for g in games]


def _truth_events(
    game: str, annotations: Sequence[Annotation], label_set: LabelSet, *, team_aware: bool
) -> _Events:
    scored = [a for a in annotations if a.half == 1]
    if team_aware:
        for a in scored:
            if a.team not in SIDES:
                raise LabelFileError(f"{game}: event {a.label} at {a.game_time} has no left/right team")
    return _Events(
        frames=_scorer_frames([a.position_ms for a in scored]),
        classes=np.array([label_set.class_index(a.label) for a in scored], dtype=np.int64),
        right=np.array([a.team is Team.RIGHT for a in scored], dtype=bool),
        values=np.array([-1.0 if a.visibility == "not shown" else 1.0 for a in scored]),
    )


def _prediction_events(
    game: str, predictions: Sequence[Prediction], label_set: LabelSet, *, team_aware: bool = True
) -> _Events:
    index = {label: i for i, label in enumerate(label_set.classes)}
    classes = np.array([index.get(p.label, -1) for p in predictions], dtype=np.int64)
    sided = np.array([p.team in SIDES or not team_aware for p in predictions], dtype=bool)
    bad = np.flatnonzero((classes < 0) | ~sided)
    if len(bad):
        p = predictions[bad[0]]
        problem = (
            f"unknown label {p.label!r}"
            if classes[bad[0]] < 0
            else f"team must be left or right, got {p.side or 'none'!r}"
        )
        raise SubmissionError(f"{game}: prediction {bad[0]}: {problem}")
    return _Events(
        frames=_scorer_frames([p.position_ms for p in predictions]),
        classes=classes,
        right=np.array([p.team is Team.RIGHT for p in predictions], dtype=bool),
        values=np.array([p.confidence for p in predictions], dtype=np.float64),
    )


def _scorer_frames(positions_ms: list[int]) -> np.ndarray:
    """The official ``int(25 * (position / 1000))``, element for element."""
    return (SCORER_FPS * (np.array(positions_ms, dtype=np.int64) / 1000)).astype(np.int64)
