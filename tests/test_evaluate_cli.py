"""``dudek evaluate`` and ``dudek validate-submission`` run as a user runs them (a subprocess)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from cli_runner import dudek
from conftest import write_labels
from official_scorer import official_scores
from spotting_data import noisy_predictions, random_labels, write_prediction_zip

from dudek_dali.data.labels import BAS

SEASON = "england_efl/2019-2020"
TEST_GAMES = [
    f"{SEASON}/2019-10-01 - Stoke City - Huddersfield Town",
    f"{SEASON}/2019-10-01 - Reading - Fulham",
]
TRAIN_GAME = f"{SEASON}/2019-10-01 - Brentford - Bristol City"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Labels for two test games and a train game; predictions for them plus an unlabelled game."""
    root = tmp_path_factory.mktemp("evaluate")
    rng = np.random.default_rng(2025)
    labels = {
        game: random_labels(rng, n)
        for game, n in zip([*TEST_GAMES, TRAIN_GAME], (520, 380, 300), strict=True)
    }
    for game, document in labels.items():
        write_labels(root / "labels" / game / "Labels-ball.json", document["annotations"])
    predictions = {game: noisy_predictions(rng, document) for game, document in labels.items()}
    stray = {"predictions": predictions[TRAIN_GAME]["predictions"][:5]}
    write_prediction_zip(root / "pred.zip", {**predictions, f"{SEASON}/2019-10-09 - Nowhere - Nobody": stray})
    return root, labels, predictions


def _evaluate_json(*args) -> dict:
    result = dudek("evaluate", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_evaluate_json_equals_official_computation(dataset):
    root, labels, predictions = dataset
    ours = _evaluate_json(root / "labels", root / "pred.zip", "--split", "test")
    official = official_scores([labels[g] for g in TEST_GAMES], [predictions[g] for g in TEST_GAMES])
    assert ours["games"] == sorted(TEST_GAMES)
    assert ours["team_map_at1"] == pytest.approx(official["team_map"], abs=1e-6)
    assert ours["map_at1"] == pytest.approx(official["map"], abs=1e-6)
    for i, label in enumerate(BAS.classes):
        assert ours["per_class"][label]["team_ap"] == pytest.approx(official["team_per_class"][i], abs=1e-6)
        assert ours["per_class"][label]["ap"] == pytest.approx(official["per_class"][i], abs=1e-6)
        assert ours["per_class"][label]["left_ap"] == pytest.approx(official["column_aps"][2 * i], abs=1e-6)


def test_evaluate_scores_games_present_in_both_and_says_so(dataset):
    root, *_ = dataset
    result = dudek("evaluate", root / "labels", root / "pred.zip", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["games"] == sorted([*TEST_GAMES, TRAIN_GAME])
    assert "1 game(s) predicted but not labelled" in result.stderr and "Nowhere - Nobody" in result.stderr


def test_evaluate_prints_table_and_plots(dataset, tmp_path):
    root, *_ = dataset
    scores = _evaluate_json(root / "labels", root / "pred.zip", "--split", "train")
    result = dudek(
        "evaluate", root / "labels", root / "pred.zip", "--split", "train", "--plots", tmp_path / "plots"
    )
    assert result.returncode == 0, result.stderr
    assert f"team-mAP@1: {scores['team_map_at1'] * 100:.2f}" in result.stdout
    assert f"mAP@1:      {scores['map_at1'] * 100:.2f}" in result.stdout
    shot = next(line for line in result.stdout.splitlines() if "SHOT" in line)
    assert f"{scores['per_class']['SHOT']['team_ap'] * 100:.2f}" in shot
    pngs = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert pngs == [
        "per_class_ap.png",
        "timeline - england_efl - 2019-2020 - 2019-10-01 - Brentford - Bristol City.png",
    ]
    assert all((tmp_path / "plots" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_evaluate_reads_an_unzipped_folder(dataset, tmp_path):
    root, *_ = dataset
    with zipfile.ZipFile(root / "pred.zip") as zf:
        zf.extractall(tmp_path / "pred")
    from_zip = _evaluate_json(root / "labels", root / "pred.zip", "--split", "test")
    assert _evaluate_json(root / "labels", tmp_path / "pred", "--split", "test") == from_zip


def test_evaluate_bad_input_is_one_clear_line(dataset, tmp_path):
    root, _, predictions = dataset
    broken = {g: predictions[g] for g in TEST_GAMES}
    rows = broken[TEST_GAMES[1]]["predictions"] = [dict(p) for p in broken[TEST_GAMES[1]]["predictions"]]
    rows[3]["team"] = "home"
    write_prediction_zip(tmp_path / "bad.zip", broken)
    result = dudek("evaluate", root / "labels", tmp_path / "bad.zip")
    assert result.returncode == 2
    assert f"{TEST_GAMES[1]}: prediction 3: unknown team 'home'" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "corrupt.zip").write_bytes(b"PK\x03\x04 definitely not a zip")
    result = dudek("evaluate", root / "labels", tmp_path / "corrupt.zip")
    assert result.returncode == 2 and "corrupt.zip" in result.stderr and "not a zip file" in result.stderr
    result = dudek("evaluate", root / "labels", root / "pred.zip", "--split", "challenge")
    assert result.returncode == 2 and "has predictions" in result.stderr


def test_validate_submission_command(dataset, tmp_path):
    root, _, predictions = dataset
    from dudek_dali.spotting import read_predictions, write_submission

    ours = write_submission(
        tmp_path / "ours.zip", {g: read_predictions(root / "pred.zip")[g] for g in TEST_GAMES}
    )
    result = dudek("validate-submission", ours, "--split", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    # Rows of one label and team on one scorer frame are written once (the most confident).
    count = sum(
        len(
            {
                (p["label"], p["team"], int(25 * (int(p["position"]) / 1000)))
                for p in predictions[g]["predictions"]
            }
        )
        for g in TEST_GAMES
    )
    assert result.stdout.strip() == f"OK: {ours} holds 2 games, {count} predictions"
    result = dudek("validate-submission", ours, "--split", "challenge")
    assert result.returncode == 1
    assert result.stdout.count("missing results_spotting.json") == 2
    result = dudek("validate-submission", tmp_path / "absent.zip")
    assert result.returncode == 1 and "predictions not found" in result.stdout
