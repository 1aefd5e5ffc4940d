"""A prepared copy of a dataset: the same layout and label files, videos re-encoded.

``prepare_dataset(root, out)`` mirrors ``<league>/<season>/<match>/`` folders (names with
spaces included) under ``out``: label files are copied unchanged, videos of the chosen
resolution are re-encoded (:func:`~dudek_dali.prepare.transcode.transcode_video`). Train on the
copy with ``--dataset-path OUT``: same frame rate, same frame numbers, same labels.

The manifest ``.dudek-prepared.json`` records the options, the frame mapping (original frame =
``frame_step`` x copy frame) and, per video, the source's size and modification time; a rerun
skips videos whose entry still matches and whose copy exists, so an interrupted run resumes.
The manifest is rewritten after every video. ``out`` must not lie inside ``root`` (discovery
would find the copies as more games) and must be new, empty or an earlier prepared copy.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dudek_dali.data.games import Game, label_file_name
from dudek_dali.errors import DatasetError
from dudek_dali.files import write_atomic, write_json
from dudek_dali.prepare.transcode import DEFAULT_CRF, Codec, check_codec, transcode_video

PREPARED_MANIFEST = ".dudek-prepared.json"
_FORMAT = 1


@dataclass
class PreparedDataset:
    """What :func:`prepare_dataset` did."""

    out: Path
    options: dict[str, Any]
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    source_bytes: int = 0  # all videos of the copy's games, as on disk
    copy_bytes: int = 0

    @property
    def disk_ratio(self) -> float:
        return self.copy_bytes / self.source_bytes if self.source_bytes else 0.0


def _read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / PREPARED_MANIFEST
    if not path.exists():
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise DatasetError(
                f"{out}: exists and is not a prepared copy ({PREPARED_MANIFEST} missing); choose a new folder"
            )
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT or not isinstance(data.get("videos"), dict):
            raise ValueError("unknown format")
    except (OSError, ValueError) as err:
        raise DatasetError(f"{path}: unreadable manifest ({err}); remove the folder") from None
    return data


def _check_places(root: Path, out: Path) -> None:
    root, out = root.resolve(), out.resolve()
    if out == root or root in out.parents:
        raise DatasetError(f"{out}: the prepared copy must lie outside the dataset {root}")
    if out in root.parents:
        raise DatasetError(f"{out}: the prepared copy cannot hold the dataset {root}")


def _source_key(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"source_bytes": stat.st_size, "source_mtime_ns": stat.st_mtime_ns}


def prepare_dataset(
    root: Path,
    out: Path,
    games: Sequence[Game],
    *,
    keyframe_interval: int = 24,
    codec: Codec = "vp9",
    frame_step: int = 1,
    crf: int | None = None,
    on_video: Callable[[Path, bool], None] = lambda path, written: None,
) -> PreparedDataset:
    """Copy ``games`` (found under ``root``) to ``out`` with re-encoded videos (module docstring).

    ``on_video(path, written)`` is called after each video (``written`` False: skipped).
    Options that differ from an earlier run in ``out`` redo every video.
    """
    root, out = Path(root), Path(out)
    codec = check_codec(codec)
    _check_places(root, out)
    options = {
        "keyframe_interval": keyframe_interval,
        "codec": codec,
        "crf": DEFAULT_CRF[codec] if crf is None else crf,
        "frame_step": frame_step,
    }
    previous = _read_manifest(out)
    done = previous["videos"] if previous and previous.get("options") == options else {}
    manifest = {
        "format": _FORMAT,
        "source": str(root.resolve()),
        "options": options,
        "frame_mapping": f"original frame = {frame_step} x copy frame",
        "videos": dict(done),
    }
    report = PreparedDataset(out=out, options=options)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / PREPARED_MANIFEST, manifest)
    for game in games:
        relative = game.dir.relative_to(root)
        (out / relative).mkdir(parents=True, exist_ok=True)
        labels = game.dir / label_file_name(game.layout)
        if labels.is_file():
            write_atomic(out / relative / labels.name, lambda tmp, src=labels: shutil.copyfile(src, tmp))
        for video in game.videos:
            key = str(relative / video.path.name)
            target = out / key
            entry = done.get(key)
            if (
                entry
                and {k: entry.get(k) for k in ("source_bytes", "source_mtime_ns")} == _source_key(video.path)
                and target.is_file()
            ):
                report.skipped.append(target)
            else:
                result = transcode_video(
                    video.path, target, keyframe_interval=keyframe_interval, codec=codec,
                    frame_step=frame_step, crf=options["crf"], fps=video.fps,
                )  # fmt: skip
                manifest["videos"][key] = {**_source_key(video.path), "frames": result.frames}
                write_json(out / PREPARED_MANIFEST, manifest)
                report.written.append(target)
            report.source_bytes += video.path.stat().st_size
            report.copy_bytes += target.stat().st_size
            on_video(target, target in report.written)
    report.seconds = time.perf_counter() - start
    return report
