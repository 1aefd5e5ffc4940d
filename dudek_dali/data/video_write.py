"""Write frames to a video file: the one encoder loop every writer of the project uses.

Synthetic games (:mod:`dudek_dali.data.synthetic`), re-encoded copies (:mod:`dudek_dali.prepare`),
``dudek spot``'s overlay and ``dudek preview`` all hand :func:`write_video` their frames: RGB arrays
(``H x W x 3`` uint8) or PyAV frames already in ``yuv420p`` (a re-encode skips the RGB round trip).
Each output frame is numbered here (timestamp ``k / rate``), and its picture type is cleared so the
encoder places keyframes as configured (a decoded frame keeps the type its source gave it, and the
same frame object may be written several times: FFmpeg references, not copies, what it is sent).
The file is written beside ``path`` and renamed over it when complete (:func:`dudek_dali.files.write_atomic`).
FFmpeg's errors propagate as they are, so the caller can name the file that caused them (the
source of a re-encode, say) in its own one-line error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from dudek_dali.files import write_atomic

CONTAINERS = {".mp4": "mp4", ".mkv": "matroska", ".webm": "webm"}
ENCODERS = {"h264": "libx264", "vp9": "libvpx-vp9"}  # our codec names -> FFmpeg's encoders


def container_of(path: Path | str) -> str:
    """The container format ``path``'s suffix asks for; ``ValueError`` naming the ones written."""
    suffix = Path(path).suffix.lower()
    if suffix not in CONTAINERS:
        raise ValueError(f"{path}: unsupported video extension (expected one of {', '.join(CONTAINERS)})")
    return CONTAINERS[suffix]


def write_video(
    path: Path | str,
    frames: Iterable[Any],
    *,
    codec: str,
    rate: Fraction | int | float,
    size: tuple[int, int],
    options: Mapping[str, str] | None = None,
    gop_size: int | None = None,
) -> int:
    """Encode ``frames`` into ``path`` (``.mp4``, ``.mkv`` or ``.webm``) at ``rate`` frames/s; returns
    how many were written.

    ``codec`` is ``h264`` or ``vp9`` (or an FFmpeg encoder name); ``size`` is the frames' (width,
    height), cut to even sides as yuv420p needs; ``options`` go to the encoder, ``gop_size`` sets
    its keyframe interval.
    """
    import av

    container_format = container_of(path)
    rate = Fraction(rate).limit_denominator(1001)
    width, height = size[0] - size[0] % 2, size[1] - size[1] % 2
    count = 0

    def encode(tmp: Path) -> None:
        nonlocal count
        with av.open(str(tmp), mode="w", format=container_format) as container:
            stream = container.add_stream(ENCODERS.get(codec, codec), rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            if gop_size is not None:
                stream.codec_context.gop_size = gop_size
            stream.options = dict(options or {})
            for picture in frames:
                frame = _frame(picture, width, height)
                frame.pts, frame.time_base = count, 1 / rate
                frame.pict_type = av.video.frame.PictureType.NONE  # the encoder places keyframes
                container.mux(stream.encode(frame))
                count += 1
            container.mux(stream.encode(None))

    write_atomic(Path(path), encode)
    return count


def _frame(picture: Any, width: int, height: int):
    import av

    if isinstance(picture, np.ndarray):
        rgb = np.ascontiguousarray(picture[:height, :width])
        return av.VideoFrame.from_ndarray(rgb, format="rgb24")
    return picture
