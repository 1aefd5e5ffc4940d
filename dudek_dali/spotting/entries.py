"""Checks of one ``results_spotting.json`` entry, shared by the reader and the validator.

The reader needs only what SoccerNet's scorer reads (label, position, confidence, and the team
when there is one: a model without teams writes none, and is scored by mAP@1 alone); the validator
(``strict=True``) also holds the rest of the brief's format to account: the team the challenge
scores, ``gameTime`` consistent with ``position``, ``half``, and no zero-confidence rows.
"""

from __future__ import annotations

import math
import re
from typing import Any

from dudek_dali.data.labels import SIDES, LabelSet, Team
from dudek_dali.spotting.predictions import Prediction, game_time

_DIGITS = re.compile(r"^\d+$")
_GAME_TIME = re.compile(r"^([12]) - (\d{2,3}):([0-5]\d)$")
_SCORED_KEYS = ("label", "position", "confidence")
_FORMAT_KEYS = ("team", "gameTime", "half")


def entry_problems(entry: Any, *, label_set: LabelSet, strict: bool) -> list[str]:
    """Every problem of one prediction entry, each a short phrase (empty when the entry is fine)."""
    if not isinstance(entry, dict):
        return [f"expected an object, got {type(entry).__name__}"]
    keys = _SCORED_KEYS + (_FORMAT_KEYS if strict else ())
    problems = [f"missing key {k!r}" for k in keys if k not in entry]
    if "label" in entry and entry["label"] not in label_set.classes:
        problems.append(f"unknown label {entry['label']!r}")
    if "team" in entry and entry["team"] not in {t.value for t in SIDES}:
        problems.append(f"unknown team {entry['team']!r} (expected 'left' or 'right')")
    position = _position(entry.get("position")) if "position" in entry else None
    if "position" in entry and position is None:
        problems.append(f"bad position {entry['position']!r} (expected whole milliseconds as a string)")
    if "confidence" in entry:
        problems += _confidence_problems(entry["confidence"], strict=strict)
    if strict and "half" in entry and _half(entry["half"]) is None:
        problems.append(f"bad half {entry['half']!r} (expected '1' or '2')")
    if strict and "gameTime" in entry:
        problems += _game_time_problems(entry["gameTime"], position, _half(entry.get("half")))
    return problems


def parse_entry(entry: dict[str, Any], *, label_set: LabelSet) -> Prediction:
    """A checked entry as a :class:`Prediction` (call :func:`entry_problems` first)."""
    return Prediction(
        label=entry["label"],
        team=Team(entry["team"]) if "team" in entry else None,
        position_ms=_position(entry["position"]),  # type: ignore[arg-type]
        confidence=float(entry["confidence"]),
        half=_half(entry.get("half", 1)) or 1,
    )


def _position(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return None


def _half(value: Any) -> int | None:
    return {"1": 1, "2": 2, 1: 1, 2: 2}.get(value) if not isinstance(value, bool) else None


def _confidence_problems(value: Any, *, strict: bool) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [f"confidence {value!r} is not a number"]
    if math.isnan(value):
        return ["confidence is NaN"]
    if not 0.0 <= value <= 1.0:
        return [f"confidence {value!r} outside 0..1"]
    if strict and value == 0:
        return ["confidence 0 (zero-confidence rows must be left out)"]
    return []


def _game_time_problems(value: Any, position: int | None, half: int | None) -> list[str]:
    match = _GAME_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return [f"bad gameTime {value!r} (expected 'H - mm:ss')"]
    if half is not None and int(match.group(1)) != half:
        return [f"gameTime {value!r} names half {match.group(1)} but half is {half}"]
    if position is not None and half is not None and value != game_time(position, half=half):
        return [
            f"gameTime {value!r} does not match position {position} ms ({game_time(position, half=half)!r})"
        ]
    return []
