"""Fixed-length clips of a game's frame folders, frame by frame: dude-k's ``VideoClip`` view.

dude-k (the seed) lets a user walk its frame folders as clips: ``get_clips(accepted_gap=2)``
cuts a video's frames into continuous stretches, ``split(clip_frames_count, overlap)`` cuts each
stretch into fixed-length clips, and each clip lists its frames (JPEG path, frame number,
annotation). :func:`folder_clips` is that walk over this project's folders, with the loaders'
own rules: the stretches are :func:`~dudek_dali.frames.segments.frame_segments` (the whole video
for SN-BAS-2025, each annotation window of a broadcast), the clips
:func:`~dudek_dali.clips.split_windows`, and each frame carries the *target* a loader gives it
(:class:`~dudek_dali.data.targets.TargetEncoder`: an event labels the frames within
``displacement`` of it), which is what the model is trained on; dude-k's per-frame annotation is
the event on that very frame only.

For pixels, use a loader (``create_frame_loader``) or ``dudek preview``; this module reads none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dudek_dali.clips.sampling import split_windows
from dudek_dali.data.games import Game
from dudek_dali.data.labels import Team
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.frames.layout import frame_file_name
from dudek_dali.frames.segments import frame_segments


@dataclass(frozen=True)
class ClipFrame:
    """One frame of a clip: its JPEG, its frame number in the video, and its training target."""

    frame_path: Path
    original_video_frame_nr: int
    target: int  # 0: background, else the team-doubled class (LabelSet.decode)
    displacement: float  # clip frames from this frame to its event (0 for background)
    label: str | None  # the target's class, None for background
    team: Team | None


@dataclass(frozen=True)
class FolderClip:
    """``clip_frames`` consecutive grid frames of one video's frame folder."""

    game: str  # league/season/match
    video: Path
    frames: tuple[ClipFrame, ...]

    @property
    def has_events(self) -> bool:
        return any(f.target > 0 for f in self.frames)


def folder_clips(
    game: Game, *, clip_frames: int, overlap: int, stride: int = 2, displacement: int = 4
) -> list[FolderClip]:
    """Every whole clip of ``game``'s frame folders, in video order (module docstring).

    The folders must have been extracted (``dudek extract-frames``, or dude-k's, adopted on the
    spot); a missing one is a :class:`~dudek_dali.errors.DatasetError` naming it.
    """
    encoder = TargetEncoder(game.label_set, displacement)
    clips = []
    for segment in frame_segments([game], stride=stride):
        entry, folder = segment.entry, segment.folder
        window = {"clip_frames": clip_frames, "stride": stride, "overlap": overlap}
        for start in split_windows(entry.num_frames, **window).tolist():
            local = start + stride * np.arange(clip_frames, dtype=np.int64)
            targets = encoder.encode(entry.events, local, stride=stride)
            frames = tuple(
                _frame(folder.path, segment.offset + int(n), int(c), float(d), encoder, folder.name_width)
                for n, c, d in zip(local, targets.classes, targets.displacement, strict=True)
            )
            clips.append(FolderClip(game=game.url_local, video=entry.path, frames=frames))
    return clips


def _frame(
    folder: Path, number: int, target: int, displacement: float, encoder: TargetEncoder, width: int
) -> ClipFrame:
    label, team = encoder.label_set.decode(target) if target else (None, None)
    return ClipFrame(
        frame_path=folder / frame_file_name(number, width),
        original_video_frame_nr=number,
        target=target,
        displacement=displacement,
        label=label,
        team=team,
    )
