"""``dudek review``: one self-contained ``review.html`` beside a video's spot outputs.

The page is plain HTML, CSS and JavaScript written here (``review_page/``, package data), with the
events embedded as JSON: no server, no network, no build step; it opens from the file system. It
plays the video by a path relative to the page, so the folder can move together with the video.
What it does (list, timeline, filters, keyboard review, hit/miss marks, the ``Labels-ball.json``
export) is in ``review_page/review.js``; the marks are computed here, by the metric's matching
(:mod:`~dudek_dali.spotting.review_data`).

Ground truth: the labels given, else a ``Labels-ball.json`` beside the source video (a game in
SoccerNet's layout brings its own), else none.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from dudek_dali.data.annotations import BAS_LABEL_FILE, read_labels
from dudek_dali.data.labels import BAS
from dudek_dali.files import write_text
from dudek_dali.spotting.review_data import review_document
from dudek_dali.spotting.spot_folder import read_spot_folder

REVIEW_PAGE = "review.html"
_SLOT = re.compile(r"@@([A-Z]+)@@")


@dataclass(frozen=True)
class Review:
    """A written review page and what it shows (the counts are None without labels)."""

    page: Path
    video: Path
    labels: Path | None
    events: int
    hits: int | None = None
    wrong_team: int | None = None
    false_alarms: int | None = None
    found: int | None = None
    missed: int | None = None


def write_review(
    spot_dir: Path | str, *, labels: Path | str | None = None, video: Path | str | None = None
) -> Review:
    """Write ``spot_dir/review.html`` (atomically) for the spot outputs in ``spot_dir``.

    ``video`` overrides the video the folder names (``spot.json``, else ``overlay.mp4``);
    ``labels`` is a ``Labels-ball.json`` to mark hits, false alarms and misses against.
    """
    folder = read_spot_folder(spot_dir)
    shown = folder.video(video)
    labels = Path(labels) if labels is not None else _labels_beside(shown)
    label_file = read_labels(labels, label_set=BAS) if labels is not None else None
    page = folder.dir / REVIEW_PAGE
    document = review_document(
        folder, video_url=_relative_url(shown, page.parent), video_name=shown.name,
        annotations=label_file.annotations if label_file else None,
        labels_name=str(labels) if labels else None,
    )  # fmt: skip
    write_text(page, render_page(document, title=f"{folder.name}: review"))
    events = document["events"]
    if label_file is None:
        return Review(page=page, video=shown, labels=None, events=len(events))
    truth = document["labels"]["events"]
    return Review(
        page=page, video=shown, labels=labels, events=len(events),
        hits=sum(e["match"] == "hit" for e in events),
        wrong_team=sum(e["match"] == "wrong team" for e in events),
        false_alarms=sum(e["match"] == "false alarm" for e in events),
        found=sum(t["pred"] >= 0 for t in truth), missed=sum(t["pred"] < 0 for t in truth),
    )  # fmt: skip


def render_page(document: dict, *, title: str) -> str:
    """The page: the template with its style, script and ``document`` (as JSON) filled in, in one pass."""
    assets = resources.files("dudek_dali.spotting") / "review_page"
    # "<" escaped: nothing in the data can close the script element that holds it.
    data = json.dumps(document, ensure_ascii=False).replace("<", "\\u003c")
    slots = {
        "TITLE": html.escape(title),
        "STYLE": (assets / "review.css").read_text(encoding="utf-8"),
        "SCRIPT": (assets / "review.js").read_text(encoding="utf-8"),
        "DATA": data,
    }
    return _SLOT.sub(lambda m: slots[m.group(1)], (assets / "review.html").read_text(encoding="utf-8"))


def _labels_beside(video: Path) -> Path | None:
    beside = video.parent / BAS_LABEL_FILE
    return beside if beside.is_file() else None


def _relative_url(path: Path, base: Path) -> str:
    """``path`` relative to the folder ``base``, as a URL path (spaces and '#' escaped)."""
    relative = os.path.relpath(path.resolve(), base.resolve())
    return quote(Path(relative).as_posix())
