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

from dudek_dali.bench.spec import ClipSpec
from dudek_dali.data.games import Game
from dudek_dali.errors import VideoError
from dudek_dali.pipelines.augment_params import AugmentConfig
from dudek_dali.pipelines.sampling import ClipSampler, PlannedClip, SamplingConfig, video_sources


class _OpenVideo:
    """One open container, kept open across clips as a reader would."""

    def __init__(self, path: Path) -> None:
        import av

        self.path = path
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.rate = float(self.stream.average_rate or self.stream.guessed_rate)
        self.time_base = float(self.stream.time_base)
        self.first = float(self.stream.start_time or 0) * self.time_base

    def clip(self, start: int, *, count: int, stride: int, size: tuple[int, int]) -> tuple[np.ndarray, int]:
        """Frames ``start, start + stride, ...`` (``count`` of them) as (count, H, W, 3) uint8,
        and how many frames were decoded to get them."""
        height, width = size
        end = start + (count - 1) * stride
        target = int(round((start / self.rate + self.first) / self.time_base))
        self.container.seek(target, stream=self.stream, backward=True, any_frame=False)
        frames, decoded = [], 0
        for frame in self.container.decode(self.stream):
            index = round((float(frame.pts) * self.time_base - self.first) * self.rate)
            decoded += 1
            if index >= start and (index - start) % stride == 0:
                frames.append(frame.to_ndarray(width=width, height=height, format="rgb24"))
            if index >= end:
                break
        if len(frames) != count:
            raise VideoError(f"{self.path}: got {len(frames)} of the {count} frames from {start} on")
        return np.stack(frames), decoded

    def close(self) -> None:
        self.container.close()


class PyAVClipReader:
    """Batches of (B, clip_frames, H, W, 3) uint8 clips in the epoch plan's order."""

    def __init__(self, games: Sequence[Game], spec: ClipSpec) -> None:
        sampling = SamplingConfig(
            clip_frames=spec.clip_frames,
            stride=spec.stride,
            overlap=spec.overlap,
            epoch_size=spec.epoch_clips,
            seed=spec.seed,
            augment=AugmentConfig.off(),
        )
        self.spec = spec
        self.sampler = ClipSampler(video_sources(games), sampling)
        self.epoch = 0
        self.decoded = 0  # frames decoded so far, over all epochs
        self._open: dict[int, _OpenVideo] = {}

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def plan(self) -> list[PlannedClip]:
        return self.sampler.plan(self.epoch)

    def __iter__(self) -> Iterator[np.ndarray]:
        plan, size = self.plan(), self.spec.batch_size
        for first in range(0, len(plan), size):
            yield np.stack([self._read(c) for c in plan[first : first + size]])

    def _read(self, clip: PlannedClip) -> np.ndarray:
        if clip.video not in self._open:
            self._open[clip.video] = _OpenVideo(self.sampler.sources[clip.video].path)
        frames, decoded = self._open[clip.video].clip(
            clip.start, count=self.spec.clip_frames, stride=self.spec.stride, size=self.spec.size
        )
        self.decoded += decoded
        return frames

    def close(self) -> None:
        for video in self._open.values():
            video.close()
        self._open.clear()

    def __enter__(self) -> PyAVClipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
