"""The floor: a plain PyAV reader over the same clip plan, decode + resize only.

No augmentation, no normalisation, no torch, one process (FFmpeg's own decoder threads only):
the least work any video loader must do for a random clip, i.e. seek to the previous keyframe,
decode forward to the clip's last frame, and scale the clip's frames to the output size. It
counts the frames it really decodes, which checks the keyframe estimate of the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from dudek_dali.clips.loader import EpochPlanLoader
from dudek_dali.clips.sampling import ClipSampler, PlannedClip, SamplingConfig
from dudek_dali.clips.videos import video_entries
from dudek_dali.data.games import Game
from dudek_dali.errors import VideoError
from dudek_dali.pyav.rgb import RgbScaler
from dudek_dali.sizes import Size, check_size


class _OpenVideo:
    """One open container, kept open across clips as a reader would."""

    def __init__(self, path: Path, size: tuple[int, int]) -> None:
        import av

        self.path = path
        self.rgb = RgbScaler(size)
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.rate = float(self.stream.average_rate or self.stream.guessed_rate)
        self.time_base = float(self.stream.time_base)
        self.first = float(self.stream.start_time or 0) * self.time_base

    def clip(self, start: int, *, count: int, stride: int) -> tuple[np.ndarray, int]:
        """Frames ``start, start + stride, ...`` (``count`` of them) as (count, H, W, 3) uint8 at the
        reader's size, and how many frames were decoded to get them."""
        end = start + (count - 1) * stride
        target = int(round((start / self.rate + self.first) / self.time_base))
        self.container.seek(target, stream=self.stream, backward=True, any_frame=False)
        frames, decoded = [], 0
        for frame in self.container.decode(self.stream):
            index = round((float(frame.pts) * self.time_base - self.first) * self.rate)
            decoded += 1
            if index >= start and (index - start) % stride == 0:
                frames.append(self.rgb(frame))
            if index >= end:
                break
        if len(frames) != count:
            raise VideoError(f"{self.path}: got {len(frames)} of the {count} frames from {start} on")
        return np.stack(frames), decoded

    def close(self) -> None:
        self.container.close()


class PyAVClipReader(EpochPlanLoader):
    """Batches of (B, clip_frames, H, W, 3) uint8 clips in the epoch plan's order (no augmentation)."""

    def __init__(
        self, games: Sequence[Game], sampling: SamplingConfig, *, size: Size = (224, 224), batch_size: int = 4
    ) -> None:
        super().__init__(ClipSampler(video_entries(games), sampling), batch_size=batch_size)
        self.sampling = sampling
        self.size = check_size(size)
        self.decoded = 0  # frames decoded so far, over all epochs
        self._open: dict[int, _OpenVideo] = {}

    def __iter__(self) -> Iterator[np.ndarray]:
        for clips in self.batches(self.remaining_plan()):
            yield np.stack([self._read(c) for c in clips])

    def _read(self, clip: PlannedClip) -> np.ndarray:
        if clip.video not in self._open:
            self._open[clip.video] = _OpenVideo(self.videos[clip.video].path, self.size)
        frames, decoded = self._open[clip.video].clip(
            clip.start, count=self.sampling.clip_frames, stride=self.sampling.stride
        )
        self.decoded += decoded
        return frames

    def close(self) -> None:
        for video in self._open.values():
            video.close()
        self._open.clear()
