"""team-mAP@1 / mAP@1 against the official computation (SoccerNet's ``average_mAP``)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from conftest import annotation
from official_scorer import official_scores
from SoccerNet.Evaluation.ActionSpotting import compute_class_scores
from spotting_data import as_annotations, as_predictions, noisy_predictions, random_labels

from dudek_dali.data.labels import BAS, Team
from dudek_dali.errors import SubmissionError
from dudek_dali.spotting import Prediction, evaluate_spotting, map_at1, team_map_at1
from dudek_dali.spotting.average_precision import match_events


def _ours(labels: list[dict], predictions: list[dict], **kwargs):
    truth = {f"l/s/game {i}": as_annotations(doc) for i, doc in enumerate(labels)}
    preds = {f"l/s/game {i}": as_predictions(doc) for i, doc in enumerate(predictions)}
    return evaluate_spotting(truth, preds, **kwargs)


def _assert_same(ours, official, *, team_weighting: bool = True) -> None:
    assert ours.no_team.value == pytest.approx(official["map"], abs=1e-12)
    np.testing.assert_allclose(list(ours.no_team.per_class.values()), official["per_class"], atol=1e-12)
    interleaved = [ours.team.per_class_team[c][side] for c in BAS.classes for side in ("left", "right")]
    np.testing.assert_allclose(interleaved, official["column_aps"], atol=1e-12)
    if team_weighting:
        assert ours.team.value == pytest.approx(official["team_map"], abs=1e-12)
        np.testing.assert_allclose(list(ours.team.per_class.values()), official["team_per_class"], atol=1e-12)


def _pred(label: str, team: str, position: int, confidence: float) -> dict:
    return {"label": label, "team": team, "position": str(position), "half": "1", "confidence": confidence}


def _every_action_both_teams(position: int = 10_000) -> list[dict]:
    return [
        annotation(c, s, position + 3000 * i + 1500 * k)
        for i, c in enumerate(BAS.classes)
        for k, s in enumerate(("left", "right"))
    ]


def test_random_games_equal_official():
    rng = np.random.default_rng(7)
    labels = [random_labels(rng, 600), random_labels(rng, 450)]
    predictions = [noisy_predictions(rng, doc) for doc in labels]
    ours = _ours(labels, predictions)
    _assert_same(ours, official_scores(labels, predictions))
    assert 0.05 < ours.team.value < ours.no_team.value < 0.95  # wrong-team predictions only hurt team-mAP


def test_two_second_tolerance_equals_official():
    rng = np.random.default_rng(3)
    labels = [random_labels(rng, 300)]
    predictions = [noisy_predictions(rng, labels[0])]
    _assert_same(_ours(labels, predictions, tolerance_s=2.0), official_scores(labels, predictions, delta_s=2))


def test_edge_cases_equal_official():
    base = _every_action_both_teams()
    labels = {
        "annotations": base
        + [
            annotation("PASS", "left", 200_000, visibility="not shown"),
            annotation("HIGH PASS", "right", 203_000, visibility="not shown"),
            annotation("DRIVE", "right", 400_000),
            annotation("DRIVE", "right", 400_010),  # same frame as the one before: one ground-truth cell
            annotation("SHOT", "left", 120 * 60_000 - 40),  # last row of the scorer's 2-hour grid
        ]
    }
    preds = [_pred(a["label"], a["team"], int(a["position"]) + 120, 0.9) for a in base]
    preds += [
        _pred("PASS", "left", 200_100, 0.8),  # matches a "not shown" event
        _pred("DRIVE", "right", 400_000, 0.95),  # several predictions on one frame: the last one counts
        _pred("DRIVE", "right", 400_020, 0.05),
        _pred("DRIVE", "right", 600_000, 0.5),  # a false positive ranked between the two
        _pred("SHOT", "left", 135 * 60_000, 0.7),  # past the last frame: clamped onto it, so it matches
        _pred("GOAL", "right", 119 * 60_000, 0.6),  # a false positive late in the game
    ]
    labels_docs, pred_docs = [labels], [{"predictions": preds}]
    _assert_same(_ours(labels_docs, pred_docs), official_scores(labels_docs, pred_docs))


def test_class_without_events_scores_zero_like_official_average_map():
    labels = {"annotations": [annotation("PASS", "left", 10_000), annotation("PASS", "right", 20_000)]}
    predictions = {"predictions": [_pred("PASS", "left", 10_000, 0.9), _pred("GOAL", "left", 50_000, 0.9)]}
    ours = _ours([labels], [predictions])
    official = official_scores([labels], [predictions])
    _assert_same(ours, official, team_weighting=False)
    # The official script divides 0 by 0 for actions without events; we score them 0 instead.
    assert np.isnan(official["team_per_class"][1])
    assert ours.team.per_class["GOAL"] == 0.0
    assert ours.team.per_class["PASS"] == pytest.approx(official["team_per_class"][0])
    assert ours.team.value == pytest.approx(np.mean([official["team_per_class"][0]] + [0.0] * 11))


def test_matching_equals_official_compute_class_scores():
    rng = np.random.default_rng(11)
    for _ in range(200):
        length = int(rng.integers(60, 400))
        target = np.zeros(length)
        target[rng.choice(length, size=int(rng.integers(0, 25)), replace=False)] = 1
        detection = np.full(length, -1.0)
        where = rng.choice(length, size=int(rng.integers(0, 60)), replace=False)
        detection[where] = np.round(rng.random(len(where)), 1)  # coarse scores: many ties
        official, *_ = compute_class_scores(target, np.zeros(length) - 1, detection, 25)
        preds = np.flatnonzero(detection >= 0)
        ours = match_events(np.flatnonzero(target), preds, detection[preds], radius=12)
        np.testing.assert_array_equal(ours, official[:, 1].astype(bool))


@pytest.mark.parametrize("seed", range(4))
def test_team_map_and_map_functions_equal_official_on_random_prediction_sets(seed):
    """``team_map_at1`` and ``map_at1`` on their own (each reads the games its own way), against
    the official computation: 1-3 games, predictions near the events or anywhere, coarse scores."""
    rng = np.random.default_rng(100 + seed)
    labels = [random_labels(rng, int(rng.integers(150, 500))) for _ in range(int(rng.integers(1, 4)))]
    predictions = [noisy_predictions(rng, doc, false_positives=int(rng.integers(0, 1500))) for doc in labels]
    if seed % 2:  # two-decimal confidences: many ties, ranked as the official script ranks them
        for doc in predictions:
            for p in doc["predictions"]:
                p["confidence"] = max(round(p["confidence"], 2), 0.01)
    truth = {f"l/s/game {i}": as_annotations(doc) for i, doc in enumerate(labels)}
    preds = {f"l/s/game {i}": as_predictions(doc) for i, doc in enumerate(predictions)}
    team, no_team = team_map_at1(truth, preds), map_at1(truth, preds)
    _assert_same(SimpleNamespace(team=team, no_team=no_team), official_scores(labels, predictions))
    assert 0.02 < team.value < no_team.value  # wrong-team predictions count only against team-mAP


def test_perfect_predictions_score_one_and_swapped_teams_score_zero():
    labels = {"annotations": _every_action_both_teams()}
    truth = {"a/b/c": as_annotations(labels)}
    perfect = [Prediction(a.label, a.team, a.position_ms, 0.9) for a in truth["a/b/c"]]
    swapped = [Prediction(a.label, a.team.flipped(), a.position_ms, 0.9) for a in truth["a/b/c"]]
    assert team_map_at1(truth, {"a/b/c": perfect}).value == pytest.approx(1.0)
    assert team_map_at1(truth, {"a/b/c": swapped}).value == pytest.approx(0.0)
    assert map_at1(truth, {"a/b/c": swapped}).value == pytest.approx(1.0)


def test_missing_game_and_bad_prediction_are_named():
    truth = {"a/b/game one": as_annotations({"annotations": [annotation("PASS", "left", 1000)]})}
    with pytest.raises(SubmissionError, match="no predictions for game a/b/game one"):
        team_map_at1(truth, {})
    bad = [Prediction("PASS", Team.LEFT, 1000, 0.5), Prediction("PASS", Team.NOT_APPLICABLE, 900, 0.5)]
    with pytest.raises(SubmissionError, match="a/b/game one: prediction 1: team must be left or right"):
        team_map_at1(truth, {"a/b/game one": bad})
    with pytest.raises(SubmissionError, match="prediction 0: unknown label 'PAS'"):
        map_at1(truth, {"a/b/game one": [Prediction("PAS", Team.LEFT, 1000, 0.5)]})
