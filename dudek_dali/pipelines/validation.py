"""Which codecs DALI decodes on each backend, and the video checks (:mod:`dudek_dali.data.video_check`)
with those codecs, before a DALI pipeline touches a file.

DALI's own word for where a graph runs is its *backend* (``cpu`` or ``gpu``); everywhere else in the
project ``device`` is a torch device (where batches land). :func:`dali_backend` is the one mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.video_check import CheckedVideo, Decoder, check_videos
from dudek_dali.data.video_check import check_video as check_file

if TYPE_CHECKING:
    import torch

Backend = Literal["cpu", "gpu"]
# What fn.experimental.readers.video decodes (DALI 2.4 docs); NVDEC support also depends on the GPU.
CPU_CODECS = frozenset({"vp8", "vp9", "mjpeg"})
GPU_CODECS = frozenset({"h264", "hevc", "av1", "vp8", "vp9", "mjpeg"})
DALI_CODECS: dict[str, frozenset[str]] = {"cpu": CPU_CODECS, "gpu": GPU_CODECS}
DECODERS = {
    "cpu": Decoder("on the cpu", CPU_CODECS, " (decode on the GPU, or transcode to VP9 for the CPU decoder)"),
    "gpu": Decoder("on the gpu", GPU_CODECS),
}


def dali_backend(device: torch.device) -> Backend:
    """The DALI backend that delivers on the torch ``device``: ``gpu`` for a CUDA device."""
    return "gpu" if device.type == "cuda" else "cpu"


def check_video(
    video: GameVideo | Path, *, backend: Backend, min_frames: int = 1, height: int | None = None
) -> CheckedVideo:
    """Check one video for DALI's ``backend``; :class:`~dudek_dali.errors.VideoError` naming it."""
    return check_file(video, decoder=DECODERS[backend], min_frames=min_frames, height=height)


def validate_videos(
    games: Sequence[Game],
    *,
    backend: Backend,
    min_frames: int = 1,
    check_resolution: bool = True,
    workers: int = 8,
) -> dict[Path, CheckedVideo]:
    """Check every video of ``games`` for DALI's ``backend`` (``data.video_check.check_videos``)."""
    decoder = DECODERS[backend]
    return check_videos(games, decoder=decoder, min_frames=min_frames, check_resolution=check_resolution,
                        workers=workers)  # fmt: skip
