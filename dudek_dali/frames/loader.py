"""The frame-folder clip loader: the :class:`~dudek_dali.clips.ClipLoader` interface over extracted JPEGs.

Same sampling (:class:`~dudek_dali.clips.sampling.ClipSampler`: windows, epoch plan,
even choice, sharding), same per-clip augmentation parameters (drawn by the plan), same target
encoder and same :class:`~dudek_dali.clips.batch.ClipBatch` as the DALI loader, so the trainer
cannot tell them apart. The work is split where each part runs best:

* DataLoader workers read and decode JPEGs and encode targets (CPU, in parallel);
* batches of uint8 frames are pinned (when the device is CUDA) and copied asynchronously;
* augmentation runs in torch on the batch's device (:mod:`dudek_dali.clips.torch_augment`, shared
  with the torchcodec loader), one clip at a time, since each clip has its own crop, camera path
  and colours.

Frames on disk were resized once at extraction (e.g. 398x224 -> 224x224); the crop box of an
augmented clip is taken from those frames, where DALI takes it from the decoded video, so crops
are resampled from fewer pixels: the same region, slightly softer. Without augmentation the two
loaders differ only by the JPEG coding of the frames.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import DataLoader

from dudek_dali.clips.batch import ClipBatch
from dudek_dali.clips.loader import EpochPlanLoader
from dudek_dali.clips.sampling import ClipSampler, PlannedClip, SamplingConfig
from dudek_dali.clips.torch_augment import augment_clip
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.frames.dataset import ClipFramesDataset, ClipRequest, collate_clips
from dudek_dali.frames.segments import FrameSegment, frame_segments
from dudek_dali.sizes import Size, check_size


class FrameClipLoader(EpochPlanLoader):
    """Iterates one epoch of :class:`ClipBatch` per ``iter()``; use :func:`create_frame_loader`."""

    def __init__(
        self,
        segments: Sequence[FrameSegment],
        sampling: SamplingConfig,
        *,
        encoder: TargetEncoder,
        device: torch.device,
        size: Size,
        batch_size: int,
        num_workers: int,
    ) -> None:
        self.segments = list(segments)
        super().__init__(ClipSampler([s.entry for s in self.segments], sampling), batch_size=batch_size)
        self.device = torch.device(device)
        self.size = tuple(size)
        self.num_workers = num_workers
        self.dataset = ClipFramesDataset(
            self.segments, clip_frames=sampling.clip_frames, stride=sampling.stride, encoder=encoder
        )

    def __iter__(self) -> Iterator[ClipBatch]:
        plan = self.remaining_plan()
        if not plan:
            return
        # A fresh DataLoader per epoch: its workers start with this epoch's requests.
        self.dataset.requests = [
            ClipRequest(segment=c.video, start=c.start, flip=c.augment.flip, clip_id=c.position) for c in plan
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
            videos=tuple(self.segments[c.video].entry.path for c in clips),
            games=tuple(self.segments[c.video].entry.game for c in clips),
            clip_ids=move("clip_ids"),
        )


def _without_worker_traceback(message: str) -> str:
    """A DataLoader worker's error comes back as "Caught ... Original Traceback ...": keep our line."""
    last = message.strip().splitlines()[-1]
    return last.split("DatasetError: ", 1)[-1]


def create_frame_loader(
    games: Sequence[Game],
    sampling: SamplingConfig | None = None,
    *,
    device: torch.device | str = "cpu",
    size: Size = (224, 224),
    batch_size: int = 4,
    targets: TargetEncoder | None = None,
    num_workers: int = 2,
) -> FrameClipLoader:
    """A clip loader over the games' extracted frame folders, interchangeable with the DALI one.

    ``sampling``, ``size`` (height, width), ``batch_size`` and ``targets`` mean what they mean for
    :func:`~dudek_dali.pipelines.create_dali_loader`; ``device`` is where frames are augmented
    and delivered. ``num_workers`` DataLoader processes decode JPEGs (0: in this process).
    Raises :class:`~dudek_dali.errors.DatasetError` naming the folder when a video's frames were
    not (completely) extracted.
    """
    sampling = sampling or SamplingConfig()
    if not games:
        raise ValueError("no games to load clips from")
    if batch_size < 1 or num_workers < 0:
        raise ValueError(f"need batch_size >= 1 and num_workers >= 0, got {batch_size} and {num_workers}")
    encoder = targets or TargetEncoder(games[0].label_set)
    return FrameClipLoader(
        frame_segments(games, stride=sampling.stride, label_set=encoder.label_set),
        sampling,
        encoder=encoder,
        device=torch.device(device),
        size=check_size(size, minimum=8),
        batch_size=batch_size,
        num_workers=num_workers,
    )
