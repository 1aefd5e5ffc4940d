"""Check a video before a reader touches it: one :class:`VideoError` naming the file per problem.

Decoders report a bad file mid-epoch with a message that does not name it (DALI), or decode past
a truncated end into a confusing out-of-bounds error. So every video is checked up front with
PyAV, cheaply (headers, the first frame, the packets; no full decode):

* missing, empty (0 bytes), unreadable or corrupt headers, no decodable first frame;
* a codec the chosen reader cannot decode (the caller says which codecs it reads);
* a frame height other than the resolution asked for (e.g. 720p found where 224p was asked);
* truncated: the last packet's time falls short of the duration the header promises;
* a variable frame rate (labels are positions in ms; only at a constant rate do they name frames);
* too few frames for one clip (training only).

The frame count the readers trust is the number of video **packets** (:mod:`.video_scan`): what
a demuxing decoder such as DALI's indexes, not the container's estimate (Matroska's is duration x
rate). Scans are cached, so a dataset is demuxed once. Damage in the middle of a file is not found
without decoding everything; the readers re-raise decode errors naming the files.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.video_info import VideoInfoCache, probe_video
from dudek_dali.errors import VideoError

TRUNCATION_TOLERANCE_S = 1.0  # container durations round; a real truncation loses far more


@dataclass(frozen=True)
class CheckedVideo:
    """A video that passed the checks, with the number of frames its packets really hold."""

    path: Path
    num_frames: int


@dataclass(frozen=True)
class Decoder:
    """Who will decode: its name for messages, the codecs it reads, and a hint for the others."""

    name: str
    codecs: Collection[str] | None = None  # None: whatever FFmpeg decodes
    hint: str = ""


def check_video(
    video: GameVideo | Path,
    *,
    decoder: Decoder,
    min_frames: int = 1,
    height: int | None = None,
    cache: VideoInfoCache | None = None,
    require_constant_rate: bool = True,
) -> CheckedVideo:
    """Check one video (see the module docstring); raise :class:`VideoError` naming it."""
    path = video.path if isinstance(video, GameVideo) else Path(video)
    # Raises VideoError for missing, empty and unreadable files (the cache probes what it lacks).
    info = cache.get(path) if cache is not None else probe_video(path)
    if decoder.codecs is not None and info.codec not in decoder.codecs:
        readable = ", ".join(sorted(decoder.codecs))
        raise VideoError(
            f"{path}: codec {info.codec} cannot be decoded {decoder.name} (it reads {readable}){decoder.hint}"
        )
    if height is not None and info.height != height:
        raise VideoError(f"{path}: frames are {info.width}x{info.height}, expected {height}p video")
    _first_frame(path)
    scan = (cache or VideoInfoCache()).scan(path)
    if info.duration_s - scan.last_pts_s > TRUNCATION_TOLERANCE_S + 1 / max(scan.rate_fps, 1.0):
        raise VideoError(
            f"{path}: truncated video: data ends at {scan.last_pts_s:.2f} s "
            f"but the header promises {info.duration_s:.2f} s"
        )
    if require_constant_rate and not scan.constant_rate:
        raise VideoError(
            f"{path}: variable frame rate: label positions (ms) would land on the wrong frames; "
            f"re-encode it at a constant rate (dudek prepare)"
        )
    if scan.packets < min_frames:
        raise VideoError(f"{path}: too short: {scan.packets} frames, one clip needs {min_frames}")
    return CheckedVideo(path=path, num_frames=scan.packets)


def _first_frame(path: Path) -> None:
    """Decode the first frame (a file whose headers parse may still hold no decodable picture)."""
    import av

    try:
        with av.open(str(path)) as container:
            if next(iter(container.decode(container.streams.video[0])), None) is None:
                raise VideoError(f"{path}: no frame could be decoded")
    except VideoError:
        raise
    except Exception as err:  # FFmpeg raises many error types for damaged data
        raise VideoError(f"{path}: corrupt video ({type(err).__name__}: {err})") from None


def check_videos(
    games: Sequence[Game],
    *,
    decoder: Decoder,
    min_frames: int = 1,
    check_resolution: bool = True,
    require_constant_rate: bool = True,
    workers: int = 8,
) -> dict[Path, CheckedVideo]:
    """Check every video of ``games`` (in threads: PyAV releases the GIL while it reads).

    Raises one :class:`VideoError` naming the first bad file (and how many more there are).
    Returns the checked videos by path; their ``num_frames`` is what the readers trust.
    """
    cache = VideoInfoCache()
    jobs = [(video, game.resolution if check_resolution else None) for game in games for video in game.videos]

    def run(job: tuple[GameVideo, int | None]) -> CheckedVideo | VideoError:
        try:
            return check_video(
                job[0], decoder=decoder, min_frames=min_frames, height=job[1], cache=cache,
                require_constant_rate=require_constant_rate,
            )  # fmt: skip
        except VideoError as err:
            return err

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(run, jobs))
    cache.save()
    _raise_first([r for r in results if isinstance(r, VideoError)])
    return {r.path: r for r in results if isinstance(r, CheckedVideo)}


def _raise_first(errors: Iterable[VideoError]) -> None:
    errors = list(errors)
    if errors:
        more = f" (and {len(errors) - 1} more bad videos)" if len(errors) > 1 else ""
        raise VideoError(f"{errors[0]}{more}")
