"""The whole-game reader over torchcodec: any codec, container and frame rate, on the CPU or NVDEC.

It samples **by time** exactly as the PyAV reader does (:mod:`dudek_dali.clips.time_grid`: sample
``k`` is the frame shown nearest to ``k * stride / 25`` s), from the same frame times: the
memoised packet scan :func:`~dudek_dali.data.video_scan.frame_times` (display order, no decoding;
``dudek spot`` reads them again from that cache for the video's own times, so the file is demuxed
once). The decoder opens in ``exact`` mode, so frame ``i`` is the ``i``-th in display order, the
frame time ``i`` belongs to. The chosen frames are fetched with ``get_frames_at``, a chunk at a
time in ascending order, so the decoder runs front to back and decodes each frame once.

Why not ``get_frames_played_at(k * stride / 25)``: it answers "the frame on screen at t", not the
frame nearest to t (at 30 fps, t = 0.16 s gets frame 4 at 0.133 s where frame 5 at 0.167 s is
nearer), so it would not pick the PyAV reader's frames. And not in ``approximate`` mode: there,
``get_frames_played_at`` at a frame's own timestamp returned the frame before it for 37 of 750
samples of a 1-minute H.264 MP4 with B-frames (torchcodec 0.17.0, FFmpeg 5.1); exact mode
returned every one right.

Resizing: decoding on the CPU, FFmpeg's scaler resizes inside the decoder (torchcodec's
``Resize``: bilinear, like the PyAV reader's scaler, within about 1.2 levels of its pixels). On a
1-minute 398x224 H.264 file on two busy cores, decoding with that resize inside ran at 2.2-2.4k
video frames/s (every 2nd frame delivered at 224x224), where the torch resize alone
(:func:`~dudek_dali.clips.torch_augment.augment_clip`, the frame-folder reader's) managed
0.16-0.5k frames/s. torchcodec's NVDEC backend applies no decoder transforms, so on a GPU the
frames are resized there by that torch resize. Frames land as uint8 on the reader's device and
are ImageNet-normalised there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.augment import ClipAugment
from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.pixels import normalize
from dudek_dali.clips.time_grid import grid_videos
from dudek_dali.clips.torch_augment import augment_clip
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.data.video_check import check_videos
from dudek_dali.data.video_scan import frame_times
from dudek_dali.sizes import Size, check_size
from dudek_dali.torchcodec.status import require_torchcodec
from dudek_dali.torchcodec.video import decoder_on, decoding, open_decoder

if TYPE_CHECKING:
    import torch

_IDENTITY = ClipAugment()


class TorchcodecGameReader(GameReader):
    """Iterates :class:`~dudek_dali.clips.ClipBatch` es of consecutive windows over a game, via torchcodec.

    ``device`` is where batches land; ``decode_device`` where frames are decoded (default:
    ``device``: a CUDA device decodes on its NVDEC). ``num_threads`` is FFmpeg's decoder threads.
    Frame numbers are on the 25 fps grid; :attr:`video_frames` maps them to each video's own frames.
    """

    def __init__(
        self,
        game: Game,
        config: GameReaderConfig | None = None,
        *,
        size: Size = (224, 224),
        targets: TargetEncoder | None = None,
        device: torch.device | str = "cpu",
        decode_device: torch.device | str | None = None,
        num_threads: int = 1,
        validate: bool = True,
    ) -> None:
        import torch

        require_torchcodec()
        self.game = game
        self.device = torch.device(device)
        self.decode_device = torch.device(decode_device) if decode_device is not None else self.device
        self.config = config or GameReaderConfig()
        self.size = check_size(size, minimum=8)
        self.num_threads = max(1, num_threads)
        self.encoder = targets or TargetEncoder(game.label_set)
        if validate:
            check_videos(
                [game], decoder=decoder_on(self.decode_device), check_resolution=False,
                require_constant_rate=False,
            )  # fmt: skip
        self.videos, self.video_frames = grid_videos(
            game, [frame_times(v.path) for v in game.videos], stride=self.config.stride,
            label_set=self.encoder.label_set,
        )  # fmt: skip

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """Normalised frames (n, C, H, W) on the reader's device and their grid numbers, ``chunk_frames``
        samples at a time."""
        path = self.game.videos[video].path
        on_cpu = self.decode_device.type == "cpu"
        decoder = open_decoder(
            path, device=self.decode_device, seek_mode="exact", threads=self.num_threads,
            size=self.size if on_cpu else None,
        )  # fmt: skip
        wanted = self.video_frames[video]  # the video's frame shown at each sample, ascending
        chunk, stride = self.config.chunk_frames, self.config.stride
        for first in range(0, len(wanted), chunk):
            indices = wanted[first : first + chunk]
            with decoding(path):
                pixels = decoder.get_frames_at(indices.tolist()).data.to(self.device, non_blocking=True)
            frames = normalize(pixels) if on_cpu else augment_clip(pixels, _IDENTITY, size=self.size)
            yield frames, stride * np.arange(first, first + len(indices), dtype=np.int64)

