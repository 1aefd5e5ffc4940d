"""Open the frame folders a loader reads, checking them before any worker starts; adopt dude-k's.

Every problem is a :class:`~dudek_dali.errors.DatasetError` naming the folder and telling the
user to run ``dudek extract-frames``: a missing or unfinished folder (no manifest), a folder made
at a stride the loader cannot use, or one that lost JPEGs since it was written.

dude-k (the seed) writes the same ``.frames_<video>/`` folders with unpadded names (``123.jpg``)
and no manifest. Its ``extract-bas-frames`` keeps every ``stride``-th frame of a labelled game
(``--save_all``: of any game) plus every annotated frame off that grid; its
``extract-action-spotting-frames`` keeps the grid frames within ``--radius_sec`` (8) seconds of
an annotation, plus the annotated frames. Re-extracting such a folder would cost hours and take
the off-grid frames dude-k trains on, so it is **adopted** as it is instead: every frame a plan
needs (:func:`dudek_plan` for the loaders, the requested plan for ``dudek extract-frames``) must
be there, up to the video's true length (its packet count, :mod:`dudek_dali.data.video_scan`);
then a manifest naming the frames unpadded and ``adopted_from: "dude-k"`` is written beside the
folder (see :mod:`.layout`). Nothing inside the folder is written, renamed or removed, so dude-k
keeps reading it; the off-grid frames are never asked for by a loader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.errors import DatasetError
from dudek_dali.frames.config import ExtractionConfig
from dudek_dali.frames.layout import (
    MANIFEST_NAME,
    UNPADDED,
    frame_file_name,
    frames_dir,
    is_unpadded_frame_name,
    parse_frame_file_name,
)
from dudek_dali.frames.manifest import FrameManifest, read_manifest, write_manifest
from dudek_dali.frames.selection import FramePlan, plan_video

DUDEK = "dude-k"
DUDEK_QUALITY = 95  # dude-k calls cv2.imwrite without parameters: OpenCV's default quality
DUDEK_RADIUS_SEC = 8.0  # dude-k's extract-action-spotting-frames --radius_sec default
_GAPS_SHOWN = 2


@dataclass(frozen=True)
class FrameFolder:
    """A finished frame folder: where it is and what its manifest says."""

    path: Path
    manifest: FrameManifest

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of its JPEGs."""
        return self.manifest.size

    @property
    def name_width(self) -> int:
        """Digits of its frame names (0: unpadded, as dude-k names them)."""
        return self.manifest.name_width


def _hint(video: Path, stride: int) -> str:
    return f"run `dudek extract-frames DATASET --stride {stride}` on the dataset holding it"


def open_frame_folder(video: Path, *, stride: int, game: Game | None = None) -> FrameFolder:
    """The finished frame folder of ``video``, usable by a loader sampling every ``stride`` frames.

    With ``game`` (the game ``video`` belongs to), a dude-k folder is adopted on the spot when it
    has no usable manifest yet.
    """
    folder = frames_dir(video)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no frame folder for {video.name}; {_hint(video, stride)}")
    manifest = read_manifest(folder)
    entries = frame_entries(folder)
    present = len(entries)
    if game is not None and _needs_adoption(folder, manifest, stride=stride, entries=entries):
        game_video = _game_video(game, video)
        manifest = adopt_folder(game_video, dudek_plan(game, game_video, stride), entries=entries)
    if manifest is None:
        dudek = is_dudek_folder(folder, entries=entries)
        what = "dude-k frames, not adopted yet" if dudek else "no valid manifest.json"
        raise DatasetError(f"{folder}: frame folder is unfinished ({what}); {_hint(video, stride)}")
    if stride % manifest.stride:
        raise DatasetError(
            f"{folder}: frames were extracted every {manifest.stride} frames, which cannot serve "
            f"clips at stride {stride}; {_hint(video, stride)}"
        )
    if present != manifest.num_frames:
        raise DatasetError(
            f"{folder}: {present} JPEG frames found, the manifest lists {manifest.num_frames}; "
            f"{_hint(video, stride)} again to redo it"
        )
    return FrameFolder(path=folder, manifest=manifest)


def _needs_adoption(
    folder: Path, manifest: FrameManifest | None, *, stride: int, entries: list[os.DirEntry]
) -> bool:
    usable = manifest is not None and not stride % manifest.stride and len(entries) == manifest.num_frames
    return not usable and is_dudek_folder(folder, entries=entries)


def is_dudek_folder(folder: Path, *, entries: list[os.DirEntry] | None = None) -> bool:
    """A frame folder dude-k wrote: JPEGs with unpadded names and no ``manifest.json`` of its own.

    ``entries``: the folder's :func:`frame_entries` when already listed.
    """
    if (folder / MANIFEST_NAME).exists():
        return False
    names = [e.name for e in (frame_entries(folder) if entries is None else entries)]
    return bool(names) and all(is_unpadded_frame_name(name) for name in names)


def dudek_plan(game: Game, video: GameVideo, stride: int) -> FramePlan:
    """The grid frames dude-k's extraction keeps of ``video``.

    Every grid frame of a SN-BAS-2025 game; for a broadcast, those within dude-k's default 8 s
    of an annotation (``dudek extract-frames --radius-sec`` adopts folders made with another).
    :class:`DatasetError` for an unlabelled broadcast, of which dude-k keeps none.
    """
    if game.layout == "bas":
        return FramePlan(stride=stride)
    plan = plan_video(game, video, ExtractionConfig(stride=stride, radius_sec=DUDEK_RADIUS_SEC))
    if plan is None:
        raise DatasetError(
            f"{frames_dir(video.path)}: dude-k frames of an unlabelled broadcast, which dude-k never "
            f"extracts; move the folder away and {_hint(video.path, stride)}"
        )
    return plan


def adopt_folder(
    video: GameVideo, plan: FramePlan, *, entries: list[os.DirEntry] | None = None
) -> FrameManifest:
    """Adopt dude-k's frame folder of ``video`` for ``plan``: check it, write its manifest beside it."""
    cache = VideoInfoCache()
    try:
        manifest = adoption_manifest(video, plan, entries=entries, cache=cache)
    finally:
        cache.save()  # the scan is kept even when the folder is refused
    write_manifest(frames_dir(video.path), manifest)
    return manifest


def adoption_manifest(
    video: GameVideo,
    plan: FramePlan,
    *,
    size: tuple[int, int] | None = None,
    entries: list[os.DirEntry] | None = None,
    cache: VideoInfoCache,
) -> FrameManifest:
    """The manifest adopting dude-k's folder of ``video`` for ``plan``, checked, not yet written.

    :class:`DatasetError` naming the folder when a planned frame is missing (with the gaps) or,
    with ``size``, when its JPEGs have another size. ``entries``: the folder's
    :func:`frame_entries` when already listed; ``cache`` scans the video (the caller saves it).
    """
    folder = frames_dir(video.path)
    if entries is None:
        entries = frame_entries(folder)
    indices = np.array(sorted(parse_frame_file_name(e.name) for e in entries), dtype=np.int64)
    decoded = cache.scan(video.path).packets  # the frames a decoder returns, not the header's guess
    wanted = plan.indices(decoded)
    missing = np.setdiff1d(wanted, indices)
    if missing.size or not wanted.size:
        raise DatasetError(
            f"{folder}: dude-k frame folder lacks {missing.size} of the {wanted.size} frames "
            f"{_describe(plan)} of this {decoded}-frame video ({_gaps(missing, plan.stride)}); "
            f"extract it again with dude-k, or move it away and run `dudek extract-frames`"
        )
    height, width = _jpeg_size(folder / frame_file_name(int(wanted[0]), UNPADDED))
    if size is not None and (height, width) != tuple(size):
        raise DatasetError(
            f"{folder}: dude-k frames are {height}x{width}, this run asks for {size[0]}x{size[1]}; "
            f"ask for --size {height}x{width}, or move the folder away to extract it anew"
        )
    return FrameManifest(
        video=video.path.name,
        video_bytes=video.path.stat().st_size,
        stride=plan.stride,
        windows=plan.windows,
        width=width,
        height=height,
        quality=DUDEK_QUALITY,
        decoded_frames=decoded,
        num_frames=len(entries),
        bytes=sum(e.stat().st_size for e in entries),
        name_width=UNPADDED,
        adopted_from=DUDEK,
    )


def _describe(plan: FramePlan) -> str:
    where = "" if plan.windows is None else f" within {len(plan.windows)} annotation windows"
    return f"on the stride-{plan.stride} grid{where}"


def _gaps(missing: np.ndarray, stride: int) -> str:
    """``frames 1200..1398 missing`` (runs of consecutive grid frames), the first few runs."""
    if not missing.size:
        return "the plan holds no frame"
    breaks = np.flatnonzero(np.diff(missing) != stride) + 1
    runs = [(int(run[0]), int(run[-1])) for run in np.split(missing, breaks)]
    shown = ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in runs[:_GAPS_SHOWN])
    more = f" and {len(runs) - _GAPS_SHOWN} more gaps" if len(runs) > _GAPS_SHOWN else ""
    return f"frames {shown}{more} missing"


def _jpeg_size(path: Path) -> tuple[int, int]:
    """(height, width) of a JPEG, from its header."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            width, height = image.size
    except OSError as err:
        raise DatasetError(f"{path}: unreadable JPEG ({err}); extract the folder again") from None
    return height, width


def frame_entries(folder: Path) -> list[os.DirEntry]:
    """The frame JPEGs directly in ``folder``, listed once: names, count and (lazily) sizes."""
    with os.scandir(folder) as entries:
        return [e for e in entries if parse_frame_file_name(e.name) is not None]


def _game_video(game: Game, video: Path) -> GameVideo:
    for candidate in game.videos:
        if candidate.path == Path(video):
            return candidate
    raise ValueError(f"{video} is not a video of game {game.url_local}")
