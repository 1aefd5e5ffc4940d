"""Which clips an epoch trains on: pure Python/numpy, kept apart from decoding.

* **Windows** are the seed's ``split(clip_frames_count, overlap)``: per video, consecutive windows
  of ``clip_frames`` sampled frames (``stride`` original frames apart) whose starts are
  ``clip_frames - overlap`` sampled frames apart; only whole windows (a video's last frames
  that do not fill a window are not trained on, as in the seed).
* **Epoch plan**: a function of ``(seed, epoch)`` only, so every rank builds the same plan
  without talking to the others and a run resumes exactly at an epoch boundary. The windows
  are shuffled every epoch; ``epoch_size`` (the seed's ``enforce_*_epoch_size``) takes that
  many clips, walking through fresh permutations so no window repeats before all were seen.
* **Near events only** (``event_radius_sec``, pretraining): a video's windows are cut only
  from the stretches within that many seconds of an annotation, as dude-k's broadcast frame
  folders hold them. Each unbroken stretch of grid frames around ``[event - r, event + r]``
  (:func:`grid_spans`: one where dude-k's ``get_clips`` sees one run) starts its own windows at
  its first grid frame, exactly as :mod:`dudek_dali.frames.segments` cuts a frame folder, so the
  DALI and frame-folder loaders plan the same clips.
* **even_choice_proba**: each planned clip is, with that probability, replaced by one drawn as
  "a class uniformly among the classes present (team ignored), then a window containing an
  event of that class uniformly", which oversamples rare actions. Such a clip's flip, camera
  and crop probabilities are multiplied by ``even_choice_augment_factor`` (dude-k doubles
  them; 1 treats it like any other clip).
* **Sharding**: rank ``r`` of ``w`` takes plan positions ``r, r + w, ...``; the plan is cut to
  a multiple of ``w`` so every rank runs the same number of steps. Ranks get disjoint plan
  positions (the same window can appear twice only where the plan itself repeats it: an
  epoch larger than the number of windows, or an even-choice draw).
* **Augmentation** parameters of a clip are drawn from ``(seed, epoch, position)``, so they do
  not depend on the sharding or on which loader decodes the clip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dudek_dali.clips.augment import AugmentConfig, ClipAugment, draw_augment
from dudek_dali.clips.videos import VideoEntry

_AUGMENT_STREAM = 1  # keeps the augmentation generators apart from the plan's generator


def clip_span(clip_frames: int, stride: int) -> int:
    """Original frames from a clip's first delivered frame to its last, inclusive."""
    return (clip_frames - 1) * stride + 1


def split_windows(num_frames: int, *, clip_frames: int, stride: int, overlap: int) -> np.ndarray:
    """Start frames of the whole windows of a ``num_frames`` video (the seed's ``split``)."""
    check_window(clip_frames=clip_frames, stride=stride, overlap=overlap)
    last_start = num_frames - clip_span(clip_frames, stride)
    if last_start < 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(0, last_start + 1, (clip_frames - overlap) * stride, dtype=np.int64)


def merge_windows(events: list[int], radius: int) -> tuple[tuple[int, int], ...]:
    """``[e - radius, e + radius]`` around each event (clipped at 0), overlapping ones merged."""
    merged: list[list[int]] = []
    for event in sorted(events):
        first, last = max(0, event - radius), event + radius
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple((a, b) for a, b in merged)


def radius_frames(radius_sec: float, fps: float) -> int:
    """``radius_sec`` seconds as whole frames of a ``fps`` video (rounded down)."""
    return int(radius_sec * fps)


def grid_spans(windows: Sequence[tuple[int, int]], *, stride: int, last_frame: int) -> list[tuple[int, int]]:
    """The stretches ``(start, end)`` of the stride grid that sorted, disjoint ``windows`` hold.

    ``start`` is a stretch's first grid frame, ``end`` its last window's end cut at ``last_frame``.
    Windows with no grid frame between them make one stretch: their grid frames follow each other
    without a gap, as in dude-k's runs (``get_clips(accepted_gap=2)`` at its stride 2). Windows
    holding no grid frame are dropped.
    """
    spans: list[tuple[int, int]] = []
    for first, last in windows:
        start, end = -(-first // stride) * stride, min(last, last_frame)
        if end < start:
            continue
        if spans and start <= spans[-1][1] // stride * stride + stride:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def event_windows(
    entry: VideoEntry, *, clip_frames: int, stride: int, overlap: int, radius_sec: float
) -> np.ndarray:
    """Start frames of the whole windows within ``radius_sec`` of an event of ``entry``.

    Every stretch of grid frames around the events (:func:`grid_spans`) is a short video of its
    own that starts at its first grid frame, as a broadcast frame folder's segments do.
    """
    windows = merge_windows(entry.events.frames.tolist(), radius_frames(radius_sec, entry.fps))
    window = {"clip_frames": clip_frames, "stride": stride, "overlap": overlap}
    starts = [
        start + split_windows(end - start + 1, **window)
        for start, end in grid_spans(windows, stride=stride, last_frame=entry.num_frames - 1)
    ]
    return np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)


def check_window(*, clip_frames: int, stride: int, overlap: int) -> None:
    if clip_frames < 1:
        raise ValueError(f"clip_frames must be >= 1, got {clip_frames}")
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if not 0 <= overlap < clip_frames:
        raise ValueError(f"overlap must be in 0..clip_frames-1 ({clip_frames - 1}), got {overlap}")


def scaled_overlap(clip_frames: int, *, window: tuple[int, int] = (80, 68)) -> int:
    """The overlap of a seed ``window`` (its clip length, its overlap), scaled to ``clip_frames``:
    consecutive windows keep the seed's share of frames in common (the default is
    ``dudek train-challenge``'s, which :class:`SamplingConfig`'s defaults also are)."""
    seed_clip, seed_overlap = window
    return min(clip_frames - 1, round(clip_frames * seed_overlap / seed_clip))


@dataclass(frozen=True)
class SamplingConfig:
    """How an epoch's clips are chosen. ``epoch_size=None`` means every window once;
    ``event_radius_sec=None`` windows whole videos (see the module docstring for both)."""

    clip_frames: int = 80
    stride: int = 2
    overlap: int = 68
    epoch_size: int | None = None
    even_choice_proba: float = 0.0
    even_choice_augment_factor: float = 1.0
    event_radius_sec: float | None = None
    shuffle: bool = True
    seed: int = 0
    rank: int = 0
    world_size: int = 1
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def __post_init__(self) -> None:
        check_window(clip_frames=self.clip_frames, stride=self.stride, overlap=self.overlap)
        if self.epoch_size is not None and self.epoch_size < 1:
            raise ValueError(f"epoch_size must be >= 1 (or None for every window), got {self.epoch_size}")
        if not 0.0 <= self.even_choice_proba <= 1.0:
            raise ValueError(f"even_choice_proba must be in 0..1, got {self.even_choice_proba}")
        if not self.even_choice_augment_factor >= 0:
            raise ValueError(
                f"even_choice_augment_factor must be >= 0, got {self.even_choice_augment_factor}"
            )
        if self.event_radius_sec is not None and not self.event_radius_sec > 0:
            raise ValueError(
                f"event_radius_sec must be > 0 (or None: whole videos), got {self.event_radius_sec}"
            )
        if self.world_size < 1 or not 0 <= self.rank < self.world_size:
            got = f"rank={self.rank}, world_size={self.world_size}"
            raise ValueError(f"need 0 <= rank < world_size, got {got}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")


@dataclass(frozen=True)
class PlannedClip:
    """One clip of an epoch: where it is and what augmentation it gets."""

    position: int  # index in the epoch's (global, unsharded) plan; the DALI label of the clip
    video: int  # index into the sampler's videos
    start: int  # first original frame
    augment: ClipAugment

    def frame_numbers(self, clip_frames: int, stride: int) -> np.ndarray:
        return self.start + stride * np.arange(clip_frames, dtype=np.int64)


class ClipSampler:
    """Plans the clips of every epoch for one rank (see the module docstring for the rules)."""

    def __init__(self, videos: Sequence[VideoEntry], config: SamplingConfig) -> None:
        self.videos = list(videos)
        self.config = config
        window = {"clip_frames": config.clip_frames, "stride": config.stride, "overlap": config.overlap}
        if config.event_radius_sec is None:
            starts = [split_windows(s.num_frames, **window) for s in self.videos]
        else:
            starts = [event_windows(s, **window, radius_sec=config.event_radius_sec) for s in self.videos]
        self.window_video = np.concatenate(
            [np.full(len(st), i, dtype=np.int64) for i, st in enumerate(starts)] or [np.zeros(0, np.int64)]
        )
        self.window_start = np.concatenate(starts or [np.zeros(0, np.int64)])
        if len(self.window_start) == 0:
            clip = f"{config.clip_frames} frames at stride {config.stride}"
            near = (
                "" if config.event_radius_sec is None else f" within {config.event_radius_sec} s of an event"
            )
            raise ValueError(f"no video holds a whole clip of {clip}{near}")
        self.class_windows = self._windows_by_class(starts)
        global_size = config.epoch_size or len(self.window_start)
        self.global_size = global_size - global_size % config.world_size
        if self.global_size == 0:
            raise ValueError(f"an epoch of {global_size} clips cannot be shared by {config.world_size} ranks")

    @property
    def num_windows(self) -> int:
        return len(self.window_start)

    def __len__(self) -> int:
        """Clips this rank gets per epoch."""
        return self.global_size // self.config.world_size

    def _windows_by_class(self, starts: list[np.ndarray]) -> dict[int, np.ndarray]:
        """Window indices holding at least one event of each class (team ignored)."""
        span = clip_span(self.config.clip_frames, self.config.stride)
        found: dict[int, list[np.ndarray]] = {}
        offset = 0
        for source, video_starts in zip(self.videos, starts, strict=True):
            # A window starting at s holds the event at frame f when f - span < s <= f.
            first = np.searchsorted(video_starts, source.events.frames - span, side="right")
            last = np.searchsorted(video_starts, source.events.frames, side="right")
            classes = (source.events.outputs - 1) % source.num_classes
            for cls, lo, hi in zip(classes.tolist(), first.tolist(), last.tolist(), strict=True):
                if hi > lo:
                    found.setdefault(cls, []).append(np.arange(offset + lo, offset + hi))
            offset += len(video_starts)
        return {c: np.unique(np.concatenate(ws)) for c, ws in sorted(found.items())}

    def global_windows(self, epoch: int) -> np.ndarray:
        """The window index of every position of the epoch's plan (all ranks together)."""
        return self._global_plan(epoch)[0]

    def _global_plan(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """(window index, drawn by even choice) of every position of the epoch's plan."""
        rng = np.random.default_rng([self.config.seed, epoch])
        count = self.num_windows
        rounds = -(-self.global_size // count)
        if self.config.shuffle:
            order = np.concatenate([rng.permutation(count) for _ in range(rounds)])
        else:
            order = np.tile(np.arange(count), rounds)
        order = order[: self.global_size]
        coins, class_draw, window_draw = rng.random((3, self.global_size))
        chosen = np.zeros(self.global_size, dtype=bool)
        if self.config.even_choice_proba > 0 and self.class_windows:
            classes = list(self.class_windows.values())
            even = np.flatnonzero(coins < self.config.even_choice_proba)
            for i in even:
                windows = classes[int(class_draw[i] * len(classes))]
                order[i] = windows[int(window_draw[i] * len(windows))]
            chosen[even] = True
        return order, chosen

    def plan(self, epoch: int) -> list[PlannedClip]:
        """This rank's clips of ``epoch``, in the order they are to be read."""
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        order, even = self._global_plan(epoch)
        augment = self.config.augment
        boosted = augment.boosted(self.config.even_choice_augment_factor)
        clips = []
        for position in range(self.config.rank, self.global_size, self.config.world_size):
            window = int(order[position])
            rng = np.random.default_rng([self.config.seed, epoch, position, _AUGMENT_STREAM])
            clips.append(
                PlannedClip(
                    position=position,
                    video=int(self.window_video[window]),
                    start=int(self.window_start[window]),
                    augment=draw_augment(rng, boosted if even[position] else augment),
                )
            )
        return clips
