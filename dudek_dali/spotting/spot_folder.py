"""What ``dudek spot`` wrote for one video, read back: the predictions, their frames and the video.

``<out>/<video file stem>/`` holds ``results_spotting.json`` (the predictions as the scorer reads
them, full confidences), ``events.csv`` (the same events with the video's own frame numbers),
optionally ``overlay.mp4``, and ``spot.json``, the record of the run::

    {"video": "<the source video as given>", "fps": 25.0, "frames": 2250,
     "threshold": 0.2, "source": "pyav", "model": "<checkpoint>"}

The predictions are read from ``results_spotting.json`` with the reader ``dudek evaluate`` uses,
so a review marks exactly what the scorer sees. Which video a review shows: the one given, else
the record's source video (a relative path counts from the current folder, as ``dudek spot``
was given it), else the overlay.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.errors import DatasetError, VideoError
from dudek_dali.spotting.predictions import Prediction
from dudek_dali.spotting.spotted import read_events_csv
from dudek_dali.spotting.submission import RESULTS_FILE, parse_results, raise_problems

SPOT_RECORD = "spot.json"
EVENTS_FILE = "events.csv"
OVERLAY_FILE = "overlay.mp4"


@dataclass(frozen=True)
class SpotRecord:
    """``spot.json``: how a spot folder was made."""

    video: Path
    fps: float
    frames: int
    threshold: float
    source: str
    model: str


@dataclass(frozen=True)
class SpotFolder:
    """One video's spot outputs. ``frames`` maps (position ms, label, team) to the video's frame."""

    dir: Path
    predictions: list[Prediction]
    frames: dict[tuple[int, str, str], int]
    record: SpotRecord | None

    @property
    def name(self) -> str:
        """The spotted video's file stem (the folder's name)."""
        return self.dir.name

    def video(self, given: Path | str | None = None) -> Path:
        """The video to show: ``given``, else the record's source video, else the overlay."""
        if given is not None:
            if not Path(given).is_file():
                raise VideoError(f"{given}: video not found")
            return Path(given)
        if self.record is not None and self.record.video.is_file():
            return self.record.video
        if (self.dir / OVERLAY_FILE).is_file():
            return self.dir / OVERLAY_FILE
        missing = f"{self.record.video} (from {SPOT_RECORD}) not found and " if self.record else ""
        raise VideoError(f"{self.dir}: {missing}no {OVERLAY_FILE}; name the video with --video PATH")


def read_spot_folder(folder: Path | str) -> SpotFolder:
    """Read a ``dudek spot`` output folder; missing or malformed files are named with the problem."""
    folder = Path(folder)
    results = folder / RESULTS_FILE
    if not results.is_file():
        raise DatasetError(f"{folder}: no {RESULTS_FILE} (expected a folder dudek spot wrote)")
    predictions, problems = parse_results(folder.name, results.read_bytes())
    raise_problems(results, problems)
    events = folder / EVENTS_FILE
    frames = {
        (round(e.time_s * 1000), e.label, e.team or ""): e.frame
        for e in (read_events_csv(events) if events.is_file() else [])
    }
    return SpotFolder(dir=folder, predictions=predictions, frames=frames, record=read_spot_record(folder))


def read_spot_record(folder: Path | str) -> SpotRecord | None:
    """``folder/spot.json``, or None when there is none."""
    path = Path(folder) / SPOT_RECORD
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DatasetError(f"{path}: cannot read ({err})") from None
    if not isinstance(raw, dict):
        raise DatasetError(f"{path}: expected a JSON object")
    number = (int, float)
    record = SpotRecord(
        video=Path(_field(path, raw, "video", str)), fps=float(_field(path, raw, "fps", number)),
        frames=_field(path, raw, "frames", int), threshold=float(_field(path, raw, "threshold", number)),
        source=_field(path, raw, "source", str), model=_field(path, raw, "model", str),
    )  # fmt: skip
    if not (math.isfinite(record.fps) and record.fps > 0 and record.frames >= 0):
        raise DatasetError(f"{path}: fps must be > 0 and frames >= 0, got {record.fps} and {record.frames}")
    return record


def _field(path: Path, raw: dict, key: str, kind):
    value = raw.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        what = "a number" if isinstance(kind, tuple) else {str: "a string", int: "a whole number"}[kind]
        raise DatasetError(f"{path}: {key!r} must be {what}, got {value!r}")
    return value
