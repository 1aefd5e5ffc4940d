"""Where extracted frames live on disk: the seed's layout, plus a completion manifest.

Frames of ``<match>/224p.mp4`` go to ``<match>/.frames_224p.mp4/`` (the leading dot keeps them
out of game discovery), one JPEG per kept frame, named by its *original* frame index in the
video, zero-padded to six digits: ``000123.jpg``. Six digits sort correctly up to frame 999999
(11 h at 25 fps, far beyond a game); longer indices still parse, as the name is read with
``int``. The folder is complete only when it holds :data:`MANIFEST_NAME`, which is written last.

A run in progress writes into ``.frames_224p.mp4.partial/`` and renames it into place when done,
so an interrupted run never leaves a folder that looks finished.
"""

from __future__ import annotations

import re
from pathlib import Path

FRAMES_PREFIX = ".frames_"
PARTIAL_SUFFIX = ".partial"
MANIFEST_NAME = "manifest.json"
FRAME_SUFFIX = ".jpg"
_FRAME_NAME = re.compile(r"^(\d+)\.jpg$")


def frames_dir(video: Path) -> Path:
    """The folder holding the frames extracted from ``video`` (next to it)."""
    video = Path(video)
    return video.parent / f"{FRAMES_PREFIX}{video.name}"


def partial_dir(video: Path) -> Path:
    """The folder an extraction of ``video`` writes into before it is complete."""
    final = frames_dir(video)
    return final.parent / f"{final.name}{PARTIAL_SUFFIX}"


def frame_file_name(index: int) -> str:
    if index < 0:
        raise ValueError(f"frame index must be >= 0, got {index}")
    return f"{index:06d}{FRAME_SUFFIX}"


def parse_frame_file_name(name: str) -> int | None:
    """The frame index a file name encodes, or None for any other file."""
    match = _FRAME_NAME.match(name)
    return int(match.group(1)) if match else None
