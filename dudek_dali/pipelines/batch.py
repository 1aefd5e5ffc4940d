"""The batch every clip loader yields (DALI on GPU or CPU, and the frame-folder loader).

One format for all loaders means the training loop, the preview renderer and the tests never
care where the pixels came from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported lazily so ``dudek --help`` stays fast
    import torch


@dataclass(frozen=True)
class ClipBatch:
    """``B`` clips of ``T`` frames with their per-frame targets.

    * ``frames`` (B, T, C, H, W) float32, ImageNet-normalised, on the loader's device.
    * ``classes`` (B, T) int64 in ``0..2N`` (0 = background, team-doubled otherwise).
    * ``displacement`` (B, T) float32: offset in clip frames from a labelled frame to its event.
    * ``frame_numbers`` (B, T) int64: the original video frame of every delivered frame;
      -1 marks padding (only the whole-game reader pads, at a video's tail).
    * ``flipped`` (B,) bool: the clip was mirrored (and its targets' teams swapped).
    * ``videos`` / ``games``: the video file and the game (``league/season/match``) of each clip.
    * ``clip_ids`` (B,) int64: the clip's position in the epoch plan (training) or its window
      index in the video (whole-game reader); ties a clip back to its sampling decision.
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
        return replace(
            self,
            **{
                name: getattr(self, name).to(device, non_blocking=non_blocking)
                for name in ("frames", "classes", "displacement", "frame_numbers", "flipped", "clip_ids")
            },
        )
