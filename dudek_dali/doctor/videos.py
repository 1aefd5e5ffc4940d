"""``dudek doctor DATASET``'s per-video checks, from the packets (:mod:`dudek_dali.data.video_scan`).

For every video: its codec and which video source here decodes it, whether its frame rate is
constant (packet timestamps), the container's frame count against the packets a decoder will
index, the keyframe interval, the resolution, and label positions past the last frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.data.video_scan import VideoScan
from dudek_dali.doctor.findings import Finding, note, problem
from dudek_dali.errors import VideoError
from dudek_dali.frames import FrameFolder
from dudek_dali.sources import Source

LONG_GOP = 60  # frames between keyframes above which random clips decode much they do not use


@dataclass(frozen=True)
class VideoRow:
    """What the videos table shows for one video."""

    video: str
    codec: str
    size: str  # WxH, as video tools print it
    fps: float
    constant_rate: bool | None
    container_frames: int
    packet_frames: int | None
    keyframe_gap: str
    labels_past_end: int
    sources: list[str]

    def to_json(self) -> dict:
        return asdict(self)


def check_games(
    games: Sequence[Game],
    sources: Sequence[Source],
    *,
    root: Path,
    workers: int = 8,
    cache: VideoInfoCache | None = None,
) -> tuple[list[VideoRow], list[Finding]]:
    """Rows and findings for every video of ``games`` (``sources``: those usable here, resolved;
    ``cache``: the one :func:`~dudek_dali.data.games.discover_games` filled, else the shared one)."""
    cache = VideoInfoCache.shared() if cache is None else cache
    jobs = [(game, video) for game in games for video in game.videos]

    def run(job: tuple[Game, GameVideo]) -> tuple[VideoRow, list[Finding]]:
        return check_video(job[0], job[1], sources, cache=cache, root=root)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(run, jobs))
    cache.save()
    return [r for r, _ in results], [f for _, found in results for f in found]


def check_video(
    game: Game, video: GameVideo, sources: Sequence[Source], *, cache: VideoInfoCache, root: Path
) -> tuple[VideoRow, list[Finding]]:
    name = _relative(video.path, root)
    info = video.info
    findings: list[Finding] = []
    try:
        scan: VideoScan | None = cache.scan(video.path)
    except VideoError as err:
        scan = None
        findings.append(problem(name, f"packets unreadable ({err})", "re-download or re-encode the file"))
    readers = [s.name for s in sources if scan is not None and s.unreadable(video) is None]
    if FrameFolder(video.path).is_finished:
        readers.append("frames")
    frames = scan.packets if scan else info.num_frames
    past_end = [a for a in video.annotations if video.event_frame(a) >= frames]
    row = VideoRow(
        video=name,
        codec=info.codec,
        size=f"{info.width}x{info.height}",
        fps=round(info.fps, 3),
        constant_rate=scan.constant_rate if scan else None,
        container_frames=info.num_frames,
        packet_frames=scan.packets if scan else None,
        keyframe_gap=f"{scan.mean_keyframe_gap:.0f} (max {scan.max_keyframe_gap})" if scan else "-",
        labels_past_end=len(past_end),
        sources=readers,
    )
    findings += _codec_findings(name, info.codec, readers)
    if info.height != game.resolution:
        findings.append(problem(name, f"frames are {info.width}x{info.height}, not {game.resolution}p",
                                f"put the {game.resolution}p video under this name"))  # fmt: skip
    if scan:
        findings += _scan_findings(name, info.num_frames, scan)
    if past_end:
        last = max(a.position_ms for a in past_end) / 1000
        findings.append(problem(name, f"{len(past_end)} label(s) lie past the last frame ({frames - 1}); "
                                f"the latest at {last:.1f} s", "the video is cut short or the label file "
                                "belongs to another video: re-download the video"))  # fmt: skip
    return row, findings


def _codec_findings(name: str, codec: str, readers: list[str]) -> list[Finding]:
    if not readers:
        return [problem(name, f"no video source here decodes {codec}",
                        "transcode it (dudek prepare) or decode on a GPU")]  # fmt: skip
    if not any(r.startswith("dali") for r in readers):
        fix = ("torchcodec-cpu reads it for training too" if "torchcodec-cpu" in readers
               else "use --source frames after dudek extract-frames, or a GPU (NVDEC)")  # fmt: skip
        return [note(name, f"{codec}: DALI cannot read it here (codec or frame rate; only "
                     f"{', '.join(readers)})", fix)]  # fmt: skip
    return []


def _scan_findings(name: str, container_frames: int, scan: VideoScan) -> list[Finding]:
    found = []
    if container_frames > scan.packets + 1:  # Matroska's count is duration x fps: allow rounding
        found.append(problem(name, f"the container claims {container_frames} frames, its packets hold "
                             f"{scan.packets}", "the file is cut short or its header is wrong: re-download "
                             "it (the loaders use the packet count)"))  # fmt: skip
    if not scan.constant_rate:
        found.append(problem(name, "variable frame rate: label positions (ms) map to the wrong frames",
                             "re-encode at a constant rate: dudek prepare DATASET --out COPY"))  # fmt: skip
    if scan.mean_keyframe_gap > LONG_GOP:
        found.append(
            note(
                name,
                f"a keyframe every {scan.mean_keyframe_gap:.0f} frames: random clips decode "
                "up to that many frames they do not use",
                "dudek prepare --keyframe-interval 24",
            )
        )
    return found


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)
