"""The whole-game reader over PyAV (FFmpeg): any codec, container and frame rate, on the CPU.

DALI's CPU decoder reads VP8/VP9/MJPEG only, and DALI samples by frame index; this reader decodes
whatever FFmpeg decodes (H.264, HEVC, AV1, ...), each frame once, front to back, and **samples by
time** (:mod:`dudek_dali.clips.time_grid`: sample ``k`` is the frame shown nearest to
``k * stride / 25`` s, whatever the video's own rate), with the frame times from a packet scan
(:func:`~dudek_dali.data.video_scan.frame_times`).

Frame numbers in its batches are on that 25 fps grid; :attr:`PyAVGameReader.video_frames` maps them
back to the video's own frame numbers. Frames are resized with FFmpeg's bilinear scaler (one kept
scaler per video, :class:`~dudek_dali.pyav.rgb.RgbScaler`), moved as uint8 to the device the reader
delivers on, and ImageNet-normalised there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.pixels import normalize
from dudek_dali.clips.time_grid import grid_videos
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.data.video_check import Decoder, check_videos
from dudek_dali.data.video_scan import frame_times
from dudek_dali.errors import VideoError
from dudek_dali.pyav.rgb import RgbScaler
from dudek_dali.sizes import Size, check_size

if TYPE_CHECKING:
    import torch

DECODER = Decoder("by PyAV")


class PyAVGameReader(GameReader):
    """Iterates :class:`~dudek_dali.clips.ClipBatch` es of a game's consecutive windows, decoded by PyAV."""

    def __init__(
        self,
        game: Game,
        config: GameReaderConfig | None = None,
        *,
        size: Size = (224, 224),
        targets: TargetEncoder | None = None,
        num_threads: int = 2,
        validate: bool = True,
        device: torch.device | str = "cpu",
    ) -> None:
        import torch

        self.game = game
        self.device = torch.device(device)
        self.config = config or GameReaderConfig()
        self.size = check_size(size, minimum=8)
        self.num_threads = max(1, num_threads)
        self.encoder = targets or TargetEncoder(game.label_set)
        if validate:
            check_videos([game], decoder=DECODER, check_resolution=False, require_constant_rate=False)
        # video_frames: per video, its own frame number of each grid sample
        self.videos, self.video_frames = grid_videos(
            game, [frame_times(v.path) for v in game.videos], stride=self.config.stride,
            label_set=self.encoder.label_set,
        )  # fmt: skip

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """Normalised frames (n, C, H, W) on the reader's device and their grid numbers, ``chunk_frames``
        samples at a time."""
        wanted = self.video_frames[video]  # video frame of every sample, ascending
        stride, chunk = self.config.stride, self.config.chunk_frames
        frames: list[np.ndarray] = []
        numbers: list[int] = []
        k = 0
        rgb = RgbScaler(self.size)
        for index, picture in enumerate(_decode(self.game.videos[video].path, self.num_threads)):
            if k < len(wanted) and wanted[k] == index:
                pixels = rgb(picture)
            while k < len(wanted) and wanted[k] == index:  # a frame may serve several samples (low fps)
                frames.append(pixels)
                numbers.append(k * stride)
                k += 1
                if len(frames) == chunk:
                    yield self._tensor(frames), np.array(numbers, dtype=np.int64)
                    frames, numbers = [], []
            if k == len(wanted):
                break
        if frames:
            yield self._tensor(frames), np.array(numbers, dtype=np.int64)

    def _tensor(self, frames: list[np.ndarray]) -> torch.Tensor:
        """The chunk's uint8 frames moved to the device as they are (a quarter of float32's bytes),
        then made float and normalised there."""
        import torch

        pixels = torch.from_numpy(np.stack(frames)).to(self.device, non_blocking=True)
        return normalize(pixels.permute(0, 3, 1, 2))


def _decode(path: Path, threads: int):
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            stream.thread_count = threads
            yield from container.decode(stream)
    except av.FFmpegError as err:
        raise VideoError(f"{path}: cannot decode ({err})") from None
