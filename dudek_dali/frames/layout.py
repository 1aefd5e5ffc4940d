"""Where extracted frames live on disk: the seed's layout, plus a completion manifest.

Frames of ``<match>/224p.mp4`` go to ``<match>/.frames_224p.mp4/`` (the leading dot keeps them
out of game discovery), one JPEG per kept frame, named by its *original* frame index in the
video, zero-padded to six digits: ``000123.jpg``. Six digits sort correctly up to frame 999999
(11 h at 25 fps, far beyond a game); longer indices still parse, as the name is read with
``int``. The folder is complete only when it holds :data:`MANIFEST_NAME`, which is written last.

A run in progress writes into ``.frames_224p.mp4.partial/`` and renames it into place when done,
so an interrupted run never leaves a folder that looks finished.

dude-k (the seed) writes the same folders with unpadded names (``123.jpg``, name width 0) and no
manifest. Such a folder is adopted as it is (:mod:`.folders`): its manifest goes *beside* it, in
``.frames_224p.mp4.manifest.json``, because dude-k reads every file name inside the folder as a
frame index (``int(name.split(".")[0])``) and would fail on a ``manifest.json`` there.
"""

from __future__ import annotations

import re
from pathlib import Path

FRAMES_PREFIX = ".frames_"
PARTIAL_SUFFIX = ".partial"
MANIFEST_NAME = "manifest.json"
FRAME_SUFFIX = ".jpg"
NAME_WIDTH = 6  # digits of this project's frame names
UNPADDED = 0  # the name width of dude-k's frames: str(index)
_FRAME_NAME = re.compile(r"^(\d+)\.jpg$")


def frames_dir(video: Path) -> Path:
    """The folder holding the frames extracted from ``video`` (next to it)."""
    video = Path(video)
    return video.parent / f"{FRAMES_PREFIX}{video.name}"


def partial_dir(video: Path) -> Path:
    """The folder an extraction of ``video`` writes into before it is complete."""
    final = frames_dir(video)
    return final.parent / f"{final.name}{PARTIAL_SUFFIX}"


def frame_file_name(index: int, width: int = NAME_WIDTH) -> str:
    """``000123.jpg`` (``width`` 6), or ``123.jpg`` (``width`` 0: dude-k's unpadded names)."""
    if index < 0:
        raise ValueError(f"frame index must be >= 0, got {index}")
    return f"{index:0{width}d}{FRAME_SUFFIX}" if width else f"{index}{FRAME_SUFFIX}"


def parse_frame_file_name(name: str) -> int | None:
    """The frame index a file name encodes, or None for any other file."""
    match = _FRAME_NAME.match(name)
    return int(match.group(1)) if match else None


def is_unpadded_frame_name(name: str) -> bool:
    """Whether ``name`` is a frame name without leading zeros (``0.jpg``, ``123.jpg``), as dude-k writes."""
    index = parse_frame_file_name(name)
    return index is not None and name == frame_file_name(index, UNPADDED)
