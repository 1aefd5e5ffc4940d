"""A spotted event in a video's own time and frame numbers, and the ``events.csv`` that lists them
(written by ``dudek spot``, read back by ``dudek review``).

A model without teams (E2E-Spot) spots events with no team: their ``team`` is None and its
``events.csv`` has no team column, rather than one that invents a side.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.errors import SubmissionError

_CLOCK = re.compile(r"^(\d+):(\d{2})\.(\d{3})$")
_COLUMNS = ["time", "frame", "class", "team", "confidence"]
_COLUMNS_WITHOUT_TEAM = ["time", "frame", "class", "confidence"]


@dataclass(frozen=True)
class SpottedEvent:
    """One event in the video's own time and frame numbering (``team``: ``left``, ``right``, or
    None from a model without teams)."""

    time_s: float
    frame: int
    label: str
    team: str | None
    confidence: float

    @property
    def clock(self) -> str:
        """``mm:ss.mmm`` (minutes keep counting past 59)."""
        ms = int(round(self.time_s * 1000))
        return f"{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def events_csv(events: Sequence[SpottedEvent], *, teams: bool = True) -> str:
    """The CSV of ``events``; ``teams=False`` (a model without teams) leaves the team column out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS if teams else _COLUMNS_WITHOUT_TEAM)
    for e in events:
        side = [e.team] if teams else []
        writer.writerow([e.clock, e.frame, e.label, *side, f"{e.confidence:.4f}"])
    return buffer.getvalue()


def read_events_csv(path: Path | str) -> list[SpottedEvent]:
    """The events of an ``events.csv`` (with or without its team column); a malformed file is a
    :class:`SubmissionError` naming the row."""
    path = Path(path)
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise SubmissionError(f"{path}: cannot read events ({err})") from None
    if not rows or rows[0] not in (_COLUMNS, _COLUMNS_WITHOUT_TEAM):
        raise SubmissionError(f"{path}: expected the header {','.join(_COLUMNS)} (as dudek spot writes it)")
    columns = rows[0]
    return [_event(path, number, row, columns) for number, row in enumerate(rows[1:], start=2)]


def _event(path: Path, line: int, row: list[str], columns: list[str]) -> SpottedEvent:
    clock = _CLOCK.match(row[0]) if len(row) == len(columns) else None
    values = dict(zip(columns, row, strict=False))
    try:
        if clock is None:
            raise ValueError
        minutes, seconds, ms = map(int, clock.groups())
        return SpottedEvent(time_s=(minutes * 60000 + seconds * 1000 + ms) / 1000, frame=int(values["frame"]),
                            label=values["class"], team=values.get("team"),
                            confidence=float(values["confidence"]))  # fmt: skip
    except ValueError:
        raise SubmissionError(f"{path}: line {line}: expected {','.join(columns)}, "
                              f"got {','.join(row)!r}") from None  # fmt: skip
