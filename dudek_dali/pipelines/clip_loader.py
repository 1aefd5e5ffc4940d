"""The training clip loader: DALI decodes the planned clips, augments them and hands them to torch.

Each epoch gets a fresh DALI pipeline built from that epoch's plan (:mod:`.sampling`): one
file-list line ``<link> <plan position> <start> <end>`` per clip, read in order with
``step`` larger than any video, so DALI returns exactly one clip per line and the clip's
label is its plan position. Building a pipeline takes well under a second, even for
thousands of lines over long videos (the reader indexes lazily), and it makes the epoch
order exactly the plan's order, so a run is reproducible and resumable with :meth:`set_epoch`.

Targets are computed in Python from the frame numbers DALI reports through the shared
:class:`~dudek_dali.data.targets.TargetEncoder`. Every batch is checked against the plan
(labels and frame numbers): a mismatch raises instead of training on a wrong clip.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DudekError, VideoError
from dudek_dali.pipelines.augment_params import AugmentConfig
from dudek_dali.pipelines.batch import ClipBatch
from dudek_dali.pipelines.decode_errors import decode_error
from dudek_dali.pipelines.graph import READER, GraphSpec, augment_arrays, build_pipeline, needed_params
from dudek_dali.pipelines.links import VideoLinks
from dudek_dali.pipelines.sampling import ClipSampler, PlannedClip, SamplingConfig, clip_span, video_sources
from dudek_dali.pipelines.targets_batch import batch_targets
from dudek_dali.pipelines.torch_output import to_numpy, to_torch
from dudek_dali.pipelines.validation import Device, check_device, check_video, validate_videos

if TYPE_CHECKING:
    import torch

# DALI 2.4 yields a sequence from a frames range only when the range holds
# sequence_length * stride frames (not just the clip's span, (T - 1) * stride + 1), so a
# line's (exclusive) end is start + T * stride; an end past the video's last frame is fine as
# long as the clip's own frames exist.
_HUGE_STEP = 10**8  # larger than any video: one clip per file-list line


class ClipLoader:
    """Iterates one epoch of :class:`ClipBatch` at a time; use :func:`create_clip_loader`."""

    def __init__(
        self,
        *,
        sampler: ClipSampler,
        spec: GraphSpec,
        encoder: TargetEncoder,
        device_id: int | None = None,
    ) -> None:
        self.sampler = sampler
        self.spec = spec
        self.encoder = encoder
        self.device_id = device_id
        self.links = VideoLinks()
        self.epoch = 0
        self.start_batch = 0

    @property
    def sources(self):
        return self.sampler.sources

    def set_epoch(self, epoch: int, *, start_batch: int = 0) -> None:
        """Choose the epoch the next iteration plans (a function of the seed and the epoch).

        ``start_batch`` skips the epoch's first batches at the plan level, without decoding
        them: a run resumed mid-epoch continues with exactly the clips it had not seen yet.
        """
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        if start_batch < 0:
            raise ValueError(f"start_batch must be >= 0, got {start_batch}")
        self.epoch = epoch
        self.start_batch = start_batch

    @property
    def num_clips(self) -> int:
        """Clips this rank reads per epoch."""
        return len(self.sampler)

    def __len__(self) -> int:
        """Batches per epoch (the last one may be smaller)."""
        return math.ceil(self.num_clips / self.spec.batch_size)

    def plan(self) -> list[PlannedClip]:
        return self.sampler.plan(self.epoch)

    def __iter__(self) -> Iterator[ClipBatch]:
        batch_size = self.spec.batch_size
        plan = self.plan()[self.start_batch * batch_size :]
        if not plan:
            return
        pipe = self._build(plan)
        try:
            for first in range(0, len(plan), batch_size):
                clips = plan[first : first + batch_size]
                try:
                    outputs = pipe.run()
                except RuntimeError as err:  # how DALI reports decoding and operator failures
                    ahead = plan[first : first + batch_size * (1 + self.spec.prefetch)]
                    raise self._failure(err, ahead) from None
                yield self._batch(clips, *outputs)
        finally:
            del pipe  # frees decoder threads and buffers even when the caller stops early

    def _build(self, plan: list[PlannedClip]):
        end = self.spec.sequence_length * self.spec.stride
        lines = [
            f"{self.links.link(self.sources[c.video].path)} {c.position} {c.start} {c.start + end}"
            for c in plan
        ]
        file_list = self.links.write_text(f"epoch{self.epoch}.txt", "\n".join(lines) + "\n")
        names = needed_params(self.spec.augment)
        size = self.spec.size

        def params(info: Any) -> tuple[np.ndarray, ...]:
            # The reader pads the last batch by repeating its last clip; so does this.
            clip = plan[min(info.idx_in_epoch, len(plan) - 1)]
            return augment_arrays(clip.augment, names=names, num_frames=self.spec.sequence_length, size=size)

        reader = {
            "file_list": str(file_list),
            "file_list_format": "frames",
            "file_list_include_end": False,
            "step": _HUGE_STEP,
            "pad_last_batch": True,
        }
        try:
            pipe = build_pipeline(self.spec, reader=reader, params=params, device_id=self.device_id)
        except RuntimeError as err:
            raise self._failure(err, plan) from None
        found = pipe.epoch_size(READER)
        if found != len(plan):  # DALI skips files it cannot open instead of failing
            raise self._failure(f"it found {found} of the {len(plan)} planned clips", plan)
        return pipe

    def _failure(self, err: BaseException | str, clips: list[PlannedClip]) -> VideoError:
        """Name the videos that fail their checks again now, else every video the clips read."""
        videos = list(dict.fromkeys(self.sources[c.video].path for c in clips))
        span = clip_span(self.spec.sequence_length, self.spec.stride)
        broken = []
        for video in videos:
            try:
                check_video(video, device=self.spec.device, min_frames=span)
            except VideoError as problem:
                broken.append((video, problem))
        if len(broken) == 1:  # the checks explain it better than DALI
            return VideoError(f"{broken[0][1]} (found while decoding)")
        return decode_error(err, [v for v, _ in broken] or videos, self.links)

    def _batch(self, clips: list[PlannedClip], frames: Any, labels: Any, numbers: Any) -> ClipBatch:
        import torch

        count = len(clips)
        labels = to_numpy(labels).reshape(-1)[:count]
        numbers = to_numpy(numbers)[:count].astype(np.int64)
        self._check_against_plan(clips, labels, numbers)
        pixels = to_torch(frames, device_id=self.device_id)[:count]
        flipped = np.array([c.augment.flip for c in clips])
        events = [self.sources[c.video].events for c in clips]
        classes, displacement = batch_targets(
            self.encoder, events, numbers, stride=self.spec.stride, flipped=flipped
        )
        device = pixels.device

        def tensor(array: np.ndarray) -> torch.Tensor:
            return torch.from_numpy(array).to(device)

        return ClipBatch(
            frames=pixels,
            classes=tensor(classes),
            displacement=tensor(displacement),
            frame_numbers=tensor(numbers),
            flipped=tensor(flipped),
            videos=tuple(self.sources[c.video].path for c in clips),
            games=tuple(self.sources[c.video].game for c in clips),
            clip_ids=tensor(np.array([c.position for c in clips], dtype=np.int64)),
        )

    def _check_against_plan(self, clips: list[PlannedClip], labels: np.ndarray, numbers: np.ndarray) -> None:
        for clip, label, delivered in zip(clips, labels, numbers, strict=True):
            path = self.sources[clip.video].path
            if int(label) != clip.position:
                raise VideoError(
                    f"{path}: DALI delivered clip {int(label)} where clip {clip.position} was planned"
                )
            planned = clip.frame_numbers(self.spec.sequence_length, self.spec.stride)
            if not np.array_equal(delivered, planned):
                raise VideoError(
                    f"{path}: DALI delivered frames {delivered[0]}..{delivered[-1]} "
                    f"for the clip planned at {planned[0]}..{planned[-1]}"
                )

    def close(self) -> None:
        """Remove the loader's temporary symlink folder."""
        self.links.close()

    def __enter__(self) -> ClipLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def output_size(games: Sequence[Game], size: tuple[int, int], *, keep_aspect: bool) -> tuple[int, int]:
    """(height, width) of delivered frames; with ``keep_aspect`` the width follows the video's aspect."""
    height, width = size
    if keep_aspect:
        info = games[0].videos[0].info
        width = 2 * round(height * info.width / info.height / 2)  # even, as video tools prefer
    if height < 8 or width < 8:
        raise ValueError(f"frames must be at least 8x8 pixels, got {height}x{width}")
    return height, width


def cuda_device_id(device: Device, device_id: int | None) -> int | None:
    """The CUDA device a GPU pipeline runs on; a clear error when there is none."""
    if device == "cpu":
        return None
    import torch

    if not torch.cuda.is_available():
        raise DudekError(
            "device 'gpu' was asked but no CUDA GPU is visible (use device 'cpu' with VP9 video)"
        )
    return torch.cuda.current_device() if device_id is None else device_id


def create_clip_loader(
    games: Sequence[Game],
    *,
    device: Device = "cpu",
    clip_frames: int = 80,
    stride: int = 2,
    overlap: int = 68,
    size: tuple[int, int] = (224, 224),
    keep_aspect: bool = False,
    augment: AugmentConfig | None = None,
    enforce_epoch_size: int | None = None,
    even_choice_proba: float = 0.0,
    shuffle: bool = True,
    batch_size: int = 4,
    num_threads: int = 2,
    prefetch: int = 2,
    seed: int = 0,
    rank: int = 0,
    world_size: int = 1,
    displacement: int = 4,
    label_set: LabelSet | None = None,
    validate: bool = True,
    device_id: int | None = None,
) -> ClipLoader:
    """A DALI clip loader over ``games`` (both layouts, 224p or 720p; see the module docstring).

    ``augment=None`` means the seed's training augmentations (:class:`AugmentConfig`); pass
    ``AugmentConfig.off()`` (and usually ``shuffle=False``) for evaluation. ``size`` is
    (height, width); ``keep_aspect`` keeps the height and derives the width from the video.
    Every video is checked first (:func:`validate_videos`): bad files raise a
    :class:`VideoError` naming the file before any decoding starts.
    """
    device = check_device(device)
    if not games:
        raise ValueError("no games to load clips from")
    if batch_size < 1 or num_threads < 1 or prefetch < 1:
        raise ValueError("batch_size, num_threads and prefetch must be >= 1")
    gpu_id = cuda_device_id(device, device_id)
    augment = AugmentConfig() if augment is None else augment
    sampling = SamplingConfig(
        clip_frames=clip_frames,
        stride=stride,
        overlap=overlap,
        epoch_size=enforce_epoch_size,
        even_choice_proba=even_choice_proba,
        shuffle=shuffle,
        seed=seed,
        rank=rank,
        world_size=world_size,
        augment=augment,
    )
    sources = video_sources(games, label_set=label_set)
    if validate:
        checked = validate_videos(games, device=device, min_frames=clip_span(clip_frames, stride))
        sources = [replace(s, num_frames=checked[s.path].num_frames) for s in sources]
    spec = GraphSpec(
        device=device,
        size=output_size(games, size, keep_aspect=keep_aspect),
        sequence_length=clip_frames,
        stride=stride,
        batch_size=batch_size,
        num_threads=num_threads,
        augment=augment,
        prefetch=prefetch,
    )
    encoder = TargetEncoder(label_set or games[0].label_set, displacement)
    return ClipLoader(sampler=ClipSampler(sources, sampling), spec=spec, encoder=encoder, device_id=gpu_id)
