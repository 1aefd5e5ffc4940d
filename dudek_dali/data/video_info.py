"""Video metadata read from the container with PyAV, without decoding the video, and cached.

Rediscovering hundreds of games must be quick, so results are cached on disk keyed by the
file's absolute path, size and modification time: a changed file is probed again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

from dudek_dali.data.video_scan import VideoScan, scan_video
from dudek_dali.errors import VideoError
from dudek_dali.files import write_json

NOMINAL_FPS = 25.0


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video's first video stream."""

    fps: float
    num_frames: int
    width: int
    height: int
    codec: str
    duration_s: float


def probe_video(path: Path) -> VideoInfo:
    """Read a video's metadata from its container headers (no full decode).

    The frame count comes from the stream header when the muxer wrote one (MP4), otherwise
    from duration x frame rate (Matroska usually has no count). SoccerNet videos have a few
    broken frame rates in their metadata, so callers should not trust ``fps`` blindly; see
    :func:`dudek_dali.data.games.discover_games`.
    """
    import av  # lazy: PyAV loads FFmpeg

    path = Path(path)
    if not path.is_file():
        raise VideoError(f"{path}: video file not found")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: video file is empty (0 bytes)")
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoError(f"{path}: no video stream in the file")
            stream = container.streams.video[0]
            if stream.codec_context is None:  # FFmpeg has no decoder for this stream's codec
                raise VideoError(
                    f"{path}: its video codec is one no decoder here reads; re-encode it "
                    "(H.264, HEVC, VP9 or AV1)"
                )
            rate = stream.average_rate or stream.guessed_rate or stream.base_rate
            fps = float(rate) if rate else 0.0
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * Fraction(stream.time_base))
            elif container.duration is not None:
                duration = container.duration / 1_000_000
            else:
                duration = 0.0
            frames = int(stream.frames) or round(duration * fps)
            return VideoInfo(
                fps=fps,
                num_frames=frames,
                width=int(stream.codec_context.width),
                height=int(stream.codec_context.height),
                codec=str(stream.codec_context.name),
                duration_s=duration,
            )
    except VideoError:
        raise
    except Exception as err:  # PyAV raises many FFmpeg error types for damaged files
        raise VideoError(f"{path}: unreadable video ({type(err).__name__}: {err})") from None


def cache_dir() -> Path:
    """This project's cache folder: ``$DUDEK_CACHE_DIR``, else ``dudek_dali`` in ``$XDG_CACHE_HOME``."""
    base = os.environ.get("DUDEK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dudek_dali"
    )
    return Path(base)


def default_cache_path() -> Path:
    return cache_dir() / "video_info.json"


class VideoInfoCache:
    """A JSON file mapping ``absolute path`` -> (size, mtime_ns, VideoInfo, and its VideoScan once made).

    An entry is fresh while the file's size and modification time are unchanged; a changed file
    is probed (and scanned) again.
    """

    _shared: ClassVar[dict[Path, VideoInfoCache]] = {}

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        self._entries: dict[str, dict] = self._load()
        self._dirty = False

    @classmethod
    def shared(cls) -> VideoInfoCache:
        """This process's cache of the default file, loaded once and shared by whoever asks (the
        reader choice asks per video, so a fresh load each time would read the file again and
        again)."""
        path = default_cache_path()
        if path not in cls._shared:
            cls._shared[path] = cls(path)
        return cls._shared[path]

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}  # a missing or damaged cache is just empty

    def _entry(self, video: Path) -> dict:
        """The fresh entry of ``video`` (probed now when missing or stale)."""
        key = str(Path(video).resolve())
        try:
            stat = os.stat(key)
        except OSError:
            raise VideoError(f"{video}: video file not found") from None
        entry = self._entries.get(key)
        if entry and entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns:
            return entry
        info = probe_video(Path(video))
        entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "info": asdict(info)}
        self._entries[key] = entry
        self._dirty = True
        return entry

    def get(self, video: Path) -> VideoInfo:
        """Metadata of ``video``, probed only when the cache has no fresh entry."""
        return VideoInfo(**self._entry(video)["info"])

    def scan(self, video: Path) -> VideoScan:
        """The packet scan of ``video`` (:mod:`.video_scan`), demuxed only when not cached yet."""
        entry = self._entry(video)
        if "scan" not in entry:
            entry["scan"] = scan_video(Path(video)).to_json()
            self._dirty = True
        return VideoScan(**entry["scan"])

    def save(self) -> None:
        """Write the cache atomically; failure to write a cache is never fatal."""
        if not self._dirty:
            return
        try:
            write_json(self.path, self._entries, indent=None)
            self._dirty = False
        except OSError:
            pass
