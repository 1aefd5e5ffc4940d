"""The batch every clip loader and whole-game reader yields, and how one is assembled.

One format for all of them (DALI on GPU or CPU, frame folders, PyAV) means the training loop,
inference, the preview renderer and the tests never care where the pixels came from. Targets are
always computed here, through the shared :class:`~dudek_dali.data.targets.TargetEncoder`, from the
frame numbers a loader reports delivering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.data.targets import EventTable, TargetEncoder

if TYPE_CHECKING:  # torch is imported lazily so ``dudek --help`` stays fast
    import torch

    from dudek_dali.clips.videos import VideoEntry

_TENSORS = ("frames", "classes", "displacement", "frame_numbers", "flipped", "clip_ids")


@dataclass(frozen=True)
class ClipBatch:
    """``B`` clips of ``T`` frames with their per-frame targets.

    * ``frames`` (B, T, C, H, W) float32, ImageNet-normalised, on the loader's device.
    * ``classes`` (B, T) int64 in ``0..2N`` (0 = background, team-doubled otherwise).
    * ``displacement`` (B, T) float32: offset in clip frames from a labelled frame to its event.
    * ``frame_numbers`` (B, T) int64: the original video frame of every delivered frame;
      -1 marks padding (only the whole-game readers pad, at a video's tail).
    * ``flipped`` (B,) bool: the clip was mirrored (and its targets' teams swapped).
    * ``videos`` / ``games``: the video file and the game (``league/season/match``) of each clip.
    * ``clip_ids`` (B,) int64: the clip's position in the epoch plan (training) or its window
      index in the video (whole-game readers); ties a clip back to its sampling decision.
    """

    frames: torch.Tensor
    classes: torch.Tensor
    displacement: torch.Tensor
    frame_numbers: torch.Tensor
    flipped: torch.Tensor
    videos: tuple[Path, ...]
    games: tuple[str, ...]
    clip_ids: torch.Tensor

    def __len__(self) -> int:
        return len(self.videos)

    @property
    def mask(self) -> torch.Tensor:
        """(B, T) bool: True for real frames, False for padding."""
        return self.frame_numbers >= 0

    def to(self, device: torch.device | str, *, non_blocking: bool = False) -> ClipBatch:
        """The batch with every tensor moved to ``device``."""
        moved = {name: getattr(self, name).to(device, non_blocking=non_blocking) for name in _TENSORS}
        return replace(self, **moved)


def batch_targets(
    encoder: TargetEncoder,
    events: Sequence[EventTable],
    frame_numbers: np.ndarray,
    *,
    stride: int,
    flipped: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` (B, T) int64 and ``displacement`` (B, T) float32 of B clips.

    ``frame_numbers`` (B, T) are the frames the loader delivered (-1 = padding), ``events``
    the clips' videos' event tables and ``flipped`` (B,) whether each clip was mirrored.
    """
    encoded = [
        encoder.encode(table, numbers, stride=stride, flipped=bool(flip))
        for table, numbers, flip in zip(events, frame_numbers, flipped, strict=True)
    ]
    classes = np.stack([e.classes for e in encoded]).astype(np.int64)
    displacement = np.stack([e.displacement for e in encoded]).astype(np.float32)
    return classes, displacement


_PACKED = ("classes", "displacement", "frame_numbers", "flipped", "clip_ids")
_EXACT_FLOAT32 = 2**24  # every integer below this is exact in float32


def pack_targets(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """The per-clip target arrays as one float32 block (B, 3T + 2), for one host-to-device copy.

    Integers up to 2**24 are exact in float32: class indices, frame numbers of any real game
    (2**24 frames are 186 hours at 25 fps) and plan positions all are.
    """
    for name in ("frame_numbers", "clip_ids"):
        if arrays[name].size and np.abs(arrays[name]).max() >= _EXACT_FLOAT32:
            raise ValueError(f"{name} beyond 2**24 cannot travel as float32")
    b = len(arrays["clip_ids"])
    columns = [arrays[n].reshape(b, -1).astype(np.float32) for n in _PACKED]
    return np.concatenate(columns, axis=1)


def unpack_targets(packed: torch.Tensor, frames_per_clip: int) -> dict[str, torch.Tensor]:
    """Inverse of :func:`pack_targets`, on whatever device ``packed`` is (casts run there)."""
    import torch

    t = frames_per_clip
    classes, displacement, numbers = packed[:, :t], packed[:, t : 2 * t], packed[:, 2 * t : 3 * t]
    return {
        "classes": classes.to(torch.int64),
        "displacement": displacement.contiguous(),
        "frame_numbers": numbers.to(torch.int64),
        "flipped": packed[:, 3 * t] > 0.5,
        "clip_ids": packed[:, 3 * t + 1].to(torch.int64),
    }


def make_batch(
    frames: torch.Tensor,
    *,
    entries: Sequence[VideoEntry],
    frame_numbers: np.ndarray,
    flipped: np.ndarray,
    clip_ids: np.ndarray,
    encoder: TargetEncoder,
    stride: int,
) -> ClipBatch:
    """A :class:`ClipBatch` of ``frames`` (B, T, C, H, W) with targets from the frames' numbers.

    ``entries`` holds each clip's video; every other array is per clip (``frame_numbers`` per
    frame). The frames stay where they are. On the CPU the target tensors share the numpy
    arrays' memory; on a GPU they travel as one pinned block with one asynchronous copy (not a
    pageable, synchronising copy per array), and are split and cast on the device.
    """
    import torch

    classes, displacement = batch_targets(
        encoder, [e.events for e in entries], frame_numbers, stride=stride, flipped=flipped
    )
    arrays = {
        "classes": classes,
        "displacement": displacement,
        "frame_numbers": np.asarray(frame_numbers, dtype=np.int64),
        "flipped": np.asarray(flipped, dtype=bool),
        "clip_ids": np.asarray(clip_ids, dtype=np.int64),
    }
    if frames.device.type == "cpu":
        targets = {k: torch.from_numpy(v) for k, v in arrays.items()}
    else:
        block = torch.from_numpy(pack_targets(arrays)).pin_memory()
        targets = unpack_targets(block.to(frames.device, non_blocking=True), frames.shape[1])
    return ClipBatch(
        frames=frames,
        videos=tuple(e.path for e in entries),
        games=tuple(e.game for e in entries),
        **targets,
    )
