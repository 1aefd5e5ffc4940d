"""The whole-game reader over PyAV (FFmpeg): any codec, container and frame rate, on the CPU.

DALI's CPU decoder reads VP8/VP9/MJPEG only, and DALI samples by frame index; this reader decodes
whatever FFmpeg decodes (H.264, HEVC, AV1, ...), each frame once, front to back, and **samples by
time**: the model was trained on frames ``stride`` apart in 25 fps video (12.5 fps for stride 2),
so sample ``k`` is the frame shown nearest to ``k * stride / 25`` s, whatever the video's own rate
(25, 29.97, 30, 50, 59.94 fps or variable). For a 25 fps video that is exactly frame ``k * stride``,
the frames the DALI readers deliver.

Frame numbers in its batches are on that 25 fps grid (``k * stride``, what post-processing and the
challenge's positions count in); :attr:`PyAVGameReader.video_frames` maps them back to the video's
own frame numbers. Frames are resized with FFmpeg's bilinear scaler, moved as uint8 to the device the
reader delivers on, and ImageNet-normalised there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.pixels import normalize
from dudek_dali.clips.videos import VideoEntry, video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.targets import EventTable, TargetEncoder
from dudek_dali.data.video_check import Decoder, check_videos
from dudek_dali.data.video_scan import read_packets
from dudek_dali.errors import VideoError
from dudek_dali.sizes import Size, check_size

if TYPE_CHECKING:
    import torch

GRID_FPS = 25  # the rate the model's stride counts in (SoccerNet video, and the challenge's positions)
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
        self.videos: list[VideoEntry] = []
        self.video_frames: list[np.ndarray] = []  # per video: its own frame number of each grid sample
        for entry, video in zip(
            video_entries([game], label_set=self.encoder.label_set), game.videos, strict=True
        ):
            times = frame_times(video.path)
            self.video_frames.append(_grid_frames(times, stride=self.config.stride))
            # Labels are positions in ms: on the 25 fps grid they are frame ms * 25 / 1000.
            events = EventTable.from_annotations(
                video.annotations,
                label_set=self.encoder.label_set,
                fps=GRID_FPS,
                key=f"{game.url_local}#{video.half}",
            )
            grid_frames = int(np.floor(times[-1] * GRID_FPS)) + 1
            self.videos.append(replace(entry, num_frames=grid_frames, fps=float(GRID_FPS), events=events))

    def _chunks(self, video: int) -> Iterator[tuple[object, np.ndarray]]:
        """Normalised frames (n, C, H, W) on the reader's device and their grid numbers, ``chunk_frames``
        samples at a time."""
        wanted = self.video_frames[video]  # video frame of every sample, ascending
        stride, chunk = self.config.stride, self.config.chunk_frames
        frames: list[np.ndarray] = []
        numbers: list[int] = []
        k = 0
        for index, picture in enumerate(_decode(self.game.videos[video].path, self.num_threads)):
            if k < len(wanted) and wanted[k] == index:
                pixels = picture.to_ndarray(width=self.size[1], height=self.size[0], format="rgb24")
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
        return normalize(pixels.permute(0, 3, 1, 2).float())


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


def frame_times(path: Path) -> np.ndarray:
    """Presentation time (s, from the first frame) of every frame, in display order, from the packets.

    Memoised per file as it is now (resolved path, size, modification time): the reader and
    ``dudek spot`` both need them, and demuxing reads the whole file. The array is read-only.
    """
    key = Path(path).resolve()
    stat = key.stat()
    return _frame_times(key, stat.st_size, stat.st_mtime_ns, Path(path))


@lru_cache(maxsize=8)
def _frame_times(key: Path, size: int, mtime_ns: int, path: Path) -> np.ndarray:
    packets = read_packets(path)
    pts = packets.pts[packets.timed]
    if not len(pts):
        raise VideoError(f"{path}: no video frames")
    order = np.sort(pts)
    times = (order - order[0]).astype(np.float64) * float(packets.time_base)
    times.flags.writeable = False
    return times


def nearest_frames(times: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For each time in ``targets`` (s): the index of the frame (``times``: ascending, as
    :func:`frame_times` gives them) shown nearest to it, the earlier frame on a tie."""
    times, targets = np.asarray(times), np.asarray(targets, dtype=np.float64)
    last = len(times) - 1
    frames = np.clip(np.searchsorted(times, targets + 1e-9, side="right") - 1, 0, last)
    following = np.minimum(frames + 1, last)
    nearer = (frames < last) & (times[following] - targets < targets - times[frames])
    return (frames + nearer).astype(np.int64)  # the next frame where it is strictly nearer


def _grid_frames(times: np.ndarray, *, stride: int) -> np.ndarray:
    """For samples at ``k * stride / 25`` s (k = 0, 1, ... up to the last frame's time): the index of
    the frame shown nearest to each (the earlier frame on a tie)."""
    return nearest_frames(times, np.arange(0.0, times[-1] + 1e-9, stride / GRID_FPS))
