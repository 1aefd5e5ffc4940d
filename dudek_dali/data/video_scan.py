"""What a video's packets say: how many frames a decoder will index, keyframes, constant rate.

Container headers estimate; packets count. Matroska stores no frame count, so the header's
"frames" is duration x rate (off by a frame or more); an interrupted copy or a broadcast recorder
that dropped frames still promises the full duration. DALI's video reader builds its frame index
by demuxing the file's packets (one entry per video packet, keyframes flagged), so the packets are
what it will index, what its frame numbers count, and what the loaders must trust.

Demuxing reads the whole file but decodes nothing: about 1 s per 45-minute 224p half here, cached
(:class:`~dudek_dali.data.video_info.VideoInfoCache`) by path, size and modification time.

A video has a **constant frame rate** when every packet's duration (the step between consecutive
presentation timestamps, in display order) is the same; labels give positions in milliseconds,
and only at a constant rate does ``int(ms / 1000 * fps)`` name the frame the event is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dudek_dali.errors import VideoError

RATE_TOLERANCE = 0.02  # a packet duration within 2% of the median counts as the same step...
TICK_TOLERANCE = 1.5  # ...or within 1.5 time-base ticks (29.97 fps in a 1 ms time base: 33, 34, 33 ms)


@dataclass(frozen=True)
class VideoScan:
    """A video's packets, summarised."""

    packets: int  # video packets: the frames a demuxing decoder indexes
    keyframes: int
    max_keyframe_gap: int  # frames from one keyframe to the next, at most (the whole video if 1 keyframe)
    mean_keyframe_gap: float
    constant_rate: bool
    rate_fps: float  # frames per second of presentation time, first to last frame
    first_pts_s: float
    last_pts_s: float  # presentation time of the last frame (from the stream start)

    def to_json(self) -> dict:
        return asdict(self)


class Packets(NamedTuple):
    """Every video packet of a file, in decode order (the demuxer's flush packet left out)."""

    pts: np.ndarray  # int64: presentation time in ``time_base`` ticks, else decode time; -1 when neither
    timed: np.ndarray  # bool: the packet has a presentation or decode time
    keyframes: np.ndarray  # bool
    time_base: Fraction


def video_packets(container, stream) -> Iterator:
    """The packets of ``stream`` demuxed from an open ``container``, without the flush packet."""
    for packet in container.demux(stream):
        if packet.size == 0 and packet.pts is None:
            continue  # the demuxer's flush packet
        yield packet


def read_packets(path: Path | str) -> Packets:
    """Demux every video packet of ``path`` (no decoding); :class:`VideoError` naming it on failure."""
    import av

    path = Path(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoError(f"{path}: no video stream in the file")
            stream = container.streams.video[0]
            base = Fraction(stream.time_base)
            pts, keys = [], []
            for packet in video_packets(container, stream):
                pts.append(packet.pts if packet.pts is not None else packet.dts)
                keys.append(bool(packet.is_keyframe))
    except VideoError:
        raise
    except Exception as err:  # FFmpeg raises many error types for damaged data
        raise VideoError(f"{path}: cannot read the video's packets ({type(err).__name__}: {err})") from None
    return Packets(
        pts=np.array([p if p is not None else -1 for p in pts], dtype=np.int64),
        timed=np.array([p is not None for p in pts], dtype=bool),
        keyframes=np.array(keys, dtype=bool),
        time_base=base,
    )


def frame_times(path: Path | str) -> np.ndarray:
    """Presentation time (s, from the first frame) of every frame, in display order, from the packets.

    Memoised per file as it is now (resolved path, size, modification time): the PyAV reader and
    ``dudek spot`` both need them, and demuxing reads the whole file. The array is read-only.
    """
    key = Path(path).resolve()
    stat = key.stat()
    return _frame_times(key, stat.st_size, stat.st_mtime_ns, Path(path))


@lru_cache(maxsize=8)
def _frame_times(key: Path, size: int, mtime_ns: int, path: Path) -> np.ndarray:
    packets = read_packets(path)
    pts = packets.pts[packets.timed]
    if not len(pts):
        raise VideoError(f"{path}: no video frames")
    order = np.sort(pts)
    times = (order - order[0]).astype(np.float64) * float(packets.time_base)
    times.flags.writeable = False
    return times


def scan_video(path: Path | str) -> VideoScan:
    """Demux every video packet of ``path`` (no decoding); :class:`VideoError` naming it on failure."""
    path = Path(path)
    packets = read_packets(path)
    if not packets.timed.any():
        raise VideoError(f"{path}: no video packets found")
    return _summarise(packets.pts, packets.keyframes, packets.time_base)


def _summarise(pts: np.ndarray, keys: np.ndarray, base: Fraction) -> VideoScan:
    order = np.sort(pts[pts >= 0])
    steps = np.diff(order)
    median = float(np.median(steps)) if len(steps) else 0.0
    tolerance = max(RATE_TOLERANCE * median, TICK_TOLERANCE)
    constant = bool(len(steps) == 0 or np.all(np.abs(steps - median) <= tolerance))
    mean_step = (order[-1] - order[0]) / (len(order) - 1) if len(order) > 1 else 0.0
    key_index = np.flatnonzero(np.array(keys, dtype=bool))
    gaps = np.diff(np.append(key_index, len(keys))) if len(key_index) else np.array([len(keys)])
    start = float(order[0] * base) if len(order) else 0.0
    return VideoScan(
        packets=len(keys),
        keyframes=int(len(key_index)),
        max_keyframe_gap=int(gaps.max()),
        mean_keyframe_gap=float(gaps.mean()),
        constant_rate=constant,
        rate_fps=float(1 / (mean_step * base)) if mean_step > 0 else 0.0,
        first_pts_s=start,
        last_pts_s=float(order[-1] * base) - start if len(order) else 0.0,
    )
