"""Extract the frames of many games: plan, skip finished videos, run workers, report.

Resumable: a video whose folder holds a manifest matching the requested plan, size, quality and
video size (and as many JPEGs as the manifest lists) is skipped; anything else (no folder, a
``.partial`` folder left by an interrupted run, other settings, missing files) is redone from
scratch. ``workers`` > 1 extracts that many videos at once in separate processes: decoding is
already multi-threaded inside FFmpeg, but resizing and JPEG encoding run one frame at a time per
video, so whole videos are the natural unit of parallel work.

A folder dude-k wrote is never redone, as that would delete the user's frames: it is adopted as
it is when it holds every frame the request would write, at the requested size (see
:mod:`.folders`; seconds instead of an extraction), and otherwise refused, listed as failed with
the frames it lacks, its files untouched.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from dudek_dali.data.games import Game
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.errors import DatasetError, DudekError
from dudek_dali.frames.config import ExtractionConfig
from dudek_dali.frames.extract_video import VideoJob, extract_video
from dudek_dali.frames.folders import FrameFolder
from dudek_dali.frames.manifest import FrameManifest
from dudek_dali.frames.selection import plan_video


@dataclass
class ExtractionProgress:
    """Running totals handed to the progress callback after every batch of frames."""

    videos_total: int
    frames_total: int
    videos_done: int = 0
    frames_done: int = 0
    current: str = ""


ProgressCallback = Callable[[ExtractionProgress], None]


@dataclass
class ExtractionPlan:
    jobs: list[VideoJob] = field(default_factory=list)  # videos to (re)extract
    finished: list[Path] = field(default_factory=list)  # videos whose folder is already complete
    unlabelled: list[Game] = field(default_factory=list)  # games skipped: no labels, no save_all
    # dude-k folders holding what the request asks for, with the manifest adopting each (unwritten)
    adopted: list[tuple[Path, FrameManifest]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)  # dude-k folders that do not fit


@dataclass
class ExtractionReport:
    extracted: list[Path]
    skipped: list[Path]
    unlabelled: list[str]  # url_local of games skipped for having no labels
    failed: list[tuple[Path, str]]  # videos that could not be extracted, with why
    frames_written: int
    jpeg_bytes_written: int
    seconds: float
    disk_bytes: int  # space all frame folders of the given games take now (blocks, like du)
    game_minutes: float  # duration of the videos those folders come from
    adopted: list[Path] = field(default_factory=list)  # dude-k folders adopted (also in ``skipped``)

    @property
    def frames_per_second(self) -> float:
        return self.frames_written / self.seconds if self.seconds > 0 else 0.0

    @property
    def bytes_per_game_minute(self) -> float:
        return self.disk_bytes / self.game_minutes if self.game_minutes > 0 else 0.0


def plan_extraction(games: Sequence[Game], config: ExtractionConfig) -> ExtractionPlan:
    """Sort every video of ``games`` into work to do, work already done and games to skip."""
    plan = ExtractionPlan()
    cache: VideoInfoCache | None = None  # made at the first dude-k folder, saved once at the end
    try:
        for game in games:
            for video in game.videos:
                frame_plan = plan_video(game, video, config)
                if frame_plan is None:
                    plan.unlabelled.append(game)
                    break
                folder = FrameFolder(video.path)
                if folder.holds(plan=frame_plan, size=config.size, quality=config.quality):
                    plan.finished.append(video.path)
                elif folder.is_dudek():
                    if cache is None:
                        cache = VideoInfoCache.shared()
                    try:
                        adopted = folder.adoption(video, frame_plan, size=config.size, cache=cache)
                        plan.adopted.append((video.path, adopted))
                    except DatasetError as err:
                        plan.refused.append((video.path, str(err)))
                else:
                    expected = frame_plan.expected_count(video.num_frames)
                    plan.jobs.append(VideoJob(video=video.path, plan=frame_plan, expected_frames=expected))
    finally:
        if cache is not None:
            cache.save()
    return plan


def extract_frames(
    games: Sequence[Game],
    config: ExtractionConfig | None = None,
    *,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> ExtractionReport:
    """Extract the frames of ``games`` into ``.frames_<video>/`` folders (see :mod:`.selection`).

    ``config`` says which frames, at what size and quality (default: :class:`ExtractionConfig`).

    A video that fails to decode does not stop the others: it is listed in ``report.failed``
    with the reason (its folder stays unfinished, so the next run retries it). Check
    ``report.failed`` before using the folders; the CLI exits with an error when it is not empty.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    config = config or ExtractionConfig()
    plan = plan_extraction(games, config)
    for video, manifest in plan.adopted:
        FrameFolder(video).write(manifest)
    state = ExtractionProgress(
        videos_total=len(plan.jobs), frames_total=sum(j.expected_frames for j in plan.jobs)
    )
    start = time.perf_counter()
    run = _run_in_process if workers == 1 or len(plan.jobs) <= 1 else _run_in_pool
    outcomes = run(plan.jobs, config, workers, state, progress or (lambda _: None))
    seconds = time.perf_counter() - start
    manifests = [o for o in outcomes if isinstance(o, FrameManifest)]
    unlabelled = {g.url_local for g in plan.unlabelled}
    videos = [v for g in games if g.url_local not in unlabelled for v in g.videos]
    return ExtractionReport(
        extracted=[j.video for j, o in zip(plan.jobs, outcomes, strict=True) if isinstance(o, FrameManifest)],
        skipped=plan.finished + [video for video, _ in plan.adopted],
        unlabelled=sorted(unlabelled),
        failed=[(j.video, o) for j, o in zip(plan.jobs, outcomes, strict=True) if isinstance(o, str)]
        + plan.refused,
        frames_written=sum(m.num_frames for m in manifests),
        jpeg_bytes_written=sum(m.bytes for m in manifests),
        seconds=seconds,
        disk_bytes=sum(folder_disk_bytes(FrameFolder(v.path).path) for v in videos),
        game_minutes=sum(v.num_frames / v.fps for v in videos) / 60,
        adopted=[video for video, _ in plan.adopted],
    )


Outcome = FrameManifest | str  # the finished folder's manifest, or why the video failed


def _run_in_process(jobs, config, workers, state, progress) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for job in jobs:
        state.current = str(job.video)
        progress(state)

        def advance(frames: int) -> None:
            state.frames_done += frames
            progress(state)

        try:
            outcomes.append(extract_video(job, size=config.size, quality=config.quality, on_frames=advance))
        except DudekError as err:
            outcomes.append(str(err))
        state.videos_done += 1
        progress(state)
    return outcomes


# Worker processes report frames through this queue (set by the pool's initializer).
_progress_queue: multiprocessing.Queue | None = None


def _init_worker(progress_queue: multiprocessing.Queue) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _worker_extract(job: VideoJob, size: tuple[int, int], quality: int) -> Outcome:
    report = _progress_queue.put if _progress_queue is not None else None
    try:
        return extract_video(job, size=size, quality=quality, on_frames=report)
    except DudekError as err:
        return str(err)


def _run_in_pool(jobs, config, workers, state, progress) -> list[Outcome]:
    # spawn, not fork: the parent may hold threads (progress bars, FFmpeg) that fork would copy mid-use.
    context = multiprocessing.get_context("spawn")
    frames_queue = context.Queue()
    outcomes: dict[int, Outcome] = {}
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(frames_queue,),
    )
    try:
        pending: dict[Future, int] = {
            pool.submit(_worker_extract, job, config.size, config.quality): i for i, job in enumerate(jobs)
        }
        state.current = f"{min(workers, len(jobs))} videos at a time"
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(frames_queue, state)
            for future in done:
                outcomes[pending.pop(future)] = future.result()  # re-raises a crash (a bug, not bad data)
                state.videos_done += 1
            progress(state)
    finally:
        # On an error or Ctrl-C, videos not yet started are dropped; running ones finish, or die
        # with the interrupt and leave .partial folders that the next run redoes.
        pool.shutdown(wait=True, cancel_futures=True)
    _drain(frames_queue, state)
    progress(state)
    return [outcomes[i] for i in range(len(jobs))]


def _drain(frames_queue: multiprocessing.Queue, state: ExtractionProgress) -> None:
    while True:
        try:
            state.frames_done += frames_queue.get_nowait()
        except queue.Empty:
            return


def folder_disk_bytes(folder: Path) -> int:
    """Space the files directly inside ``folder`` occupy on disk (allocated blocks, like ``du``)."""
    total = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
    except FileNotFoundError:
        return 0
    return total
