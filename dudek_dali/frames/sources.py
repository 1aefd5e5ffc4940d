"""Sampling sources for frame folders: the DALI loader's sources, cut to the frames on disk.

The frame loader samples clips with the same :class:`~dudek_dali.pipelines.sampling.ClipSampler`
as the DALI loader. For a folder holding every grid frame (SN-BAS-2025, ``--save-all``) its
source is the video's own, so both loaders plan identical epochs. A broadcast folder holds only
windows around annotations; each window becomes its own source (a *segment*) whose frame 0 is
the window's first grid frame, with its events shifted to match, so no clip ever needs a frame
that was not extracted. Targets do not change under the shift: the encoder only uses positions
relative to a clip's first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import EventTable
from dudek_dali.frames.folders import FrameFolder, open_frame_folder
from dudek_dali.pipelines.sampling import VideoSource, video_sources


@dataclass(frozen=True)
class FrameSource:
    """A sampling source and where its frames are: clip frame ``f`` is original frame ``offset + f``."""

    source: VideoSource
    folder: FrameFolder
    offset: int


def frame_sources(
    games: Sequence[Game], *, stride: int, label_set: LabelSet | None = None
) -> list[FrameSource]:
    """One :class:`FrameSource` per video (full folders) or per extracted window (broadcasts)."""
    out: list[FrameSource] = []
    for source in video_sources(games, label_set=label_set):
        folder = open_frame_folder(source.path, stride=stride)
        manifest = folder.manifest
        last_frame = min(source.num_frames, manifest.decoded_frames) - 1
        if manifest.windows is None:
            out.append(FrameSource(replace(source, num_frames=last_frame + 1), folder, offset=0))
            continue
        for first, last in manifest.windows:
            start = -(-first // stride) * stride  # first frame of the loader's grid in the window
            end = min(last, last_frame)
            if end >= start:
                out.append(FrameSource(_segment(source, start, end), folder, offset=start))
    return out


def _segment(source: VideoSource, start: int, end: int) -> VideoSource:
    events = EventTable(frames=source.events.frames - start, outputs=source.events.outputs)
    return replace(source, num_frames=end - start + 1, events=events)
