"""The whole-game reader over frame folders: a :class:`~dudek_dali.clips.GameReader` reading JPEGs.

Inference and validation need every window of a game, tail included. This reader cuts them from
the extracted JPEGs with the same window assembly as every reader (:mod:`dudek_dali.clips.windows`)
and target encoding, so scores computed from frame folders line up window for window with those
from video. Only folders holding every grid frame can serve it (SN-BAS-2025 games, or any game
extracted with ``--save-all``): a broadcast folder of annotation windows cannot.

JPEGs are decoded by a small thread pool a few chunks ahead (Pillow releases the GIL while it
decodes); memory stays bounded at ``prefetch`` chunks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import torch

from dudek_dali.clips.augment import ClipAugment
from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.torch_augment import augment_clip
from dudek_dali.clips.videos import VideoEntry, video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.frames.dataset import read_frames
from dudek_dali.frames.folders import FrameFolder
from dudek_dali.sizes import Size, check_size

_IDENTITY = ClipAugment()


class FrameGameReader(GameReader):
    """Iterates :class:`~dudek_dali.clips.ClipBatch` es of consecutive windows over a game's frame folders."""

    def __init__(
        self,
        game: Game,
        config: GameReaderConfig | None = None,
        *,
        device: torch.device | str = "cpu",
        size: Size = (224, 224),
        targets: TargetEncoder | None = None,
        num_threads: int = 2,
        prefetch: int = 4,
    ) -> None:
        self.game = game
        self.device = torch.device(device)
        self.config = config or GameReaderConfig()
        self.size = check_size(size, minimum=8)
        self.num_threads = max(1, num_threads)
        self.prefetch = max(1, prefetch)
        self.encoder = targets or TargetEncoder(game.label_set)
        self.folders: list[FrameFolder] = []
        self.videos: list[VideoEntry] = []
        for entry in video_entries([game], label_set=self.encoder.label_set):
            folder = FrameFolder(entry.path).open(stride=self.config.stride, game=game)
            if folder.manifest.windows is not None:
                raise DatasetError(
                    f"{folder.path}: holds only frames near annotations, a whole-game reader needs every "
                    f"frame; run `dudek extract-frames DATASET --save-all --stride {self.config.stride}`"
                )
            self.folders.append(folder)
            self.videos.append(
                replace(entry, num_frames=min(entry.num_frames, folder.manifest.decoded_frames))
            )

    def _chunks(self, video: int) -> Iterator[tuple[torch.Tensor, np.ndarray]]:
        """(normalised frames (n, C, H, W) on the device, frame numbers (n,)) in video order."""
        numbers = np.arange(0, self.videos[video].num_frames, self.config.stride, dtype=np.int64)
        chunks = [
            numbers[i : i + self.config.chunk_frames]
            for i in range(0, len(numbers), self.config.chunk_frames)
        ]
        folder = self.folders[video]
        with ThreadPoolExecutor(self.num_threads) as pool:
            ahead: deque = deque()
            for chunk in chunks:
                job = pool.submit(read_frames, folder.path, chunk, name_width=folder.name_width)
                ahead.append((job, chunk))
                if len(ahead) > self.prefetch:
                    yield self._normalised(*ahead.popleft())
            while ahead:
                yield self._normalised(*ahead.popleft())

    def _normalised(self, future, chunk: np.ndarray) -> tuple[torch.Tensor, np.ndarray]:
        frames = future.result().to(self.device, non_blocking=True)
        return augment_clip(frames, _IDENTITY, size=self.size), chunk
