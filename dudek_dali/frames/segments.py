"""What the frame loader samples from: the videos, cut to the frames their folders hold.

The frame loader samples clips with the same :class:`~dudek_dali.clips.ClipSampler` as the
DALI loader. For a folder holding every grid frame (SN-BAS-2025, ``--save-all``) its segment is
the whole video, so both loaders plan identical epochs. A broadcast folder holds only windows
around annotations; each unbroken stretch of its grid frames (windows with no grid frame between
them are one: :func:`~dudek_dali.clips.sampling.grid_spans`, as the DALI loader cuts them) becomes
its own segment whose frame 0 is the stretch's first grid frame, with its events shifted to match,
so no clip ever needs a frame that was not extracted.
Targets do not change under the shift: the encoder only uses positions relative to a clip's
first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from dudek_dali.clips.sampling import grid_spans
from dudek_dali.clips.videos import VideoEntry, video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import EventTable
from dudek_dali.frames.folders import FrameFolder


@dataclass(frozen=True)
class FrameSegment:
    """A stretch of a video the folder holds: clip frame ``f`` is original frame ``offset + f``."""

    entry: VideoEntry  # the segment as the sampler sees it (its own frame count and events)
    folder: FrameFolder
    offset: int


def frame_segments(
    games: Sequence[Game], *, stride: int, label_set: LabelSet | None = None
) -> list[FrameSegment]:
    """One :class:`FrameSegment` per video (full folders) or per extracted window (broadcasts)."""
    out: list[FrameSegment] = []
    game_of = {video.path: game for game in games for video in game.videos}
    for entry in video_entries(games, label_set=label_set):
        folder = FrameFolder(entry.path).open(stride=stride, game=game_of[entry.path])
        manifest = folder.manifest
        last_frame = min(entry.num_frames, manifest.decoded_frames) - 1
        if manifest.windows is None:
            out.append(FrameSegment(replace(entry, num_frames=last_frame + 1), folder, offset=0))
            continue
        for start, end in grid_spans(manifest.windows, stride=stride, last_frame=last_frame):
            out.append(FrameSegment(_cut(entry, start, end), folder, offset=start))
    return out


def _cut(entry: VideoEntry, start: int, end: int) -> VideoEntry:
    events = EventTable(frames=entry.events.frames - start, outputs=entry.events.outputs)
    return replace(entry, num_frames=end - start + 1, events=events)
