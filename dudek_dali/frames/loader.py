"""The frame-folder clip loader: the DALI ClipLoader's interface, reading extracted JPEGs.

Same sampling (:class:`~dudek_dali.pipelines.sampling.ClipSampler`: windows, epoch plan,
even choice, sharding), same per-clip augmentation parameters (drawn by the plan), same target
encoder and same :class:`~dudek_dali.pipelines.batch.ClipBatch` as the DALI loader, so the trainer
cannot tell them apart. The work is split where each part runs best:

* DataLoader workers read and decode JPEGs and encode targets (CPU, in parallel);
* batches of uint8 frames are pinned (when the device is CUDA) and copied asynchronously;
* augmentation runs in torch on the batch's device (:mod:`.augment`), one clip at a time, since
  each clip has its own crop, camera path and colours.

Frames on disk were resized once at extraction (e.g. 398x224 -> 224x224); the crop box of an
augmented clip is taken from those frames, where DALI takes it from the decoded video, so crops
are resampled from fewer pixels: the same region, slightly softer. Without augmentation the two
loaders differ only by the JPEG coding of the frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.frames.augment import augment_clip
from dudek_dali.frames.dataset import ClipFramesDataset, ClipRequest, collate_clips
from dudek_dali.frames.sources import FrameSource, frame_sources
from dudek_dali.pipelines.augment_params import AugmentConfig
from dudek_dali.pipelines.batch import ClipBatch
from dudek_dali.pipelines.sampling import ClipSampler, PlannedClip, SamplingConfig


class FrameClipLoader:
    """Iterates one epoch of :class:`ClipBatch` per ``iter()``; use :func:`create_frame_loader`."""

    def __init__(
        self,
        sources: Sequence[FrameSource],
        sampling: SamplingConfig,
        *,
        encoder: TargetEncoder,
        device: torch.device,
        size: tuple[int, int],
        batch_size: int,
        num_workers: int,
    ) -> None:
        self.sources = list(sources)
        self.sampler = ClipSampler([s.source for s in self.sources], sampling)
        self.device = torch.device(device)
        self.size = tuple(size)
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.dataset = ClipFramesDataset(
            self.sources, clip_frames=sampling.clip_frames, stride=sampling.stride, encoder=encoder
        )
        self.epoch = 0
        self.start_batch = 0

    def set_epoch(self, epoch: int, *, start_batch: int = 0) -> None:
        """Choose the epoch the next iteration plans; ``start_batch`` skips its first batches."""
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        if start_batch < 0:
            raise ValueError(f"start_batch must be >= 0, got {start_batch}")
        self.epoch = epoch
        self.start_batch = start_batch

    def plan(self) -> list[PlannedClip]:
        return self.sampler.plan(self.epoch)

    @property
    def num_clips(self) -> int:
        """Clips this rank reads per epoch."""
        return len(self.sampler)

    def __len__(self) -> int:
        """Batches per epoch (the last one may be smaller)."""
        return math.ceil(self.num_clips / self.batch_size)

    def __iter__(self) -> Iterator[ClipBatch]:
        plan = self.plan()[self.start_batch * self.batch_size :]
        if not plan:
            return
        # A fresh DataLoader per epoch: its workers start with this epoch's requests.
        self.dataset.requests = [
            ClipRequest(source=c.video, start=c.start, flip=c.augment.flip, clip_id=c.position) for c in plan
        ]
        loader = DataLoader(
            self.dataset,
            batch_size=self.batch_size,
            shuffle=False,  # the plan is already in reading order
            num_workers=self.num_workers,
            collate_fn=collate_clips,
            pin_memory=self.device.type == "cuda",
        )
        try:
            for batch in loader:
                yield self._to_clip_batch(batch, plan)
        except DatasetError as err:
            raise DatasetError(_without_worker_traceback(str(err))) from None

    def _to_clip_batch(self, batch: dict[str, torch.Tensor], plan: list[PlannedClip]) -> ClipBatch:
        def move(name: str) -> torch.Tensor:
            return batch[name].to(self.device, non_blocking=True)

        clips = [plan[int(i)] for i in batch["index"]]
        frames = move("frames")
        augmented = [augment_clip(f, c.augment, size=self.size) for f, c in zip(frames, clips, strict=True)]
        return ClipBatch(
            frames=torch.stack(augmented),
            classes=move("classes"),
            displacement=move("displacement"),
            frame_numbers=move("frame_numbers"),
            flipped=move("flipped"),
            videos=tuple(Path(self.sources[c.video].source.path) for c in clips),
            games=tuple(self.sources[c.video].source.game for c in clips),
            clip_ids=move("clip_ids"),
        )

    def close(self) -> None:
        """Nothing to release (workers end with each epoch); here for ClipLoader's interface."""

    def __enter__(self) -> FrameClipLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _without_worker_traceback(message: str) -> str:
    """A DataLoader worker's error comes back as "Caught ... Original Traceback ...": keep our line."""
    last = message.strip().splitlines()[-1]
    return last.split("DatasetError: ", 1)[-1]


def create_frame_loader(
    games: Sequence[Game],
    *,
    device: torch.device | str = "cpu",
    clip_frames: int = 80,
    stride: int = 2,
    overlap: int = 68,
    size: tuple[int, int] = (224, 224),
    augment: AugmentConfig | None = None,
    enforce_epoch_size: int | None = None,
    even_choice_proba: float = 0.0,
    shuffle: bool = True,
    batch_size: int = 4,
    num_workers: int = 2,
    seed: int = 0,
    rank: int = 0,
    world_size: int = 1,
    displacement: int = 4,
    label_set: LabelSet | None = None,
) -> FrameClipLoader:
    """A clip loader over the games' extracted frame folders, interchangeable with the DALI one.

    Options mean what they mean for :func:`~dudek_dali.pipelines.create_clip_loader`: ``size``
    is (height, width) of the delivered frames, ``augment=None`` means the seed's training
    augmentations (pass ``AugmentConfig.off()`` for evaluation). ``num_workers`` DataLoader
    processes decode JPEGs (0: in this process). Raises :class:`~dudek_dali.errors.DatasetError`
    naming the folder when a video's frames were not (completely) extracted.
    """
    if not games:
        raise ValueError("no games to load clips from")
    if batch_size < 1 or num_workers < 0:
        raise ValueError(f"need batch_size >= 1 and num_workers >= 0, got {batch_size} and {num_workers}")
    if len(size) != 2 or min(size) < 8:
        raise ValueError(f"size must be (height, width) with sides >= 8, got {size}")
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
        augment=AugmentConfig() if augment is None else augment,
    )
    label_set = label_set or games[0].label_set
    return FrameClipLoader(
        frame_sources(games, stride=stride, label_set=label_set),
        sampling,
        encoder=TargetEncoder(label_set, displacement),
        device=torch.device(device),
        size=tuple(size),
        batch_size=batch_size,
        num_workers=num_workers,
    )
