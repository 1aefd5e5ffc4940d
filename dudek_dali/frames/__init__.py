"""The frame-folder approach: JPEG frames extracted next to each video, and their clip loader.

This is the seed's way (and a fallback for CPU-only users with H.264 data, which DALI decodes only
on the GPU). :func:`extract_frames` writes ``.frames_<video>/<index>.jpg`` folders (see :mod:`.layout`
for the layout, :mod:`.selection` for which frames are kept); :func:`create_frame_loader` reads them
with the shared clip model (:mod:`dudek_dali.clips`: sampling, augmentation, targets, batches; see
:mod:`.loader`), and
:class:`FrameGameReader` cuts every window of a game for evaluation and inference;
:func:`folder_clips` lists a game's clips frame by frame (dude-k's ``get_clips`` / ``split``).

The loader needs torch, so it is imported on first use: extraction (and its worker processes)
stays free of torch's import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dudek_dali.frames.clips import ClipFrame, FolderClip, folder_clips
from dudek_dali.frames.config import ExtractionConfig
from dudek_dali.frames.extract import (
    ExtractionPlan,
    ExtractionProgress,
    ExtractionReport,
    extract_frames,
    plan_extraction,
)
from dudek_dali.frames.folders import FrameFolder
from dudek_dali.frames.layout import frame_file_name, frames_dir, parse_frame_file_name
from dudek_dali.frames.manifest import FrameManifest, read_manifest
from dudek_dali.frames.selection import FramePlan, plan_video

if TYPE_CHECKING:
    from dudek_dali.frames.game_reader import FrameGameReader
    from dudek_dali.frames.loader import FrameClipLoader, create_frame_loader

_LAZY = {"FrameClipLoader": "loader", "create_frame_loader": "loader", "FrameGameReader": "game_reader"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"dudek_dali.frames.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ClipFrame",
    "ExtractionConfig",
    "ExtractionPlan",
    "ExtractionProgress",
    "ExtractionReport",
    "FolderClip",
    "FrameFolder",
    "FrameClipLoader",
    "FrameGameReader",
    "FrameManifest",
    "FramePlan",
    "create_frame_loader",
    "extract_frames",
    "folder_clips",
    "frame_file_name",
    "frames_dir",
    "parse_frame_file_name",
    "plan_extraction",
    "plan_video",
    "read_manifest",
]
