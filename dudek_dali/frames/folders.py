"""Open the frame folders a loader reads, checking them before any worker starts.

Every problem is a :class:`~dudek_dali.errors.DatasetError` naming the folder and telling the
user to run ``dudek extract-frames``: a missing or unfinished folder (no manifest), a folder made
at a stride the loader cannot use, or one that lost JPEGs since it was written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.errors import DatasetError
from dudek_dali.frames.layout import frames_dir, parse_frame_file_name
from dudek_dali.frames.manifest import FrameManifest, read_manifest


@dataclass(frozen=True)
class FrameFolder:
    """A finished frame folder: where it is and what its manifest says."""

    path: Path
    manifest: FrameManifest

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of its JPEGs."""
        return self.manifest.size


def _hint(video: Path, stride: int) -> str:
    return f"run `dudek extract-frames DATASET --stride {stride}` on the dataset holding it"


def open_frame_folder(video: Path, *, stride: int) -> FrameFolder:
    """The finished frame folder of ``video``, usable by a loader sampling every ``stride`` frames."""
    folder = frames_dir(video)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no frame folder for {video.name}; {_hint(video, stride)}")
    manifest = read_manifest(folder)
    if manifest is None:
        raise DatasetError(
            f"{folder}: frame folder is unfinished (no valid manifest.json); {_hint(video, stride)}"
        )
    if stride % manifest.stride:
        raise DatasetError(
            f"{folder}: frames were extracted every {manifest.stride} frames, which cannot serve "
            f"clips at stride {stride}; {_hint(video, stride)}"
        )
    with os.scandir(folder) as entries:
        present = sum(1 for e in entries if parse_frame_file_name(e.name) is not None)
    if present != manifest.num_frames:
        raise DatasetError(
            f"{folder}: {present} JPEG frames found, the manifest lists {manifest.num_frames}; "
            f"{_hint(video, stride)} again to redo it"
        )
    return FrameFolder(path=folder, manifest=manifest)
