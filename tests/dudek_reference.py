"""dude-k's own clip walk, run from the installed ``dude.k`` 0.1.1, as the oracle of our window plans.

dude-k cuts a video's frame folder into runs (``SoccerVideo.get_clips(accepted_gap=2)``: a gap of
more than 2 frames starts a new run) and each run into fixed-length clips
(``VideoClip.split(clip_frames_count, overlap)``); its pretraining folders hold the grid frames
within a radius of each annotation (``dudek.utils.frames.get_frame_numbers_around_centers``). The
tests call these functions instead of re-writing them. Its heavy requirements (OpenCV, kornia,
torchvision) come with the ``dudek-reference`` extra; nothing here reads a pixel, so a folder of
empty files named like dude-k's frames is a real input to its walk (it reads only the names).

One documented difference is applied before dude-k walks: dude-k also keeps every annotated frame
that lies off the stride grid, which shifts its clips by one frame wherever one falls in a run;
this project's folders and loaders keep the stride grid only (README, "the output folders").
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def dudek_split(frame_numbers: Iterable[int], *, clip_frames: int, overlap: int) -> list[list[int]]:
    """The frame numbers of each clip dude-k's ``VideoClip.split`` cuts from one run of frames."""
    from dudek.data.team_bas import BASLabel, Frame, VideoClip

    run = VideoClip([Frame(f"{n}.jpg", None) for n in frame_numbers], None, BASLabel)
    clips = run.split(clip_frames_count=clip_frames, overlap=overlap)
    return [[f.original_video_frame_nr for f in clip.frames] for clip in clips]


def dudek_folder_clips(match_dir: Path, *, clip_frames: int, overlap: int, resolution: int = 224) -> list:
    """dude-k's clips (``VideoClip``) of the SN-BAS match folder ``match_dir``: ``get_clips`` + ``split``,
    as its training scripts build them from ``.frames_<resolution>p.mp4/``."""
    from dudek.data.team_bas import SoccerVideo

    video = SoccerVideo.bas_video_from_path(str(match_dir), resolution=resolution)
    return [
        clip
        for run in video.get_clips(accepted_gap=2)
        for clip in run.split(clip_frames_count=clip_frames, overlap=overlap)
    ]


def dudek_near_event_starts(
    tmp_dir: Path, event_frames: Iterable[int], *, num_frames: int, fps: float, stride: int,
    radius_sec: float, clip_frames: int, overlap: int,
) -> list[int]:  # fmt: skip
    """The first frame of every pretraining clip dude-k makes of a video with these events.

    The frames its extraction keeps (``get_frame_numbers_around_centers``, less the off-grid
    annotated frames: module docstring) become empty files of a match folder in ``tmp_dir``,
    which dude-k's ``get_clips`` + ``split`` then walk.
    """
    from dudek.utils.frames import get_frame_numbers_around_centers

    kept = get_frame_numbers_around_centers(
        centers=set(event_frames), fps=fps, stride=stride, radius_in_sec=radius_sec
    )
    match_dir = tmp_dir / "league" / "season" / "match"
    folder = match_dir / ".frames_224p.mp4"
    folder.mkdir(parents=True)
    for n in kept:
        if 0 <= n < num_frames and n % stride == 0:
            (folder / f"{n}.jpg").touch()
    clips = dudek_folder_clips(match_dir, clip_frames=clip_frames, overlap=overlap)
    return [clip.frames[0].original_video_frame_nr for clip in clips]
