"""Where a video's keyframes are, and how many frames a random clip makes the decoder produce.

Decoders can only start at a keyframe, so DALI's reader (and any seeking reader) seeks back to
the keyframe at or before a clip's first frame and decodes forward to its last frame:

    decoded(clip) = clip_end - previous_keyframe(clip_start) + 1

With x264's default GOP of 250 frames (10 s) a clip of 80 frames at stride 2 (159 video frames)
costs on average 159 + ~125 decoded frames: the seek wastes almost as much as the clip needs.
Keyframes are listed from the packets alone (``packet.is_keyframe``), without decoding.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dudek_dali.errors import VideoError


def keyframe_indices(path: Path) -> np.ndarray:
    """Frame indices of the keyframes of ``path``'s first video stream, sorted (demux only)."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or stream.guessed_rate or stream.base_rate)
            first = None
            found = []
            for packet in container.demux(stream):
                if packet.pts is None:  # the flush packet
                    continue
                seconds = float(packet.pts * packet.time_base)
                if first is None or seconds < first:
                    first = seconds
                if packet.is_keyframe:
                    found.append(seconds)
    except (OSError, IndexError, av.error.FFmpegError) as err:
        raise VideoError(f"{path}: cannot list keyframes ({type(err).__name__}: {err})") from None
    if not found:
        raise VideoError(f"{path}: no keyframe found")
    start = first or 0.0  # a stream may not start at time 0
    return np.unique(np.round((np.array(found) - start) * rate).astype(np.int64))


def decoded_frames(keyframes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Frames decoded for clips ``starts[i]..ends[i]`` (inclusive): from the previous keyframe.

    A clip starting before the first keyframe (never the case in a valid file) counts from 0.
    """
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    before = np.searchsorted(keyframes, starts, side="right") - 1
    seek_to = np.where(before >= 0, keyframes[np.maximum(before, 0)], 0)
    return ends - seek_to + 1


def mean_gap(keyframes: Iterable[int], num_frames: int) -> float:
    """Average keyframe spacing in frames (the last GOP runs to the end of the video)."""
    edges = np.append(np.asarray(list(keyframes), dtype=np.int64), num_frames)
    return float(np.diff(edges).mean()) if len(edges) > 1 else float(num_frames)
