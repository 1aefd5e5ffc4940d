"""DALI's whole-game reader for inference: every window of every video of a game, tail included.

DALI reads each video once, front to back, as consecutive chunks of ``chunk_frames`` sampled
frames (``filenames=[video]``, ``step = chunk_frames * stride``; the reader's last chunk is
padded by DALI and its padding dropped); :class:`~dudek_dali.clips.GameReader` cuts the
overlapping windows from them. No augmentation. Labelled games also get their targets (for a
validation loss).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.videos import VideoEntry, video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.pipelines.clip_loader import output_size, pipeline_device
from dudek_dali.pipelines.decode_errors import decode_error
from dudek_dali.pipelines.environment import start_failure
from dudek_dali.pipelines.graph import READER, GraphSpec, build_pipeline
from dudek_dali.pipelines.links import shared_links
from dudek_dali.pipelines.torch_output import to_numpy, to_torch
from dudek_dali.pipelines.validation import dali_backend, validate_videos
from dudek_dali.sizes import Size

if TYPE_CHECKING:
    import torch


class DaliGameReader(GameReader):
    """Iterates :class:`~dudek_dali.clips.ClipBatch` es of a game's consecutive windows, decoded by DALI."""

    def __init__(
        self,
        game: Game,
        config: GameReaderConfig | None = None,
        *,
        device: torch.device | str = "cpu",
        size: Size = (224, 224),
        targets: TargetEncoder | None = None,
        num_threads: int = 2,
        validate: bool = True,
    ) -> None:
        self.game = game
        self.device = pipeline_device(device)  # where batches land; a CUDA device decodes with NVDEC
        backend = dali_backend(self.device)
        self.config = config or GameReaderConfig()
        self.encoder = targets or TargetEncoder(game.label_set)
        checked = validate_videos([game], backend=backend) if validate else None
        self.videos: list[VideoEntry] = video_entries(
            [game], label_set=self.encoder.label_set, checked=checked
        )
        self.spec = GraphSpec(
            backend=backend,
            device_id=self.device.index,
            size=output_size(size),
            sequence_length=self.config.chunk_frames,
            stride=self.config.stride,
            batch_size=self.config.chunks_per_run,
            num_threads=num_threads,
        )

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """(frames (n, C, H, W), frame numbers (n,)) of consecutive chunks of one video."""
        entry = self.videos[video]
        links = shared_links()  # the same link every pass: DALI reuses its frame index
        reader = {
            "filenames": [str(links.link(entry.path))],
            "labels": [video],  # the reader outputs labels only when given some
            "step": self.config.chunk_frames * self.config.stride,
            "pad_mode": "constant",
            "pad_last_batch": True,
        }
        try:
            pipe = build_pipeline(self.spec, reader=reader)
        except RuntimeError as err:
            raise self._failure(err, entry.path, starting=True) from None
        total, per_run = pipe.epoch_size(READER), self.spec.batch_size
        for first in range(0, total, per_run):
            try:
                frames, _labels, numbers = pipe.run()
            except RuntimeError as err:
                raise self._failure(err, entry.path, starting=first == 0) from None
            frames, numbers = to_torch(frames, device=self.device), to_numpy(numbers)
            for i in range(min(per_run, total - first)):  # the rest repeats the last chunk
                yield frames[i], numbers[i]

    def _failure(self, err: BaseException, path, *, starting: bool = False) -> Exception:
        """While ``starting`` (the pipeline's build or first run) a GPU that cannot start, else the
        decode failure of ``path``."""
        startup = start_failure(self.spec.backend) if starting else None
        return startup or decode_error(err, [path], shared_links())
