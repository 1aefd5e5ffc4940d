"""The DALI training clip loader: DALI decodes the planned clips, augments them and hands them to torch.

Each epoch gets a fresh DALI pipeline built from that epoch's plan
(:mod:`dudek_dali.clips.sampling`): one file-list line ``<link> <plan position> <start> <end>``
per clip, read in order with ``step`` larger than any video, so DALI returns exactly one clip per
line and the clip's label is its plan position. That makes the epoch order exactly the plan's
order, so a run is reproducible and resumable with :meth:`~dudek_dali.clips.EpochPlanLoader.set_epoch`.

**Building is not free on real games**: DALI's reader opens the video for every file-list line
when the pipeline is built, in time proportional to the file's length (9.3 ms a line on a
45-minute file: a 6000-clip epoch would hold the GIL for a minute). Long videos are therefore
read through short segment files (:mod:`.segments`, ~0.5 ms a line); clip starts are mapped into
a segment and DALI's frame numbers back out. (Building the next epoch's pipeline in a background
thread was measured and dropped: DALI's ``Build`` holds the GIL, so training stalls just as long.)

Targets are computed in Python from the frame numbers DALI reports through the shared
:class:`~dudek_dali.data.targets.TargetEncoder`. Every batch is checked against the plan
(labels and frame numbers): a mismatch raises instead of training on a wrong clip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dudek_dali.clips.batch import ClipBatch, make_batch
from dudek_dali.clips.loader import EpochPlanLoader
from dudek_dali.clips.sampling import ClipSampler, PlannedClip, SamplingConfig, clip_span
from dudek_dali.clips.videos import video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DudekError, VideoError
from dudek_dali.pipelines.decode_errors import decode_error
from dudek_dali.pipelines.environment import start_failure
from dudek_dali.pipelines.graph import READER, GraphSpec, augment_arrays, build_pipeline, needed_params
from dudek_dali.pipelines.links import VideoLinks, shared_links
from dudek_dali.pipelines.segments import SEGMENT_FRAMES, SegmentedVideo, segmented
from dudek_dali.pipelines.torch_output import to_numpy, to_torch
from dudek_dali.pipelines.validation import check_video, dali_backend, validate_videos
from dudek_dali.sizes import Size, check_size

if TYPE_CHECKING:
    import torch

# DALI 2.4 yields a sequence from a frames range only when the range holds
# sequence_length * stride frames (not just the clip's span, (T - 1) * stride + 1), so a
# line's (exclusive) end is start + T * stride; an end past the video's last frame is fine as
# long as the clip's own frames exist.
_HUGE_STEP = 10**8  # larger than any video: one clip per file-list line


class DaliClipLoader(EpochPlanLoader):
    """Iterates one epoch of :class:`ClipBatch` at a time; use :func:`create_dali_loader`."""

    def __init__(
        self,
        sampler: ClipSampler,
        *,
        spec: GraphSpec,
        encoder: TargetEncoder,
        device: torch.device,
        segmented: dict[int, SegmentedVideo] | None = None,
    ) -> None:
        super().__init__(sampler, batch_size=spec.batch_size)
        self.segmented = segmented or {}  # video index -> its segment files
        self.spec = spec
        self.encoder = encoder
        self.device = device  # where batches land: the pipeline's CUDA device, or the CPU
        self.links = shared_links()
        self._lists = VideoLinks(prefix="dudek-dali-lists-")  # this loader's file lists

    def __iter__(self) -> Iterator[ClipBatch]:
        plan = self.remaining_plan()
        if not plan:
            return
        pipe = self._build(plan)
        try:
            for i, clips in enumerate(self.batches(plan)):
                try:
                    outputs = pipe.run()
                except RuntimeError as err:  # how DALI reports decoding and operator failures
                    first = i * self.batch_size
                    ahead = plan[first : first + self.batch_size * (1 + self.spec.prefetch)]
                    raise self._failure(err, ahead, starting=i == 0) from None
                yield self._batch(clips, *outputs)
        finally:
            del pipe  # frees decoder threads and buffers even when the caller stops early

    def _where(self, clip: PlannedClip) -> tuple[Path, int]:
        """The file a clip is read from and the video frame that file's frame 0 is."""
        video = self.segmented.get(clip.video)
        if video is None:
            return self.videos[clip.video].path, 0
        segment = video.locate(clip.start, self.spec.sequence_length * self.spec.stride)
        return segment.path, segment.first_frame

    def _build(self, plan: list[PlannedClip]):
        end = self.spec.sequence_length * self.spec.stride
        lines = []
        for c in plan:
            path, first = self._where(c)
            lines.append(f"{self.links.link(path)} {c.position} {c.start - first} {c.start - first + end}")
        file_list = self._lists.write_text(f"epoch{self.epoch}.txt", "\n".join(lines) + "\n")
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
            pipe = build_pipeline(self.spec, reader=reader, params=params)
        except RuntimeError as err:
            raise self._failure(err, plan, starting=True) from None
        found = pipe.epoch_size(READER)
        if found != len(plan):  # DALI skips files it cannot open instead of failing
            raise self._failure(f"it found {found} of the {len(plan)} planned clips", plan)
        return pipe

    def _failure(
        self, err: BaseException | str, clips: list[PlannedClip], *, starting: bool = False
    ) -> DudekError:
        """While ``starting`` (the pipeline's build or first run) a GPU that cannot start (driver,
        CUDA builds, NVDEC); else the videos that fail their checks again now, else every video
        the clips read."""
        startup = start_failure(self.spec.backend) if starting else None
        if startup is not None:
            return startup
        videos = list(dict.fromkeys(self.videos[c.video].path for c in clips))
        span = clip_span(self.spec.sequence_length, self.spec.stride)
        broken = []
        for video in videos:
            try:
                check_video(video, backend=self.spec.backend, min_frames=span)
            except VideoError as problem:
                broken.append((video, problem))
        if len(broken) == 1:  # the checks explain it better than DALI
            return VideoError(f"{broken[0][1]} (found while decoding)")
        return decode_error(err, [v for v, _ in broken] or videos, self.links)

    def _batch(self, clips: list[PlannedClip], frames: Any, labels: Any, numbers: Any) -> ClipBatch:
        count = len(clips)
        labels = to_numpy(labels).reshape(-1)[:count]
        offsets = np.array([self._where(c)[1] for c in clips], dtype=np.int64)[:, None]
        numbers = to_numpy(numbers)[:count].astype(np.int64) + offsets
        self._check_against_plan(clips, labels, numbers)
        return make_batch(
            to_torch(frames, device=self.device)[:count],
            entries=[self.videos[c.video] for c in clips],
            frame_numbers=numbers,
            flipped=np.array([c.augment.flip for c in clips]),
            clip_ids=np.array([c.position for c in clips], dtype=np.int64),
            encoder=self.encoder,
            stride=self.spec.stride,
        )

    def _check_against_plan(self, clips: list[PlannedClip], labels: np.ndarray, numbers: np.ndarray) -> None:
        for clip, label, delivered in zip(clips, labels, numbers, strict=True):
            path = self.videos[clip.video].path
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
        """Remove the loader's file lists."""
        self._lists.close()


def output_size(size: Size) -> Size:
    """(height, width) of delivered frames, checked."""
    return check_size(size, minimum=8)


def pipeline_device(device: torch.device | str) -> torch.device:
    """The torch device a pipeline delivering on ``device`` runs on: a CUDA device gets its index
    (the current one when none is given), which DALI's ``device_id`` needs. A resolved device
    (:class:`~dudek_dali.sources.Source` holds one) passes through unchanged."""
    import torch

    device = torch.device(device)
    if device.type == "cuda" and device.index is None:
        if not torch.cuda.is_available():
            raise start_failure("gpu") or DudekError("no CUDA device is visible; deliver on the CPU")
        return torch.device("cuda", torch.cuda.current_device())
    return device


def create_dali_loader(
    games: Sequence[Game],
    sampling: SamplingConfig | None = None,
    *,
    device: torch.device | str = "cpu",
    size: Size = (224, 224),
    batch_size: int = 4,
    targets: TargetEncoder | None = None,
    num_threads: int = 2,
    prefetch: int = 2,
    validate: bool = True,
    segment_frames: int | None = SEGMENT_FRAMES,
) -> DaliClipLoader:
    """A DALI clip loader over ``games`` (both layouts, 224p or 720p; see the module docstring).

    ``sampling`` says which clips each epoch reads and how they are augmented (default:
    :class:`~dudek_dali.clips.SamplingConfig`, every window once with the training
    augmentations); pass ``SamplingConfig(augment=AugmentConfig.off(), shuffle=False)`` for
    evaluation. ``device`` is where batches land: a CUDA device decodes there (NVDEC, DALI's GPU
    backend), the CPU uses DALI's CPU backend. ``size`` is (height, width) of the delivered
    frames; ``targets`` encodes the per-frame targets (default: the games' label set,
    displacement 4). Every video is checked
    first (:func:`~dudek_dali.pipelines.validate_videos`): bad files raise a
    :class:`~dudek_dali.errors.VideoError` naming the file before any decoding starts.
    Videos of at least ``4 * segment_frames`` frames are read through segment files of that many
    frames (:mod:`.segments`; ``None``: never).
    """
    sampling = sampling or SamplingConfig()
    if not games:
        raise ValueError("no games to load clips from")
    if batch_size < 1 or num_threads < 1 or prefetch < 1:
        raise ValueError("batch_size, num_threads and prefetch must be >= 1")
    device = pipeline_device(device)
    backend = dali_backend(device)
    encoder = targets or TargetEncoder(games[0].label_set)
    min_frames = clip_span(sampling.clip_frames, sampling.stride)
    checked = validate_videos(games, backend=backend, min_frames=min_frames) if validate else None
    videos = video_entries(games, label_set=encoder.label_set, checked=checked)
    spec = GraphSpec(
        backend=backend,
        device_id=device.index,
        size=output_size(size),
        sequence_length=sampling.clip_frames,
        stride=sampling.stride,
        batch_size=batch_size,
        num_threads=num_threads,
        augment=sampling.augment,
        prefetch=prefetch,
    )
    window = sampling.clip_frames * sampling.stride
    long_videos = {
        i: segmented(v.path, span=window, length=segment_frames)
        for i, v in enumerate(videos)
        if segment_frames is not None and v.num_frames >= 4 * segment_frames
    }
    return DaliClipLoader(
        ClipSampler(videos, sampling), spec=spec, encoder=encoder, device=device,
        segmented={i: s for i, s in long_videos.items() if s is not None},
    )  # fmt: skip
