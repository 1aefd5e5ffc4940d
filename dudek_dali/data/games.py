"""Discover SoccerNet games under a dataset root, for both layouts.

* ``bas`` (SN-BAS-2025): ``<root>/<league>/<season>/<match>/{224p,720p}.mp4`` + ``Labels-ball.json``;
  one video per game, every annotation's position counts from the start of that video.
* ``broadcast`` (older action-spotting games): ``1_224p.mkv``, ``2_224p.mkv`` (one video per half,
  ``720p`` likewise) + ``Labels-v2.json``; an annotation belongs to the half its ``gameTime`` names.

Match folders contain spaces and hyphens (``2019-10-01 - Brentford - Bristol City``); paths are
only ever handled as :class:`pathlib.Path`, never split on whitespace.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from dudek_dali.data.annotations import (
    BAS_LABEL_FILE,
    BROADCAST_LABEL_FILE,
    Annotation,
    LabelFile,
    read_labels,
)
from dudek_dali.data.labels import ACTION_SPOTTING, BAS, LabelSet
from dudek_dali.data.video_info import NOMINAL_FPS, VideoInfo, VideoInfoCache
from dudek_dali.errors import DatasetError, DudekError

Layout = Literal["bas", "broadcast"]
Resolution = Literal[224, 720]
LAYOUTS: tuple[str, ...] = ("bas", "broadcast")
RESOLUTIONS: tuple[int, ...] = (224, 720)
FRAME_SIZES: dict[int, tuple[int, int]] = {224: (398, 224), 720: (1280, 720)}  # (width, height)


def check_layout(layout: str) -> Layout:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    return layout  # type: ignore[return-value]


def check_resolution(resolution: int) -> Resolution:
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}, got {resolution!r}")
    return resolution  # type: ignore[return-value]


def video_names(layout: Layout, resolution: Resolution) -> tuple[str, ...]:
    """The video file names a game folder holds, in half order."""
    if layout == "bas":
        return (f"{resolution}p.mp4",)
    return (f"1_{resolution}p.mkv", f"2_{resolution}p.mkv")


def label_file_name(layout: Layout) -> str:
    return BAS_LABEL_FILE if layout == "bas" else BROADCAST_LABEL_FILE


def label_set_of(layout: Layout) -> LabelSet:
    return BAS if layout == "bas" else ACTION_SPOTTING


@dataclass(frozen=True)
class GameVideo:
    """One video file of a game (the whole game for BAS, one half for broadcasts)."""

    path: Path
    half: int
    info: VideoInfo
    annotations: tuple[Annotation, ...]

    @property
    def fps(self) -> float:
        """The frame rate used to turn label positions into frames.

        Container metadata of a few SoccerNet halves is broken, so a rate outside 1..120 falls
        back to SoccerNet's nominal 25 fps.
        """
        return self.info.fps if 1.0 <= self.info.fps <= 120.0 else NOMINAL_FPS

    @property
    def num_frames(self) -> int:
        return self.info.num_frames

    @cached_property
    def constant_rate(self) -> bool:
        """Whether every frame lasts the same: from the packet scan, demuxed once and cached on disk
        (:meth:`VideoInfoCache.shared`), asked once per video object."""
        cache = VideoInfoCache.shared()
        constant = cache.scan(self.path).constant_rate
        cache.save()
        return constant

    def event_frame(self, annotation: Annotation) -> int:
        return annotation.frame(self.fps)


@dataclass(frozen=True)
class Game:
    """A match folder with its videos and (when labelled) its annotations."""

    dir: Path
    league: str
    season: str
    match: str
    layout: Layout
    resolution: Resolution
    videos: tuple[GameVideo, ...]
    labels: LabelFile | None = None

    @property
    def url_local(self) -> str:
        """``<league>/<season>/<match>``: the game's id in label files and submissions."""
        return "/".join(p for p in (self.league, self.season, self.match) if p)

    @property
    def is_labelled(self) -> bool:
        return self.labels is not None

    @property
    def label_set(self) -> LabelSet:
        return label_set_of(self.layout)

    @property
    def num_frames(self) -> int:
        return sum(v.num_frames for v in self.videos)


@dataclass
class Discovery:
    """Games found under a root, and the match folders that could not be used (with why)."""

    root: Path
    games: list[Game] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def raise_for_problems(self) -> None:
        if self.problems:
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise DatasetError(self.problems[0] + more)


def discover_games(
    root: Path | str,
    *,
    layout: Layout = "bas",
    resolution: Resolution = 224,
    cache: VideoInfoCache | None = None,
) -> Discovery:
    """Find every game under ``root``.

    A match folder is any folder holding the layout's label file or one of its videos; other
    files and folders (``.frames_*``, zips, notes) are ignored. A folder with a label file but a
    missing or unreadable video, or a malformed label file, is reported in ``problems`` with the
    file and the reason. A folder with videos but no label file is an unlabelled game (the
    challenge split) and is returned with ``labels=None``.
    """
    root = Path(root)
    layout, resolution = check_layout(layout), check_resolution(resolution)
    if not root.is_dir():
        raise DatasetError(f"{root}: dataset folder not found")
    cache = cache or VideoInfoCache()
    found = Discovery(root=root)
    for match_dir in _match_dirs(root, layout):
        try:
            found.games.append(_load_game(root, match_dir, layout, resolution, cache))
        except DudekError as err:
            found.problems.append(str(err))
    cache.save()
    found.games.sort(key=lambda g: g.url_local)
    return found


def load_game(match_dir: Path | str, *, layout: Layout = "bas", resolution: Resolution = 224) -> Game:
    """One match folder as a :class:`Game`: dude-k's ``SoccerVideo.bas_video_from_path`` (and, with
    ``layout="broadcast"``, ``action_spotting_video_from_path``: both halves in ``videos``).

    League, season and match are the folder's last three path parts. A missing folder or video,
    or a malformed label file, is a :class:`~dudek_dali.errors.DatasetError` naming the file.
    """
    match_dir = Path(match_dir).absolute()
    layout, resolution = check_layout(layout), check_resolution(resolution)
    if not match_dir.is_dir():
        raise DatasetError(f"{match_dir}: match folder not found")
    cache = VideoInfoCache()
    game = _load_game(
        match_dir.parents[min(2, len(match_dir.parents) - 1)], match_dir, layout, resolution, cache
    )
    cache.save()
    return game


def find_games(
    root: Path | str,
    *,
    layout: Layout = "bas",
    resolution: Resolution = 224,
    labelled_only: bool = False,
) -> list[Game]:
    """The games under ``root``, or one :class:`~dudek_dali.errors.DatasetError` saying why there
    are none to use: a broken match folder (named, with the reason), or no games at all."""
    found = discover_games(root, layout=layout, resolution=resolution)
    found.raise_for_problems()
    games = [g for g in found.games if g.is_labelled] if labelled_only else found.games
    if not games:
        what = "labelled " if labelled_only else ""
        raise DatasetError(f"{root}: no {what}{layout} games at {resolution}p found")
    return games


def _match_dirs(root: Path, layout: Layout) -> Iterable[Path]:
    markers = {label_file_name(layout), *(n for r in RESOLUTIONS for n in video_names(layout, r))}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # skip .frames_* and caches
        if markers.intersection(filenames):
            yield Path(dirpath)


def _load_game(root: Path, match_dir: Path, layout: Layout, resolution: Resolution, cache) -> Game:
    label_path = match_dir / label_file_name(layout)
    labels = read_labels(label_path, label_set=label_set_of(layout)) if label_path.is_file() else None
    paths = [match_dir / name for name in video_names(layout, resolution)]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        what = f"label file {label_path.name} has no video" if labels else "no video"
        raise DatasetError(f"{missing[0]}: missing ({what} at {resolution}p in this match folder)")
    videos = []
    for half, path in enumerate(paths, start=1):
        events = ()
        if labels is not None:
            # BAS: one video holds both halves; broadcasts: a video per half.
            events = tuple(a for a in labels.annotations if layout == "bas" or a.half == half)
        videos.append(GameVideo(path=path, half=half, info=cache.get(path), annotations=events))
    parts = match_dir.relative_to(root).parts
    league, season, match = ([""] * 3 + list(parts))[-3:]
    return Game(
        dir=match_dir,
        league=league,
        season=season,
        match=match,
        layout=layout,
        resolution=resolution,
        videos=tuple(videos),
        labels=labels,
    )


def find_game(games: list[Game], name: str | None) -> Game:
    """The game whose match folder (or ``league/season/match``, or a unique part of it) is ``name``.

    ``None`` picks the first labelled game (the first game when none is labelled). Raises
    :class:`~dudek_dali.errors.DatasetError` when nothing or more than one game matches.
    """
    if not games:
        raise DatasetError("no games to choose from")
    if name is None:
        labelled = [g for g in games if g.is_labelled]
        return (labelled or games)[0]
    wanted = name.lower()
    exact = [g for g in games if wanted in (g.match.lower(), g.url_local.lower())]
    matches = exact or [g for g in games if wanted in g.url_local.lower()]
    if not matches:
        raise DatasetError(f"no game matches {name!r} (run `dudek info DATASET` to list them)")
    if len(matches) > 1:
        listed = "; ".join(g.match for g in matches[:5])
        raise DatasetError(f"{name!r} matches {len(matches)} games ({listed}); give more of the match name")
    return matches[0]
