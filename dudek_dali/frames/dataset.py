"""The torch Dataset behind the frame loader: one planned clip -> its JPEGs and its targets.

Runs in DataLoader workers, so it does only what parallelises well on the CPU: reading and
decoding JPEGs (libjpeg-turbo through torchvision) and encoding targets (numpy). Frames leave it
as uint8, four times smaller than float, to be pinned, moved and augmented on the loader's device.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.frames.layout import NAME_WIDTH, frame_file_name
from dudek_dali.frames.segments import FrameSegment


@dataclass(frozen=True)
class ClipRequest:
    """One clip to read: a segment, its first frame in segment coordinates, the flip, its plan id."""

    segment: int
    start: int
    flip: bool
    clip_id: int


class ClipFramesDataset(Dataset):
    """Item ``i`` of the current plan as a dict of tensors (see :func:`collate_clips`)."""

    def __init__(
        self,
        segments: Sequence[FrameSegment],
        *,
        clip_frames: int,
        stride: int,
        encoder: TargetEncoder,
    ) -> None:
        self.segments = list(segments)
        self.clip_frames = clip_frames
        self.stride = stride
        self.encoder = encoder
        self.requests: list[ClipRequest] = []

    def __len__(self) -> int:
        return len(self.requests)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        request = self.requests[index]
        item = self.segments[request.segment]
        # Targets are encoded in segment coordinates (segments have shifted events).
        local = request.start + self.stride * np.arange(self.clip_frames, dtype=np.int64)
        targets = self.encoder.encode(item.entry.events, local, stride=self.stride, flipped=request.flip)
        frame_numbers = local + item.offset
        return {
            "frames": read_frames(item.folder.path, frame_numbers, name_width=item.folder.name_width),
            "classes": torch.from_numpy(targets.classes),
            "displacement": torch.from_numpy(targets.displacement),
            "frame_numbers": torch.from_numpy(frame_numbers),
            "flipped": torch.tensor(request.flip),
            "clip_ids": torch.tensor(request.clip_id, dtype=torch.int64),
            "index": torch.tensor(index, dtype=torch.int64),
        }


def read_frames(folder: Path, frame_numbers: np.ndarray, *, name_width: int = NAME_WIDTH) -> torch.Tensor:
    """``(T, 3, H, W)`` uint8 RGB frames of ``folder`` by original frame number.

    ``name_width`` is the folder's naming (its manifest's): 6 digits, or 0 for dude-k's ``123.jpg``.

    Decoded with Pillow (libjpeg-turbo): torchvision's ``decode_jpeg`` is a little faster and gives
    the same pixels, but it is deprecated from torchvision 0.29 on.
    """
    from PIL import Image

    frames = np.empty((len(frame_numbers), 0, 0, 3), dtype=np.uint8)
    for i, number in enumerate(frame_numbers.tolist()):
        path = folder / frame_file_name(number, name_width)
        try:
            with Image.open(path) as image:
                pixels = np.asarray(image.convert("RGB"))
        except FileNotFoundError:
            raise DatasetError(
                f"{folder}: frame {path.name} is missing; run `dudek extract-frames` again to redo the folder"
            ) from None
        except OSError as err:
            raise DatasetError(f"{path}: unreadable JPEG ({err}); run `dudek extract-frames` again") from None
        if i == 0:
            frames = np.empty((len(frame_numbers), *pixels.shape), dtype=np.uint8)
        frames[i] = pixels
    return torch.from_numpy(frames).permute(0, 3, 1, 2)


def collate_clips(items: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Stack the items' tensors along a new batch dimension."""
    return {key: torch.stack([item[key] for item in items]) for key in items[0]}
