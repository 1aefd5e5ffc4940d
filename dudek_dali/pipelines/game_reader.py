"""The whole-game reader for inference: every window of every video of a game, tail included.

DALI reads each video once, front to back, as consecutive chunks of ``chunk_frames`` sampled
frames (``filenames=[video]``, ``step = chunk_frames * stride``; the reader's last chunk is
padded by DALI and its padding dropped); :mod:`.windows` cuts the overlapping windows from
them. No augmentation. Labelled games also get their targets (for a validation loss).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.pipelines.clip_loader import cuda_device_id, output_size
from dudek_dali.pipelines.decode_errors import decode_error
from dudek_dali.pipelines.graph import READER, GraphSpec, build_pipeline
from dudek_dali.pipelines.links import VideoLinks
from dudek_dali.pipelines.sampling import VideoSource, check_window, video_sources
from dudek_dali.pipelines.torch_output import to_numpy, to_torch
from dudek_dali.pipelines.validation import Device, check_device, validate_videos
from dudek_dali.pipelines.windowed_reader import WindowedReader


@dataclass(frozen=True)
class GameReaderConfig:
    clip_frames: int = 80
    stride: int = 2
    overlap: int = 68
    batch_size: int = 4  # windows per ClipBatch
    chunk_frames: int = 80  # sampled frames DALI decodes per reader sample
    chunks_per_run: int = 2  # reader samples per DALI batch (decoded in parallel threads)

    def __post_init__(self) -> None:
        check_window(clip_frames=self.clip_frames, stride=self.stride, overlap=self.overlap)
        if min(self.batch_size, self.chunk_frames, self.chunks_per_run) < 1:
            raise ValueError("batch_size, chunk_frames and chunks_per_run must be >= 1")


class GameReader(WindowedReader):
    """Iterates :class:`ClipBatch` es of consecutive windows over a game's videos, in order.

    A batch never mixes videos (a broadcast game's halves come one after the other);
    ``clip_ids`` holds each window's index within its video.
    """

    def __init__(
        self,
        game: Game,
        *,
        device: Device = "cpu",
        config: GameReaderConfig | None = None,
        size: tuple[int, int] = (224, 224),
        keep_aspect: bool = False,
        num_threads: int = 2,
        displacement: int = 4,
        label_set: LabelSet | None = None,
        validate: bool = True,
        device_id: int | None = None,
    ) -> None:
        self.game = game
        self.device = check_device(device)
        self.config = config or GameReaderConfig()
        self.device_id = cuda_device_id(self.device, device_id)
        self.sources: list[VideoSource] = video_sources([game], label_set=label_set)
        if validate:
            checked = validate_videos([game], device=self.device)
            self.sources = [replace(s, num_frames=checked[s.path].num_frames) for s in self.sources]
        self.spec = GraphSpec(
            device=self.device,
            size=output_size([game], size, keep_aspect=keep_aspect),
            sequence_length=self.config.chunk_frames,
            stride=self.config.stride,
            batch_size=self.config.chunks_per_run,
            num_threads=num_threads,
        )
        self.encoder = TargetEncoder(label_set or game.label_set, displacement)

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """(frames (n, C, H, W), frame numbers (n,)) of consecutive chunks of one video."""
        source = self.sources[video]
        with VideoLinks() as links:
            reader = {
                "filenames": [str(links.link(source.path))],
                "labels": [video],  # the reader outputs labels only when given some
                "step": self.config.chunk_frames * self.config.stride,
                "pad_mode": "constant",
                "pad_last_batch": True,
            }
            try:
                pipe = build_pipeline(self.spec, reader=reader, device_id=self.device_id)
            except RuntimeError as err:
                raise decode_error(err, [source.path], links) from None
            total, per_run = pipe.epoch_size(READER), self.spec.batch_size
            for first in range(0, total, per_run):
                try:
                    frames, _labels, numbers = pipe.run()
                except RuntimeError as err:
                    raise decode_error(err, [source.path], links) from None
                frames, numbers = to_torch(frames, device_id=self.device_id), to_numpy(numbers)
                for i in range(min(per_run, total - first)):  # the rest repeats the last chunk
                    yield frames[i], numbers[i]
