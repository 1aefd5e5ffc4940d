"""One frame folder as an object: its path, manifest, completeness, and the adoption of dude-k's.

:class:`FrameFolder` is where every question about a frame folder is answered: is it finished
(its manifest), does it hold what an extraction would write (:meth:`FrameFolder.holds`), can a
loader read it at this stride (:meth:`FrameFolder.open`, checked before any worker starts), is it
dude-k's, and its adoption.

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
from dudek_dali.files import replace_folder
from dudek_dali.frames.config import ExtractionConfig
from dudek_dali.frames.layout import (
    MANIFEST_NAME,
    UNPADDED,
    frame_file_name,
    frames_dir,
    is_unpadded_frame_name,
    parse_frame_file_name,
    partial_dir,
)
from dudek_dali.frames.manifest import FrameManifest, adopted_manifest_file, read_manifest, write_manifest
from dudek_dali.frames.selection import FramePlan, plan_video

DUDEK = "dude-k"
DUDEK_QUALITY = 95  # dude-k calls cv2.imwrite without parameters: OpenCV's default quality
DUDEK_RADIUS_SEC = 8.0  # dude-k's extract-action-spotting-frames --radius_sec default
_GAPS_SHOWN = 2


@dataclass(frozen=True)
class FrameFolder:
    """The frame folder of one video (``<match>/.frames_<video>/``): where it is, whether it is
    finished, what its manifest says, and the adoption of dude-k's folders: every question about a
    frame folder is asked here.

    ``manifest`` is set on a folder :meth:`open` checked for a loader; a folder built from just the
    video (``FrameFolder(video)``) reads its manifest from disk when asked.
    """

    video: Path
    manifest: FrameManifest | None = None

    @property
    def path(self) -> Path:
        return frames_dir(self.video)

    @property
    def partial_path(self) -> Path:
        """Where an extraction in progress writes (renamed to :attr:`path` when complete)."""
        return partial_dir(self.video)

    def read_manifest(self) -> FrameManifest | None:
        """The manifest on disk (inside, or beside an adopted folder); None: not finished."""
        return read_manifest(self.path)

    @property
    def is_finished(self) -> bool:
        return self.read_manifest() is not None

    def entries(self) -> list[os.DirEntry]:
        """Its frame JPEGs, listed once: names, count and (lazily) sizes."""
        return frame_entries(self.path)

    def is_dudek(self, *, entries: list[os.DirEntry] | None = None) -> bool:
        """A folder dude-k wrote: JPEGs with unpadded names and no ``manifest.json`` of its own."""
        if not self.path.is_dir() or (self.path / MANIFEST_NAME).exists():
            return False
        names = [e.name for e in (self.entries() if entries is None else entries)]
        return bool(names) and all(is_unpadded_frame_name(name) for name in names)

    def holds(self, *, plan: FramePlan, size: tuple[int, int], quality: int) -> bool:
        """Whether it already holds what an extraction with these settings would write, every JPEG
        its manifest lists still there."""
        manifest = self.read_manifest()
        if manifest is None or not manifest.same_job(
            video_bytes=self.video.stat().st_size, plan=plan, size=size, quality=quality
        ):
            return False
        return len(self.entries()) == manifest.num_frames

    def open(self, *, stride: int, game: Game | None = None) -> FrameFolder:
        """This folder checked for a loader sampling every ``stride`` frames (with its manifest).

        With ``game`` (the game the video belongs to), a dude-k folder is adopted on the spot when
        it has no usable manifest yet.
        """
        folder, video = self.path, self.video
        if not folder.is_dir():
            raise DatasetError(f"{folder}: no frame folder for {video.name}; {_hint(stride)}")
        manifest = self.read_manifest()
        entries = self.entries()
        usable = manifest is not None and not stride % manifest.stride and len(entries) == manifest.num_frames
        if game is not None and not usable and self.is_dudek(entries=entries):
            game_video = _game_video(game, video)
            manifest = self.adopt(game_video, dudek_plan(game, game_video, stride), entries=entries)
        if manifest is None:
            dudek = self.is_dudek(entries=entries)
            what = "dude-k frames, not adopted yet" if dudek else "no valid manifest.json"
            raise DatasetError(f"{folder}: frame folder is unfinished ({what}); {_hint(stride)}")
        if stride % manifest.stride:
            raise DatasetError(
                f"{folder}: frames were extracted every {manifest.stride} frames, which cannot serve "
                f"clips at stride {stride}; {_hint(stride)}"
            )
        if len(entries) != manifest.num_frames:
            raise DatasetError(
                f"{folder}: {len(entries)} JPEG frames found, the manifest lists {manifest.num_frames}; "
                f"{_hint(stride)} again to redo it"
            )
        return FrameFolder(video=video, manifest=manifest)

    def adopt(
        self, video: GameVideo, plan: FramePlan, *, entries: list[os.DirEntry] | None = None
    ) -> FrameManifest:
        """Adopt this dude-k folder for ``plan``: check it, write its manifest beside it."""
        cache = VideoInfoCache.shared()
        try:
            manifest = self.adoption(video, plan, entries=entries, cache=cache)
        finally:
            cache.save()  # the scan is kept even when the folder is refused
        self.write(manifest)
        return manifest

    def adoption(
        self,
        video: GameVideo,
        plan: FramePlan,
        *,
        size: tuple[int, int] | None = None,
        entries: list[os.DirEntry] | None = None,
        cache: VideoInfoCache,
    ) -> FrameManifest:
        """The manifest adopting this dude-k folder for ``plan``, checked, not yet written.

        :class:`DatasetError` naming the folder when a planned frame is missing (with the gaps) or,
        with ``size``, when its JPEGs have another size. ``cache`` scans the video (the caller
        saves it).
        """
        folder = self.path
        if entries is None:
            entries = self.entries()
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

    def write(self, manifest: FrameManifest) -> Path:
        """Mark the folder finished with ``manifest`` (beside it when adopted: :mod:`.layout`)."""
        return write_manifest(self.path, manifest)

    def complete(self, manifest: FrameManifest) -> None:
        """Finish an extraction written into :attr:`partial_path`: its manifest last, then the folder
        renamed into place over any earlier one (and an adopted folder's manifest beside it removed)."""
        write_manifest(self.partial_path, manifest)
        replace_folder(self.partial_path, self.path)
        adopted_manifest_file(self.path).unlink(missing_ok=True)

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of its JPEGs (an opened folder)."""
        return self._opened.size

    @property
    def name_width(self) -> int:
        """Digits of its frame names (0: unpadded, as dude-k names them; an opened folder)."""
        return self._opened.name_width

    @property
    def _opened(self) -> FrameManifest:
        if self.manifest is None:
            raise ValueError(f"{self.path}: open the folder first (FrameFolder.open)")
        return self.manifest


def _hint(stride: int) -> str:
    return f"run `dudek extract-frames DATASET --stride {stride}` on the dataset holding it"


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
            f"extracts; move the folder away and {_hint(stride)}"
        )
    return plan


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
