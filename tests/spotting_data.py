"""Random ground truth and predictions in the real JSON formats, for metric and CLI tests."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from dudek_dali.data.annotations import Annotation
from dudek_dali.data.labels import BAS, Team
from dudek_dali.spotting import Prediction, game_time

SIDES = ("left", "right")


def random_labels(rng: np.random.Generator, num_events: int, *, game_ms: int = 95 * 60_000) -> dict:
    """A ``Labels-ball.json`` document: random classes and teams, about 5% "not shown"."""
    annotations = []
    for position in np.sort(rng.integers(0, game_ms, size=num_events)).tolist():
        annotations.append(
            {
                "gameTime": game_time(position),
                "label": BAS.classes[rng.integers(0, 12)],
                "position": str(position),
                "team": SIDES[rng.integers(0, 2)],
                "visibility": "not shown" if rng.random() < 0.05 else "visible",
            }
        )
    return {"UrlLocal": "", "UrlYoutube": "", "halftime": "", "annotations": annotations}


def noisy_predictions(rng: np.random.Generator, labels: dict, *, false_positives: int = 300) -> dict:
    """Predictions near the events (jitter ~0.4 s, 20% wrong team, 0-2 per event) plus random ones."""
    rows = []
    for a in labels["annotations"]:
        for _ in range(rng.integers(0, 3)):
            team = a["team"] if rng.random() < 0.8 else SIDES[1 - SIDES.index(a["team"])]
            position = max(0, int(a["position"]) + int(rng.normal(0, 400)))
            rows.append(_row(a["label"], team, position, float(rng.random())))
    game_ms = max(int(a["position"]) for a in labels["annotations"]) + 60_000
    for _ in range(false_positives):
        label, team = BAS.classes[rng.integers(0, 12)], SIDES[rng.integers(0, 2)]
        rows.append(_row(label, team, int(rng.integers(0, game_ms)), float(rng.random())))
    rows.sort(key=lambda r: int(r["position"]))
    return {"UrlLocal": "", "predictions": rows}


def _row(label: str, team: str, position: int, confidence: float) -> dict:
    return {
        "gameTime": game_time(position),
        "label": label,
        "position": str(position),
        "half": "1",
        "team": team,
        "confidence": max(confidence, 1e-6),
    }


def as_annotations(labels: dict) -> list[Annotation]:
    return [
        Annotation(
            half=int(a["gameTime"][0]),
            position_ms=int(a["position"]),
            label=a["label"],
            team=Team(a["team"]),
            visibility=a["visibility"],
            game_time=a["gameTime"],
        )
        for a in labels["annotations"]
    ]


def as_predictions(document: dict) -> list[Prediction]:
    return [
        Prediction(
            p["label"], Team(p["team"]), int(p["position"]), p["confidence"], half=int(p.get("half", 1))
        )
        for p in document["predictions"]
    ]


def write_prediction_zip(path: Path, documents: dict[str, dict]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for game, document in documents.items():
            zf.writestr(f"{game}/results_spotting.json", json.dumps({**document, "UrlLocal": game}))
    return path
