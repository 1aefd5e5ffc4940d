"""Start-up time and memory as the dataset grows (e.g. 10 -> 30 -> 100 synthetic games).

One synthetic dataset of the largest size is written once (reused on reruns); each step takes
its first ``n`` labelled games. For every size and loader, a fresh process builds the loader
and reads two batches (:func:`~dudek_dali.bench.loaders.measure_loader` with no steady phase):
start-up covers the checks of every video, the epoch plan over every window, and the pipeline
or worker start. Frame folders for all games are extracted once up front (timed; their disk is
reported per size). Game discovery is not part of the start-up (the trainer does it once).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dudek_dali.bench.frame_prep import prepare_frames, remove_frame_folders, video_disk_bytes
from dudek_dali.bench.isolate import IsolatedError, run_isolated
from dudek_dali.bench.keyframes import keyframe_indices
from dudek_dali.bench.loaders import measure_loader, resolve_loaders
from dudek_dali.bench.machine import describe_machine
from dudek_dali.bench.spec import ClipSpec
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import FPS, SynthConfig, synthesize_dataset
from dudek_dali.devices import usable_cores
from dudek_dali.frames import frames_dir
from dudek_dali.frames.extract import folder_disk_bytes

MIB = 2**20


def scaling_study(
    work: Path,
    spec: ClipSpec,
    *,
    sizes: Sequence[int] = (10, 30, 100),
    minutes: float = 0.2,
    kinds: Sequence[str] = ("dali-gpu", "dali-cpu", "frames"),
    workers: int | None = None,
    keep_frames: bool = False,
    log=print,
) -> dict[str, Any]:
    """Measure start-up and memory per dataset size and loader (module docstring)."""
    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1:
        raise ValueError(f"sizes must be positive game counts, got {sizes}")
    if round(minutes * 60 * FPS) < spec.span:
        raise ValueError(f"games of {minutes:g} min are shorter than one clip ({spec.span} frames)")
    workers = workers or usable_cores()
    root = Path(work) / f"scaling-{sizes[-1]}x{minutes:g}min"
    log(f"synthesising up to {sizes[-1]} games of {minutes:g} min in {root} (reused when present)")
    # Challenge games carry no labels: ask for enough games that the largest size is all labelled.
    synthesize_dataset(root, SynthConfig(games=sizes[-1] + 2, minutes=minutes), progress=False)
    start = time.perf_counter()
    found = discover_games(root)
    discovery_s = time.perf_counter() - start
    labelled = [g for g in found.games if g.is_labelled][: sizes[-1]]
    loaders, skipped = resolve_loaders(labelled, kinds)
    frames = None
    if "frames" in kinds:
        log("extracting frame folders of every game (timed once)")
        frames = prepare_frames(labelled, workers=workers, stride=spec.stride, size=spec.size)
    rows = []
    try:
        for n in sizes:
            games = labelled[:n]
            row: dict[str, Any] = {
                "games": n,
                "video_frames": sum(v.num_frames for g in games for v in g.videos),
                "video_mib": video_disk_bytes(games) / MIB,
            }
            if frames is not None:
                row["frame_folders_mib"] = (
                    sum(folder_disk_bytes(frames_dir(v.path)) for g in games for v in g.videos) / MIB
                )
            keyframes = {str(v.path): keyframe_indices(v.path) for g in games for v in g.videos}
            for kind, loader in loaders.items():
                log(f"{n} games: {kind} start-up")
                try:
                    measured = run_isolated(
                        measure_loader, loader, games, spec, seconds=0.0, workers=workers, keyframes=keyframes
                    )
                    row[kind] = {
                        k: measured[k]
                        for k in ("startup_s", "peak_pss_mib", "peak_rss_mib", "gpu_memory_mib")
                    }
                except IsolatedError as err:
                    row[kind] = {"failed": str(err)}
            rows.append(row)
    finally:
        if frames and frames["created"] and not keep_frames:
            remove_frame_folders(labelled)
    return {
        "benchmark": "scaling",
        "machine": describe_machine(),
        "spec": spec.to_json(),
        "minutes_per_game": minutes,
        "discovery_s": discovery_s,
        "skipped": skipped,
        "preparation": {"frames": frames} if frames else {},
        "rows": rows,
    }
