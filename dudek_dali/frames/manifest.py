"""The completion marker of a frame folder: a small JSON file written last, atomically.

It records what was extracted (the plan: stride and windows; the size and JPEG quality), from
which video (its size in bytes) and how far the decoder got (``decoded_frames``). The frame list
is not stored: it follows from the plan and ``decoded_frames``, which keeps the file tiny even for
150k-frame games. A folder without a valid manifest is never trusted.

Format 2 adds ``name_width`` (6: ``000123.jpg``; 0: dude-k's ``123.jpg``) and ``adopted_from``
(``"dude-k"`` for a folder dude-k wrote and this project adopted, see :mod:`.folders`; None for
folders it extracted itself). Format 1 manifests still read, as padded, extracted folders: they
are exactly that, so existing folders are not extracted again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from dudek_dali.files import write_json
from dudek_dali.frames.layout import MANIFEST_NAME, NAME_WIDTH
from dudek_dali.frames.selection import FramePlan

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)


@dataclass(frozen=True)
class FrameManifest:
    video: str  # the video's file name
    video_bytes: int
    stride: int
    windows: tuple[tuple[int, int], ...] | None
    width: int
    height: int
    quality: int
    decoded_frames: int  # how many frames the decoder returned: the video's true length
    num_frames: int  # JPEGs written
    bytes: int  # their total size
    format: int = FORMAT_VERSION
    name_width: int = NAME_WIDTH  # digits of the frame names; 0: unpadded (dude-k)
    adopted_from: str | None = None  # "dude-k": written by dude-k, adopted as it is

    @property
    def plan(self) -> FramePlan:
        return FramePlan(stride=self.stride, windows=self.windows)

    def frame_indices(self) -> np.ndarray:
        """Original indices of the planned frames in the folder, ascending (an adopted folder may
        hold more: dude-k also kept annotated frames off the grid)."""
        return self.plan.indices(self.decoded_frames)

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of its JPEGs."""
        return self.height, self.width

    def same_job(self, *, video_bytes: int, plan: FramePlan, size: tuple[int, int], quality: int) -> bool:
        """Whether this folder already holds what a new extraction with these settings would write.

        The video is identified by its size only: copies (cp, rsync without -t) change mtimes, and
        re-extracting a dataset because of that would cost hours. An adopted folder's quality is
        whatever dude-k wrote (OpenCV's 95), not something a new run could change without
        destroying the user's frames, so it is not compared.
        """
        return (
            self.format in READABLE_FORMATS
            and self.video_bytes == video_bytes
            and self.plan == plan
            and self.size == tuple(size)
            and (self.quality == quality or self.adopted_from is not None)
        )


def write_manifest(folder: Path, manifest: FrameManifest) -> Path:
    """Write ``folder/manifest.json`` atomically (temporary file in the same folder, then rename).

    An adopted folder's manifest goes beside it instead (:func:`adopted_manifest_file`).
    """
    target = adopted_manifest_file(folder) if manifest.adopted_from else Path(folder) / MANIFEST_NAME
    return write_json(target, asdict(manifest), indent=1)


def adopted_manifest_file(folder: Path) -> Path:
    """``<match>/.frames_224p.mp4.manifest.json`` for ``<match>/.frames_224p.mp4``."""
    folder = Path(folder)
    return folder.with_name(f"{folder.name}.{MANIFEST_NAME}")


def read_manifest(folder: Path) -> FrameManifest | None:
    """The manifest of a frame folder, or None when it is missing or damaged (folder unfinished).

    The folder's own ``manifest.json`` comes first; an adopted folder's manifest beside it counts
    only while the folder exists and has none of its own.
    """
    folder = Path(folder)
    inside = _parse(folder / MANIFEST_NAME)
    if inside is not None or not folder.is_dir():
        return inside
    beside = _parse(adopted_manifest_file(folder))
    return beside if beside is not None and beside.adopted_from else None


def _parse(path: Path) -> FrameManifest | None:
    try:
        data = json.loads(path.read_text())
        windows = data.pop("windows")
        if windows is not None:
            windows = tuple((int(a), int(b)) for a, b in windows)
        manifest = FrameManifest(windows=windows, **data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return manifest if manifest.format in READABLE_FORMATS else None
