"""Check every video before a DALI pipeline touches it.

DALI reports a bad file mid-epoch with a message that does not name it (and a dead pipeline),
or decodes past a truncated end into a confusing out-of-bounds error. So each video is checked
up front with PyAV, cheaply (headers, the first frame, the packets of the last seconds; no
full decode), and any problem is one :class:`~dudek_dali.errors.VideoError` naming the file:

* missing, empty (0 bytes), unreadable or corrupt headers, no decodable first frame;
* truncated: the last packet's time falls short of the duration the header promises;
* a codec the chosen decoder cannot read (this DALI build's CPU decoder reads only VP8, VP9
  and MJPEG; real SoccerNet video is H.264 and needs the GPU's NVDEC);
* a frame height other than the resolution asked for (e.g. 720p found where 224p was asked);
* too few frames for one clip (training only).

Damage in the middle of a file is not found without decoding everything; DALI errors raised
while decoding are re-raised by the loaders naming the files of the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.video_info import probe_video
from dudek_dali.errors import VideoError

Device = Literal["cpu", "gpu"]
DEVICES: tuple[str, ...] = ("cpu", "gpu")
# What fn.experimental.readers.video decodes (DALI 2.4 docs); NVDEC support also depends on the GPU.
CPU_CODECS = frozenset({"vp8", "vp9", "mjpeg"})
GPU_CODECS = frozenset({"h264", "hevc", "av1", "vp8", "vp9", "mjpeg"})
TAIL_SECONDS = 3.0  # how far before the end the tail check starts reading packets
TRUNCATION_TOLERANCE_S = 1.0  # container durations round; a real truncation loses far more


def check_device(device: str) -> Device:
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {device!r}")
    return device  # type: ignore[return-value]


@dataclass(frozen=True)
class CheckedVideo:
    """A video that passed the checks, with the number of frames its data really holds."""

    path: Path
    num_frames: int


def check_video(
    video: GameVideo | Path,
    *,
    device: Device,
    min_frames: int = 1,
    height: int | None = None,
) -> CheckedVideo:
    """Check one video (see the module docstring); raise :class:`VideoError` naming it."""
    path = video.path if isinstance(video, GameVideo) else Path(video)
    info = probe_video(path)  # raises VideoError for missing, empty and unreadable files
    codecs = CPU_CODECS if device == "cpu" else GPU_CODECS
    if info.codec not in codecs:
        hint = " (decode on the GPU, or transcode to VP9 for the CPU decoder)" if device == "cpu" else ""
        readable = ", ".join(sorted(codecs))
        raise VideoError(
            f"{path}: codec {info.codec} cannot be decoded on the {device} (it reads {readable}){hint}"
        )
    if height is not None and info.height != height:
        raise VideoError(f"{path}: frames are {info.width}x{info.height}, expected {height}p video")
    fps = video.fps if isinstance(video, GameVideo) else (info.fps or 25.0)
    last_time = _first_frame_and_last_time(path)
    if info.duration_s - last_time > TRUNCATION_TOLERANCE_S:
        raise VideoError(
            f"{path}: truncated video: data ends at {last_time:.2f} s "
            f"but the header promises {info.duration_s:.2f} s"
        )
    num_frames = min(info.num_frames, int(round(last_time * fps)) + 1)
    if num_frames < min_frames:
        raise VideoError(f"{path}: too short: {num_frames} frames, one clip needs {min_frames}")
    return CheckedVideo(path=path, num_frames=num_frames)


def _first_frame_and_last_time(path: Path) -> float:
    """Decode the first frame, then return the start time (s) of the last packet in the file."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            base = Fraction(stream.time_base)
            start = stream.start_time or 0
            if next(iter(container.decode(stream)), None) is None:
                raise VideoError(f"{path}: no frame could be decoded")
            if stream.duration:
                target = start + int((stream.duration * base - Fraction(TAIL_SECONDS)) / base)
                container.seek(max(start, target), stream=stream, backward=True)
            last = None
            for packet in container.demux(stream):
                if packet.pts is not None and (last is None or packet.pts > last):
                    last = packet.pts
    except VideoError:
        raise
    except Exception as err:  # FFmpeg raises many error types for damaged data
        raise VideoError(f"{path}: corrupt video ({type(err).__name__}: {err})") from None
    if last is None:
        raise VideoError(f"{path}: no video packets found")
    return float((last - start) * base)


def validate_videos(
    games: Sequence[Game],
    *,
    device: Device,
    min_frames: int = 1,
    check_resolution: bool = True,
    workers: int = 8,
) -> dict[Path, CheckedVideo]:
    """Check every video of ``games`` (in threads: PyAV releases the GIL while it reads).

    Raises one :class:`VideoError` naming the first bad file (and how many more there are).
    Returns the checked videos by path; their ``num_frames`` is what the loaders trust.
    """
    device = check_device(device)
    jobs = [(video, game.resolution if check_resolution else None) for game in games for video in game.videos]

    def run(job: tuple[GameVideo, int | None]) -> CheckedVideo | VideoError:
        try:
            return check_video(job[0], device=device, min_frames=min_frames, height=job[1])
        except VideoError as err:
            return err

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(run, jobs))
    _raise_first([r for r in results if isinstance(r, VideoError)])
    return {r.path: r for r in results if isinstance(r, CheckedVideo)}


def _raise_first(errors: Iterable[VideoError]) -> None:
    errors = list(errors)
    if errors:
        more = f" (and {len(errors) - 1} more bad videos)" if len(errors) > 1 else ""
        raise VideoError(f"{errors[0]}{more}")
