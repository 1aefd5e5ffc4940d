"""Encode rendered frames into a video file, atomically, with PyAV.

VP9 (libvpx) is what DALI's CPU decoder reads, so it is the default. The options are chosen
so frame-accurate seeking is really exercised:

* keyframes only every ``keyframe_interval`` frames (a seek decodes forward from the last one);
* ``lag-in-frames`` 25 + ``auto-alt-ref``: libvpx encodes hidden alternate-reference frames,
  VP9's counterpart of B-frames, shipped in "superframes" together with a shown frame, so
  packet order is not simply display order. With a target bitrate (VBR) libvpx's real-time
  mode places them; in constant-quality mode it places none, hence ``b`` below.
* ``deadline=realtime`` / ``cpu-used=8``: several hundred frames per second at 224p.

H.264 (libx264, 3 B-frames, no scene-cut keyframes) mirrors real SoccerNet files for GPU
(NVDEC) tests and for checking that the CPU path rejects it clearly.

libvpx and x264 outputs are deterministic for a given build and options (checked with 1 and 2
threads); they may differ between library builds or CPU instruction sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np

from dudek_dali.data.synthetic.config import FPS, Codec
from dudek_dali.files import write_atomic

_FORMATS = {".mp4": "mp4", ".mkv": "matroska"}
# Bits per pixel per frame for VP9's VBR target: ~0.33 Mbit/s at 398x224, ~3.5 Mbit/s at 720p
# (libvpx overshoots by ~20%).
_VP9_BITS_PER_PIXEL = 0.15


def write_video(
    path: Path,
    frames: Iterable[np.ndarray],
    *,
    codec: Codec,
    width: int,
    height: int,
    keyframe_interval: int,
) -> int:
    """Encode RGB ``frames`` (H x W x 3 uint8) at 25 fps into ``path``; returns the frame count.

    The file appears only once complete: it is written beside ``path`` and renamed over it.
    """
    container_format = _FORMATS.get(path.suffix)
    if container_format is None:
        raise ValueError(f"{path}: unsupported video extension (expected one of {sorted(_FORMATS)})")
    counted: list[int] = []

    def encode(tmp: Path) -> None:
        counted.append(_encode(tmp, container_format, frames, codec, width, height, keyframe_interval))

    write_atomic(path, encode)
    return counted[0]


def _encode(
    path: Path,
    container_format: str,
    frames: Iterable[np.ndarray],
    codec: Codec,
    width: int,
    height: int,
    keyframe_interval: int,
) -> int:
    count = 0
    with av.open(str(path), mode="w", format=container_format) as container:
        stream = container.add_stream("libvpx-vp9" if codec == "vp9" else "libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = keyframe_interval
        stream.options = _codec_options(codec, width, height, keyframe_interval)
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = count
            container.mux(stream.encode(frame))
            count += 1
        container.mux(stream.encode(None))
    return count


def _codec_options(codec: Codec, width: int, height: int, keyframe_interval: int) -> dict[str, str]:
    if codec == "vp9":
        bitrate = round(_VP9_BITS_PER_PIXEL * width * height * FPS / 1000) * 1000
        return {
            "deadline": "realtime",
            "cpu-used": "8",
            "auto-alt-ref": "1",
            "lag-in-frames": "25",
            "b": str(bitrate),
            "row-mt": "1",
            "tile-columns": "2" if width >= 1024 else "0",
        }
    return {
        "preset": "superfast",
        "crf": "23",
        "x264-params": f"keyint={keyframe_interval}:min-keyint={keyframe_interval}:scenecut=0:bframes=3",
    }
