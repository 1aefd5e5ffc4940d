"""A model that cannot be wrong: it reads the frame index stamped into every frame and answers with
the shared target encoder's targets, so any error downstream (windows, sampling, post-processing,
frame rates) shows as a score below 1."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD
from dudek_dali.data.synthetic import read_frame_index
from dudek_dali.data.targets import EventTable, TargetEncoder


class Output(NamedTuple):
    class_logits: torch.Tensor
    displacement: torch.Tensor


class FrameIndexOracle(torch.nn.Module):
    """Reads the stamped frame index of every frame and returns the encoder's targets as logits."""

    def __init__(self, game, *, stride: int, flip_aware: bool = False) -> None:
        super().__init__()
        video = game.videos[0]
        self.events = EventTable.from_annotations(video.annotations, label_set=game.label_set, fps=video.fps)
        self.encoder = TargetEncoder(game.label_set, displacement=2)
        self.stride = stride
        self.flip_aware = flip_aware
        self.mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1) * 255
        self.std = torch.tensor(IMAGENET_STD).view(3, 1, 1) * 255

    def forward(self, frames: torch.Tensor) -> Output:
        logits, offsets = [], []
        for clip in frames:
            flipped = self.flip_aware and self._is_flipped(clip)
            pixels = clip.flip(-1) if flipped else clip
            numbers = np.array([self._index(f) for f in pixels])
            targets = self.encoder.encode(self.events, numbers, stride=self.stride, flipped=flipped)
            logits.append(torch.nn.functional.one_hot(torch.from_numpy(targets.classes), 25).float() * 20)
            offsets.append(torch.from_numpy(targets.displacement))
        return Output(torch.stack(logits), torch.stack(offsets))

    def _index(self, frame: torch.Tensor) -> int:
        rgb = (frame * self.std + self.mean).permute(1, 2, 0).numpy()
        try:
            return read_frame_index(rgb)
        except ValueError:
            return -1  # padding frames are black

    def _is_flipped(self, clip: torch.Tensor) -> bool:
        return self._index(clip[0]) < 0 and self._index(clip[0].flip(-1)) >= 0
