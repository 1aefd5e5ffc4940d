"""What the frame-folder approach costs before training starts: extraction time and disk.

Shared by ``dudek benchmark`` and ``benchmarks/frame_folders.py``. Folders that already exist
(complete) are reused and never deleted; :func:`remove_frame_folders` is for folders a
benchmark made itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dudek_dali.data.games import Game
from dudek_dali.errors import DatasetError
from dudek_dali.frames import ExtractionConfig, extract_frames, frames_dir, plan_extraction

MIB = 2**20


def remove_frame_folders(games: Sequence[Game]) -> None:
    for game in games:
        for video in game.videos:
            shutil.rmtree(frames_dir(video.path), ignore_errors=True)


def video_disk_bytes(games: Sequence[Game]) -> int:
    """Disk the games' videos take (allocated blocks, as ``du`` and the frame report count)."""
    return sum(Path(v.path).stat().st_blocks * 512 for g in games for v in g.videos)


def game_minutes(games: Sequence[Game]) -> float:
    return sum(v.num_frames / v.fps for g in games for v in g.videos) / 60


def extraction(
    games: Sequence[Game], workers: int, *, stride: int = 2, size: tuple[int, int] = (224, 224)
) -> dict[str, float]:
    """Extract from scratch (existing folders of ``games`` are removed first) and measure it.

    ``size`` is (height, width).
    """
    remove_frame_folders(games)
    report = extract_frames(games, ExtractionConfig(stride=stride, size=size), workers=workers)
    if report.failed:
        video, why = report.failed[0]
        raise DatasetError(f"{video}: frame extraction failed ({why})")
    return {
        "frames": report.frames_written,
        "frames_per_s": report.frames_per_second,
        "seconds": report.seconds,
        "disk_mib_per_game_minute": report.bytes_per_game_minute / MIB,
        "jpeg_kib_per_frame": report.jpeg_bytes_written / report.frames_written / 1024,
        "disk_bytes": report.disk_bytes,
    }


def frames_ready(games: Sequence[Game], *, stride: int, size: tuple[int, int]) -> bool:
    """Whether every video of ``games`` already has a complete folder for these settings."""
    return not plan_extraction(games, ExtractionConfig(stride=stride, size=size)).jobs


def prepare_frames(
    games: Sequence[Game], *, workers: int, stride: int, size: tuple[int, int]
) -> dict[str, Any]:
    """Frame folders for ``games`` ((height, width) ``size``), extracted and timed unless complete.

    Returns the extraction numbers, the disk of folders and videos, and ``created`` (whether
    this call made the folders, so the caller may remove them afterwards).
    """
    videos = video_disk_bytes(games)
    minutes = game_minutes(games)
    if frames_ready(games, stride=stride, size=size):
        from dudek_dali.frames.extract import folder_disk_bytes

        disk = sum(folder_disk_bytes(frames_dir(v.path)) for g in games for v in g.videos)
        numbers: dict[str, Any] = {"created": False, "disk_bytes": disk, "note": "folders existed: not timed"}
    else:
        numbers = {"created": True, **extraction(games, workers, stride=stride, size=size)}
    numbers.update(
        workers=workers,
        video_bytes=videos,
        game_minutes=minutes,
        video_mib_per_game_minute=videos / minutes / MIB,
        frames_to_video_disk=numbers["disk_bytes"] / videos if videos else None,
    )
    return numbers
