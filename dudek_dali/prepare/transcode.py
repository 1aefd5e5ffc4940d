"""Re-encode one video with a fixed keyframe interval (and optionally every n-th frame only).

Frames go from the decoder to the encoder as YUV, with no RGB round trip. Quality is constant
(CRF), not a bitrate: at a fixed bitrate, extra keyframes would cost picture quality instead
of disk, and the disk comparison would flatter the copies.

* ``vp9`` (libvpx, realtime speed 8): the only one of the two that DALI's CPU decoder reads;
  the choice for CPU-only machines. CRF 30 keeps synthetic 224p frames near 39 dB luma PSNR.
* ``h264`` (libx264 veryfast, CRF 18, visually lossless): every NVDEC generation decodes it,
  and x264 encodes faster than libvpx at equal quality; the choice with a GPU.

``frame_step`` 2 keeps frames 0, 2, 4, ... at half the frame rate (12.5 fps for SoccerNet):
training at stride 2 never reads the others. Copy frame ``k`` is original frame
``frame_step * k``; callers must remember that mapping (the prepared dataset's manifest does).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from dudek_dali.data.video_write import container_of, write_video
from dudek_dali.errors import VideoError

Codec = Literal["vp9", "h264"]
CODECS: tuple[str, ...] = get_args(Codec)
DEFAULT_CRF = {"vp9": 30, "h264": 18}


def default_codec() -> Codec:
    """``h264`` when a CUDA GPU is visible (NVDEC), else ``vp9`` (DALI's CPU decoder)."""
    from dudek_dali.devices import cuda_available

    return "h264" if cuda_available() else "vp9"


def check_codec(codec: str) -> Codec:
    if codec not in CODECS:
        raise ValueError(f"codec must be one of {', '.join(CODECS)}, got {codec!r}")
    return codec  # type: ignore[return-value]


@dataclass(frozen=True)
class TranscodeResult:
    source: Path
    target: Path
    frames: int  # frames written
    seconds: float
    bytes: int


def _options(codec: Codec, keyframe_interval: int, crf: int) -> dict[str, str]:
    if codec == "vp9":
        return {
            "deadline": "realtime",
            "cpu-used": "8",
            "crf": str(crf),
            "b": "0",  # constant quality
            "row-mt": "1",
            "keyint_min": str(keyframe_interval),  # libvpx's kf-min-dist: exactly every K frames
        }
    return {
        "preset": "veryfast",
        "crf": str(crf),
        "x264-params": f"keyint={keyframe_interval}:min-keyint={keyframe_interval}:scenecut=0",
    }


def transcode_video(
    source: Path,
    target: Path,
    *,
    keyframe_interval: int,
    codec: Codec = "vp9",
    frame_step: int = 1,
    crf: int | None = None,
    fps: float | None = None,
) -> TranscodeResult:
    """Write ``target`` (``.mp4``/``.mkv``, atomically) from ``source``; see the module docstring.

    ``fps`` overrides the source's frame rate (SoccerNet has a few halves with broken metadata).
    """
    codec = check_codec(codec)
    if keyframe_interval < 1 or frame_step < 1:
        raise ValueError(
            f"keyframe_interval and frame_step must be >= 1, got {keyframe_interval}, {frame_step}"
        )
    crf = DEFAULT_CRF[codec] if crf is None else crf

    def rate(src) -> Fraction:
        source_rate = Fraction(fps).limit_denominator(1001) if fps else src.average_rate or src.guessed_rate
        return Fraction(source_rate) / frame_step

    def frames(src, decoded: Iterable) -> Iterator:
        for index, frame in enumerate(decoded):
            if index % frame_step:
                continue
            yield frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")

    return _reencode(
        source, target, codec=codec, options=_options(codec, keyframe_interval, crf),
        gop_size=keyframe_interval, rate=rate, frames=frames,
    )  # fmt: skip


def retime_video(
    source: Path, target: Path, fps: Fraction | float, *, codec: Codec = "h264"
) -> TranscodeResult:
    """Re-encode ``source`` at another frame rate, ``fps``, as a frame-rate converter would: output
    frame ``j`` shows the source frame on screen at ``j / fps`` s (frames repeat or drop).

    For spotting a video at another rate than the one the model learned (``dudek spot`` samples
    by timestamp) and for a constant-rate copy of a variable-rate file. Decodes the source once.
    """
    codec = check_codec(codec)
    rate = Fraction(fps).limit_denominator(1001)

    def frames(src, decoded: Iterable) -> Iterator:
        base, first, shown, count, t = Fraction(src.time_base), None, None, 0, 0.0
        for frame in decoded:
            first = frame.pts if first is None else first
            t = float((frame.pts - first) * base)
            while shown is not None and count / rate < t - 1e-9:  # output times before this frame
                yield shown
                count += 1
            shown = frame.reformat(format="yuv420p")  # the source frame on screen
        if shown is None:
            raise VideoError(f"{source}: no video frames to retime")
        end = t + 1 / float(src.average_rate or 25)
        while count / rate < end - 1e-9:
            yield shown
            count += 1

    return _reencode(
        source, target, codec=codec, options=_options(codec, 250, DEFAULT_CRF[codec]),
        gop_size=None, rate=lambda src: rate, frames=frames,
    )  # fmt: skip


def _reencode(
    source: Path,
    target: Path,
    *,
    codec: Codec,
    options: dict[str, str],
    gop_size: int | None,
    rate: Callable[[Any], Fraction],
    frames: Callable[[Any, Iterable], Iterator],
) -> TranscodeResult:
    """Decode ``source``'s first video stream and write ``frames(stream, decoded frames)`` (yuv420p)
    into ``target`` at ``rate(stream)`` frames per second (:func:`~dudek_dali.data.video_write.write_video`);
    FFmpeg's errors become a :class:`~dudek_dali.errors.VideoError` naming ``source``."""
    import av

    container_of(target)  # refuse an unknown extension before decoding anything
    start = time.perf_counter()
    try:
        with av.open(str(source)) as inp:
            src = inp.streams.video[0]
            src.thread_type = "AUTO"
            size = (src.codec_context.width, src.codec_context.height)
            count = write_video(
                target, frames(src, inp.decode(src)), codec=codec, rate=rate(src), size=size,
                options=options, gop_size=gop_size,
            )  # fmt: skip
    except av.error.FFmpegError as err:
        raise VideoError(f"{source}: cannot re-encode ({type(err).__name__}: {err})") from None
    return TranscodeResult(
        source=Path(source),
        target=Path(target),
        frames=count,
        seconds=time.perf_counter() - start,
        bytes=Path(target).stat().st_size,
    )
