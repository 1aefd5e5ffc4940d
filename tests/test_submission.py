"""Submission zips: exact format, round trip, atomic writes, and every problem named by the validator."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dudek_dali.data.labels import Team
from dudek_dali.errors import SubmissionError
from dudek_dali.spotting import (
    Prediction,
    frame_to_position_ms,
    game_time,
    read_predictions,
    results_document,
    validate_submission,
    write_results_folder,
    write_submission,
)

GAME = "england_efl/2019-2020/2019-10-01 - Brentford - Bristol City"
OTHER = "england_efl/2019-2020/2019-10-01 - Reading - Fulham"


def _predictions() -> list[Prediction]:
    return [
        Prediction("PASS", Team.LEFT, 323_040, 0.75),
        Prediction("GOAL", Team.RIGHT, 6_123_456, 0.5),  # past 100 minutes
        Prediction("DRIVE", Team.RIGHT, 1_160, 0.0),  # zero confidence: not written
    ]


def test_written_zip_has_the_exact_format(tmp_path):
    path = write_submission(tmp_path / "out" / "submission.zip", {GAME: _predictions(), OTHER: []})
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(
            [f"{GAME}/results_spotting.json", f"{OTHER}/results_spotting.json"]
        )
        document = json.loads(zf.read(f"{GAME}/results_spotting.json"))
    assert document == {
        "UrlLocal": GAME,
        "predictions": [
            {
                "gameTime": "1 - 05:23",
                "label": "PASS",
                "position": "323040",
                "half": "1",
                "team": "left",
                "confidence": 0.75,
            },
            {
                "gameTime": "1 - 102:03",
                "label": "GOAL",
                "position": "6123456",
                "half": "1",
                "team": "right",
                "confidence": 0.5,
            },
        ],
    }
    assert [p.name for p in path.parent.iterdir()] == ["submission.zip"]  # no temporary file left behind


def test_round_trip_through_zip_and_folder(tmp_path):
    games = {GAME: _predictions()[:2], OTHER: [Prediction("SHOT", Team.LEFT, 40, 1.0)]}
    assert read_predictions(write_submission(tmp_path / "s.zip", games)) == games
    write_results_folder(tmp_path / "folder", games)
    assert read_predictions(tmp_path / "folder") == games
    assert validate_submission(tmp_path / "s.zip") == []
    assert validate_submission(tmp_path / "folder") == []


def test_one_row_per_label_team_and_scorer_frame():
    rows = [
        Prediction("PASS", Team.LEFT, 1_000, 0.3),
        Prediction("PASS", Team.LEFT, 1_020, 0.8),  # same scorer frame (25) as the row before
        Prediction("PASS", Team.RIGHT, 1_020, 0.1),  # other team: kept
        Prediction("PASS", Team.LEFT, 1_040, 0.2),  # next frame: kept
    ]
    written = results_document(GAME, rows)["predictions"]
    assert [(r["position"], r["team"], r["confidence"]) for r in written] == [
        ("1020", "left", 0.8),
        ("1020", "right", 0.1),
        ("1040", "left", 0.2),
    ]


def test_failed_write_keeps_the_old_zip(tmp_path):
    path = write_submission(tmp_path / "s.zip", {GAME: _predictions()})
    before = path.read_bytes()
    with pytest.raises(ValueError, match="outside 0..1"):
        write_submission(path, {GAME: [Prediction("PASS", Team.LEFT, 0, float("nan"))]})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.zip"]


def test_positions_map_back_to_their_frames():
    frames = np.arange(0, 200_000)
    positions = frame_to_position_ms(frames)
    assert np.array_equal([int(25 * (p / 1000)) for p in positions.tolist()], frames)
    assert np.all(positions - frames * 40 <= 1)  # never more than 1 ms late
    assert game_time(5_999_999) == "1 - 99:59" and game_time(6_000_000) == "1 - 100:00"


def _zip(tmp_path: Path, entries: list, *, game: str = GAME, url: str | None = None) -> Path:
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            f"{game}/results_spotting.json", json.dumps({"UrlLocal": url or game, "predictions": entries})
        )
    return path


def _entry(**changes) -> dict:
    entry = {"gameTime": "1 - 00:01", "label": "PASS", "position": "1000", "half": "1", "team": "left"}
    return {**entry, "confidence": 0.5, **changes}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"label": "PAS"}, "prediction 1: unknown label 'PAS'"),
        ({"team": "Left"}, "prediction 1: unknown team 'Left'"),
        ({"confidence": float("nan")}, "prediction 1: confidence is NaN"),
        ({"confidence": 1.5}, "prediction 1: confidence 1.5 outside 0..1"),
        ({"confidence": "0.5"}, "prediction 1: confidence '0.5' is not a number"),
        ({"confidence": 0}, "prediction 1: confidence 0 (zero-confidence rows must be left out)"),
        ({"position": "1000.5"}, "prediction 1: bad position '1000.5'"),
        ({"position": -3}, "prediction 1: bad position -3"),
        ({"gameTime": "1-00:01"}, "prediction 1: bad gameTime '1-00:01'"),
        ({"gameTime": "1 - 00:02"}, "prediction 1: gameTime '1 - 00:02' does not match position 1000 ms"),
        ({"half": "3"}, "prediction 1: bad half '3'"),
    ],
)
def test_validator_names_game_and_entry(tmp_path, changes, problem):
    path = _zip(tmp_path, [_entry(position="2000", gameTime="1 - 00:02"), _entry(**changes)])
    problems = validate_submission(path)
    assert len(problems) == 1 and problems[0].startswith(f"{GAME}: {problem}"), problems


def test_reader_raises_on_the_scored_fields_only(tmp_path):
    lenient = _entry(gameTime="whenever", confidence=0)
    assert read_predictions(_zip(tmp_path, [lenient]))[GAME][0].confidence == 0.0
    with pytest.raises(SubmissionError, match=f"{GAME}: prediction 0: confidence is NaN"):
        read_predictions(_zip(tmp_path, [_entry(confidence=float("nan"))]))
    with pytest.raises(SubmissionError, match="prediction 0: missing key 'position'"):
        read_predictions(_zip(tmp_path, [{k: v for k, v in _entry().items() if k != "position"}]))
    # A model without teams writes no team: read (scored by mAP@1 alone), but not a valid submission.
    teamless = {k: v for k, v in _entry().items() if k != "team"}
    assert read_predictions(_zip(tmp_path, [teamless]))[GAME][0].team is None
    assert validate_submission(_zip(tmp_path, [teamless])) == [f"{GAME}: prediction 0: missing key 'team'"]


def test_validator_finds_layout_problems(tmp_path):
    assert validate_submission(_zip(tmp_path, [_entry()], url="elsewhere")) == [
        f"{GAME}: UrlLocal is 'elsewhere', expected {GAME!r}"
    ]
    duplicate = validate_submission(_zip(tmp_path, [_entry(), _entry(position="1010", confidence=0.2)]))
    assert duplicate == [
        f"{GAME}: prediction 1: same frame, label and team as prediction 0 "
        "(the scorer keeps only the last one)"
    ]
    assert (
        "expected <league>/<season>/<match>/results_spotting.json"
        in validate_submission(
            _zip(tmp_path, [_entry()], game="england_efl/2019-10-01 - Brentford - Bristol City")
        )[0]
    )
    missing = validate_submission(_zip(tmp_path, [_entry()]), expected_games=[GAME, OTHER])
    assert missing == [f"{OTHER}: missing results_spotting.json (game expected in this submission)"]
    with zipfile.ZipFile(tmp_path / "empty_dir.zip", "w") as zf:
        zf.writestr(f"{OTHER}/", "")
    assert validate_submission(tmp_path / "empty_dir.zip") == [f"{OTHER}: missing results_spotting.json"]


def test_corrupt_zip_is_reported(tmp_path):
    good = _zip(tmp_path, [_entry()]).read_bytes()
    (tmp_path / "cut.zip").write_bytes(good[: len(good) // 2])
    (tmp_path / "noise.zip").write_bytes(bytes(range(256)) * 4)
    for name in ("cut.zip", "noise.zip"):
        problems = validate_submission(tmp_path / name)
        assert len(problems) == 1 and "not a zip file" in problems[0] and name in problems[0]
        with pytest.raises(SubmissionError, match=name):
            read_predictions(tmp_path / name)
    flipped = bytearray(good)
    flipped[good.index(b'"label"') + 2] ^= 0xFF  # damage the stored JSON: the CRC check fails
    (tmp_path / "crc.zip").write_bytes(bytes(flipped))
    assert "cannot read results_spotting.json" in validate_submission(tmp_path / "crc.zip")[0]
    assert validate_submission(tmp_path / "nothing.zip") == [
        f"{tmp_path / 'nothing.zip'}: predictions not found"
    ]
