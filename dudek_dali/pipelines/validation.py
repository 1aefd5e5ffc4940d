"""Which codecs DALI decodes on each device, and the video checks (:mod:`dudek_dali.data.video_check`)
with those codecs, before a DALI pipeline touches a file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.video_check import CheckedVideo, Decoder, check_videos
from dudek_dali.data.video_check import check_video as check_file

Device = Literal["cpu", "gpu"]
DEVICES: tuple[str, ...] = ("cpu", "gpu")
# What fn.experimental.readers.video decodes (DALI 2.4 docs); NVDEC support also depends on the GPU.
CPU_CODECS = frozenset({"vp8", "vp9", "mjpeg"})
GPU_CODECS = frozenset({"h264", "hevc", "av1", "vp8", "vp9", "mjpeg"})
DECODERS = {
    "cpu": Decoder("on the cpu", CPU_CODECS, " (decode on the GPU, or transcode to VP9 for the CPU decoder)"),
    "gpu": Decoder("on the gpu", GPU_CODECS),
}


def check_device(device: str) -> Device:
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {device!r}")
    return device  # type: ignore[return-value]


def check_video(
    video: GameVideo | Path, *, device: Device, min_frames: int = 1, height: int | None = None
) -> CheckedVideo:
    """Check one video for DALI on ``device``; :class:`~dudek_dali.errors.VideoError` naming it."""
    return check_file(video, decoder=DECODERS[check_device(device)], min_frames=min_frames, height=height)


def validate_videos(
    games: Sequence[Game],
    *,
    device: Device,
    min_frames: int = 1,
    check_resolution: bool = True,
    workers: int = 8,
) -> dict[Path, CheckedVideo]:
    """Check every video of ``games`` for DALI on ``device`` (``data.video_check.check_videos``)."""
    decoder = DECODERS[check_device(device)]
    return check_videos(games, decoder=decoder, min_frames=min_frames, check_resolution=check_resolution,
                        workers=workers)  # fmt: skip
