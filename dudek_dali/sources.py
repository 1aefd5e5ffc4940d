"""Where frames come from: one set of names, one resolver, one factory per reader kind.

A **video source** is what turns a game's video into the model's input:

* ``dali-gpu``: DALI on the GPU (NVDEC: H.264, HEVC, VP8, VP9, AV1, MJPEG as the GPU supports them);
* ``dali-cpu``: DALI on the CPU (VP8, VP9 and MJPEG only in this DALI build);
* ``frames``: JPEG folders written by ``dudek extract-frames`` (the seed's way);
* ``pyav``: FFmpeg through PyAV on the CPU (any codec FFmpeg reads).

Every command takes ``auto`` too, resolved here once (:func:`resolve_video_source`): DALI on the
GPU when CUDA is visible, else DALI on the CPU. The factories build the training clip loader
(:func:`create_clip_loader`) and the whole-game reader (:func:`create_game_reader`) of a source,
each behind the interface of :mod:`dudek_dali.clips`, so callers never branch on the source.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, get_args

from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.loader import ClipLoader
from dudek_dali.clips.sampling import SamplingConfig
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DudekError
from dudek_dali.sizes import Size

if TYPE_CHECKING:
    import torch

VideoSource = Literal["dali-gpu", "dali-cpu", "frames", "pyav"]
SourceChoice = Literal["auto", "dali-gpu", "dali-cpu", "frames", "pyav"]  # what a user may ask for
VIDEO_SOURCES: tuple[str, ...] = get_args(VideoSource)
TRAINING_SOURCES: tuple[str, ...] = ("dali-gpu", "dali-cpu", "frames")  # PyAV reads no augmented clips
AUTO = "auto"


def check_video_source(name: str, *, allowed: tuple[str, ...] = VIDEO_SOURCES) -> str:
    """``name`` when it is ``auto`` or one of ``allowed``; ``ValueError`` naming the choices otherwise."""
    if name != AUTO and name not in allowed:
        raise ValueError(f"video source must be auto or one of {', '.join(allowed)}, got {name!r}")
    return name


def resolve_video_source(name: str, *, cuda: bool | None = None) -> VideoSource:
    """The concrete source ``name`` means here: ``auto`` is ``dali-gpu`` with CUDA, else ``dali-cpu``.

    ``dali-gpu`` without a visible CUDA device is a :class:`~dudek_dali.errors.DudekError` naming
    the alternatives. ``cuda`` overrides the check (tests, callers that already know).
    """
    check_video_source(name)
    if cuda is None:
        from dudek_dali.devices import cuda_available

        cuda = cuda_available()
    if name == "dali-gpu" and not cuda:
        raise DudekError(
            "--decode-on-gpu: no CUDA device is available; use --decode-on-cpu (VP8/VP9/MJPEG video) "
            "or --frames (extracted frame folders)"
        )
    if name == AUTO:
        return "dali-gpu" if cuda else "dali-cpu"
    return name  # type: ignore[return-value]


def dali_device(source: VideoSource) -> Literal["cpu", "gpu"]:
    """The DALI backend of a DALI source (``dali-gpu`` -> ``gpu``)."""
    if source not in ("dali-gpu", "dali-cpu"):
        raise ValueError(f"{source} is not a DALI video source")
    return "gpu" if source == "dali-gpu" else "cpu"


def check_videos(games: Sequence[Game], *, source: VideoSource) -> None:
    """Check ``games``' videos for ``source`` now (for readers that open them later, e.g. validation).

    DALI sources check every video (codec, truncation, resolution); frame folders are checked when
    a reader opens them, PyAV when it decodes.
    """
    if source in ("dali-gpu", "dali-cpu"):
        from dudek_dali.pipelines import validate_videos

        validate_videos(games, device=dali_device(source))


def _cuda_index(device: torch.device | None) -> int | None:
    return device.index if device is not None and device.type == "cuda" else None


def create_clip_loader(
    games: Sequence[Game],
    sampling: SamplingConfig,
    *,
    source: VideoSource,
    size: Size = (224, 224),
    batch_size: int = 4,
    targets: TargetEncoder | None = None,
    device: torch.device | None = None,
    workers: int = 2,
) -> ClipLoader:
    """The training clip loader of ``source`` (not ``pyav``), delivering on ``device``.

    ``workers`` is DALI's CPU threads, or the frame loader's DataLoader processes (capped at the
    cores present: more only compete for them). For ``dali-gpu`` DALI decodes on ``device``'s GPU.
    """
    common = {"size": size, "batch_size": batch_size, "targets": targets}
    if source == "frames":
        from dudek_dali.frames import create_frame_loader

        workers = min(workers, os.cpu_count() or 1)
        return create_frame_loader(games, sampling, device=device or "cpu", num_workers=workers, **common)
    if source in ("dali-gpu", "dali-cpu"):
        from dudek_dali.pipelines import create_dali_loader

        return create_dali_loader(
            games, sampling, device=dali_device(source), device_id=_cuda_index(device), num_threads=workers,
            **common,
        )  # fmt: skip
    raise ValueError(f"no training clip loader reads {source!r}; choose one of {', '.join(TRAINING_SOURCES)}")


def create_game_reader(
    game: Game,
    config: GameReaderConfig,
    *,
    source: VideoSource,
    size: Size = (224, 224),
    targets: TargetEncoder | None = None,
    device: torch.device | None = None,
    workers: int = 2,
) -> GameReader:
    """The whole-game reader of ``source`` over ``game`` (every window, tail included)."""
    common = {"size": size, "targets": targets, "num_threads": workers}
    if source == "pyav":
        from dudek_dali.pyav import PyAVGameReader

        return PyAVGameReader(game, config, device=device or "cpu", **common)
    if source == "frames":
        from dudek_dali.frames import FrameGameReader

        return FrameGameReader(game, config, device=device or "cpu", **common)
    if source in ("dali-gpu", "dali-cpu"):
        from dudek_dali.pipelines import DaliGameReader

        return DaliGameReader(
            game, config, device=dali_device(source), device_id=_cuda_index(device), **common
        )
    raise ValueError(f"no whole-game reader reads {source!r}")


def reader_source(game: Game, choice: str, *, cuda: bool | None = None) -> VideoSource:
    """The whole-game reader that can read ``game`` for the ``choice`` a user made.

    DALI samples by frame index, so it reads a game only at the model's 25 fps and in the codecs
    its device decodes (GPU: H.264, HEVC, VP8, VP9, AV1, MJPEG; CPU: VP8, VP9, MJPEG); anything
    else (other frame rates, H.264 without a GPU) is read by PyAV, sampling by timestamp.
    ``auto`` prefers DALI on the GPU, then DALI on the CPU; ``dali-gpu`` / ``dali-cpu`` mean "that
    DALI where it can read the game, else PyAV"; ``pyav`` and ``frames`` are taken as they are.
    """
    check_video_source(choice)
    if choice in ("pyav", "frames"):
        return choice  # type: ignore[return-value]
    from dudek_dali.pipelines.validation import CPU_CODECS, GPU_CODECS

    if cuda is None:
        from dudek_dali.devices import cuda_available

        cuda = cuda_available()
    from dudek_dali.data.video_info import VideoInfoCache

    cache = VideoInfoCache()
    codecs = {v.info.codec for v in game.videos}
    at_25 = all(abs(v.info.fps - 25.0) < 0.01 and cache.scan(v.path).constant_rate for v in game.videos)
    cache.save()
    if choice in ("auto", "dali-gpu") and cuda and at_25 and codecs <= GPU_CODECS:
        return "dali-gpu"
    if choice == "dali-gpu" and not cuda:
        resolve_video_source("dali-gpu", cuda=False)  # the clear error
    if choice in ("auto", "dali-cpu") and at_25 and codecs <= CPU_CODECS:
        return "dali-cpu"
    return "pyav"
