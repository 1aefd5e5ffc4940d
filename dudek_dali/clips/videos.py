"""The videos every loader reads: what sampling and target encoding need to know about each file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import EventTable
from dudek_dali.data.video_check import CheckedVideo


@dataclass(frozen=True)
class VideoEntry:
    """One video file of a game, as the loaders see it.

    ``num_frames`` is what the loaders trust: the container's count until a loader checks the
    video (the DALI loaders replace it with the checked count, the frame loader with what the
    frame folder holds).
    """

    path: Path
    game: str  # league/season/match
    num_frames: int
    fps: float
    events: EventTable
    num_classes: int  # of the label set (events' outputs are 1..2 * num_classes)


def video_entries(
    games: Sequence[Game],
    *,
    label_set: LabelSet | None = None,
    checked: Mapping[Path, CheckedVideo] | None = None,
) -> list[VideoEntry]:
    """One :class:`VideoEntry` per video of ``games`` (both halves of a broadcast game), in order.

    The event table key ``<game>#<half>`` decides the side of "not applicable" teams, so it is
    the same for every loader and every epoch. ``checked`` (what
    :func:`~dudek_dali.data.video_check.check_videos` returned) replaces the containers' frame
    counts with the counted ones.
    """
    entries = []
    for game in games:
        labels = label_set or game.label_set
        for video in game.videos:
            events = EventTable.from_annotations(
                video.annotations, label_set=labels, fps=video.fps, key=f"{game.url_local}#{video.half}"
            )
            entries.append(
                VideoEntry(
                    path=video.path,
                    game=game.url_local,
                    num_frames=checked[video.path].num_frames if checked is not None else video.num_frames,
                    fps=video.fps,
                    events=events,
                    num_classes=labels.num_classes,
                )
            )
    return entries
