"""Parse SoccerNet label files (``Labels-ball.json``, ``Labels-v2.json``) into typed records.

Every problem is reported as a :class:`~dudek_dali.errors.LabelFileError` that names the file,
the annotation's index and the bad value, so one malformed entry among thousands is easy to find.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dudek_dali.data.labels import ACTION_SPOTTING, BAS, LabelSet, Team
from dudek_dali.errors import LabelFileError

Visibility = Literal["visible", "not shown"]

BAS_LABEL_FILE = "Labels-ball.json"
BROADCAST_LABEL_FILE = "Labels-v2.json"
_LABEL_SET_BY_FILE = {BAS_LABEL_FILE: BAS, BROADCAST_LABEL_FILE: ACTION_SPOTTING}
_GAME_TIME = re.compile(r"^\s*([12])\s*-\s*(\d+):(\d{2})\s*$")
_REQUIRED = ("gameTime", "label", "position")


@dataclass(frozen=True)
class Annotation:
    """One labelled event. ``position_ms`` is measured from the start of its half's video."""

    half: int
    position_ms: int
    label: str
    team: Team
    visibility: Visibility
    game_time: str

    def frame(self, fps: float = 25.0) -> int:
        """Frame index of the event in its video, as SoccerNet computes it (truncation)."""
        return int(self.position_ms / 1000 * fps)


@dataclass(frozen=True)
class LabelFile:
    """A parsed label file: its annotations sorted by (half, position), and the raw JSON."""

    path: Path
    label_set: LabelSet
    annotations: list[Annotation]
    raw: dict[str, Any]


def label_set_for(path: Path) -> LabelSet:
    """The vocabulary a label file uses, from its file name."""
    try:
        return _LABEL_SET_BY_FILE[Path(path).name]
    except KeyError:
        names = ", ".join(_LABEL_SET_BY_FILE)
        raise LabelFileError(f"{path}: unknown label file name (expected one of {names})") from None


def read_labels(path: Path | str, *, label_set: LabelSet | None = None) -> LabelFile:
    """Read and validate a SoccerNet label file.

    ``label_set`` defaults to the one the file name implies (BAS for ``Labels-ball.json``,
    the 17 action-spotting classes for ``Labels-v2.json``).
    """
    path = Path(path)
    label_set = label_set or label_set_for(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabelFileError(f"{path}: label file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LabelFileError(f"{path}: cannot read label file ({err})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno} column {err.colno}"
        raise LabelFileError(f"{path}: not valid JSON ({err.msg} at {where})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("annotations"), list):
        raise LabelFileError(f"{path}: expected a JSON object with an 'annotations' list")
    annotations = [_parse_annotation(path, i, a, label_set) for i, a in enumerate(raw["annotations"])]
    annotations.sort(key=lambda a: (a.half, a.position_ms))
    return LabelFile(path=path, label_set=label_set, annotations=annotations, raw=raw)


def _parse_annotation(path: Path, index: int, entry: Any, label_set: LabelSet) -> Annotation:
    where = f"{path}: annotation {index}"
    if not isinstance(entry, dict):
        raise LabelFileError(f"{where}: expected an object, got {entry!r}")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise LabelFileError(f"{where}: missing key {missing[0]!r}")
    label = entry["label"]
    if not isinstance(label, str) or label not in label_set.classes:
        raise LabelFileError(f"{where}: unknown {label_set.name} label {label!r}")
    match = _GAME_TIME.match(str(entry["gameTime"]))
    if match is None:
        raise LabelFileError(f"{where}: malformed gameTime {entry['gameTime']!r} (expected 'H - mm:ss')")
    position_ms = _parse_position(where, entry["position"])
    try:
        # Broadcast labels may omit team; BAS labels always carry left/right.
        team = Team.parse(entry.get("team", Team.NOT_APPLICABLE.value))
    except ValueError as err:
        raise LabelFileError(f"{where}: {err}") from None
    visibility = entry.get("visibility", "visible")
    if visibility not in ("visible", "not shown"):
        expected = "expected 'visible' or 'not shown'"
        raise LabelFileError(f"{where}: unknown visibility {visibility!r} ({expected})")
    return Annotation(
        half=int(match.group(1)),
        position_ms=position_ms,
        label=label,
        team=team,
        visibility=visibility,
        game_time=str(entry["gameTime"]).strip(),
    )


def _parse_position(where: str, value: Any) -> int:
    try:
        position = float(value)
    except (TypeError, ValueError):
        raise LabelFileError(f"{where}: non-numeric position {value!r}") from None
    if not math.isfinite(position) or position < 0:
        raise LabelFileError(f"{where}: invalid position {value!r} (must be a non-negative number of ms)")
    return int(position)
