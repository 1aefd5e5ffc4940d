"""The completion marker of a frame folder: a small JSON file written last, atomically.

It records what was extracted (the plan: stride and windows; the size and JPEG quality), from
which video (its size in bytes) and how far the decoder got (``decoded_frames``). The frame list
is not stored: it follows from the plan and ``decoded_frames``, which keeps the file tiny even for
150k-frame games. A folder without a valid manifest is never trusted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from dudek_dali.files import write_json
from dudek_dali.frames.layout import MANIFEST_NAME
from dudek_dali.frames.selection import FramePlan

FORMAT_VERSION = 1


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

    @property
    def plan(self) -> FramePlan:
        return FramePlan(stride=self.stride, windows=self.windows)

    def frame_indices(self) -> np.ndarray:
        """Original indices of the frames in the folder, ascending."""
        grid = np.arange(0, self.decoded_frames, self.stride, dtype=np.int64)
        if self.windows is None:
            return grid
        keep = np.zeros(len(grid), dtype=bool)
        for first, last in self.windows:
            keep |= (grid >= first) & (grid <= last)
        return grid[keep]

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of its JPEGs."""
        return self.height, self.width

    def same_job(self, *, video_bytes: int, plan: FramePlan, size: tuple[int, int], quality: int) -> bool:
        """Whether this folder already holds what a new extraction with these settings would write.

        The video is identified by its size only: copies (cp, rsync without -t) change mtimes, and
        re-extracting a dataset because of that would cost hours.
        """
        return (
            self.format == FORMAT_VERSION
            and self.video_bytes == video_bytes
            and self.plan == plan
            and self.size == tuple(size)
            and self.quality == quality
        )


def write_manifest(folder: Path, manifest: FrameManifest) -> Path:
    """Write ``folder/manifest.json`` atomically (temporary file in the same folder, then rename)."""
    return write_json(Path(folder) / MANIFEST_NAME, asdict(manifest), indent=1)


def read_manifest(folder: Path) -> FrameManifest | None:
    """The manifest of a frame folder, or None when it is missing or damaged (folder unfinished)."""
    try:
        data = json.loads((Path(folder) / MANIFEST_NAME).read_text())
        windows = data.pop("windows")
        if windows is not None:
            windows = tuple((int(a), int(b)) for a, b in windows)
        return FrameManifest(windows=windows, **data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
