"""A spotted event in a video's own time and frame numbers, and the ``events.csv`` that lists them
(written by ``dudek spot``, read back by ``dudek review``)."""

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


@dataclass(frozen=True)
class SpottedEvent:
    """One event in the video's own time and frame numbering."""

    time_s: float
    frame: int
    label: str
    team: str
    confidence: float

    @property
    def clock(self) -> str:
        """``mm:ss.mmm`` (minutes keep counting past 59)."""
        ms = int(round(self.time_s * 1000))
        return f"{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def events_csv(events: Sequence[SpottedEvent]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for e in events:
        writer.writerow([e.clock, e.frame, e.label, e.team, f"{e.confidence:.4f}"])
    return buffer.getvalue()


def read_events_csv(path: Path | str) -> list[SpottedEvent]:
    """The events of an ``events.csv``; a malformed file is a :class:`SubmissionError` naming the row."""
    path = Path(path)
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise SubmissionError(f"{path}: cannot read events ({err})") from None
    if not rows or rows[0] != _COLUMNS:
        raise SubmissionError(f"{path}: expected the header {','.join(_COLUMNS)} (as dudek spot writes it)")
    return [_event(path, number, row) for number, row in enumerate(rows[1:], start=2)]


def _event(path: Path, line: int, row: list[str]) -> SpottedEvent:
    clock = _CLOCK.match(row[0]) if len(row) == len(_COLUMNS) else None
    try:
        if clock is None:
            raise ValueError
        minutes, seconds, ms = map(int, clock.groups())
        return SpottedEvent(time_s=(minutes * 60000 + seconds * 1000 + ms) / 1000, frame=int(row[1]),
                            label=row[2], team=row[3], confidence=float(row[4]))  # fmt: skip
    except ValueError:
        raise SubmissionError(f"{path}: line {line}: expected mm:ss.mmm,frame,class,team,confidence, "
                              f"got {','.join(row)!r}") from None  # fmt: skip
