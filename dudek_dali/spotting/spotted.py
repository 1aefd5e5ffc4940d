"""A spotted event in a video's own time and frame numbers, and the ``events.csv`` that lists them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass


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
    writer.writerow(["time", "frame", "class", "team", "confidence"])
    for e in events:
        writer.writerow([e.clock, e.frame, e.label, e.team, f"{e.confidence:.4f}"])
    return buffer.getvalue()
