"""Does a short keyframe interval pay? Random-clip throughput on re-encoded copies.

DALI seeks back to the previous keyframe for every clip (:mod:`.keyframes`). The study times
the best DALI loader present on the original videos and on copies re-encoded by
:func:`~dudek_dali.prepare.prepare_dataset`:

* ``gop<K>``: the same frames, a keyframe every ``K`` frames (what ``dudek prepare`` writes);
* ``gop<K/2>@12.5fps``: only the even frames (training reads nothing else at stride 2), read at
  stride 1, a keyframe every ``K/2`` copy frames (the same spacing in seconds). Loaders report
  copy frame numbers on these (original = 2 x copy), so this variant is measured here only.

Per variant: delivered and decoded frames/s, speed-up over the original, re-encoding time, disk
(against the original videos and against frame folders of the same games), and luma PSNR of
the copy against the original (re-encoding is lossy).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from dudek_dali.bench.frame_prep import prepare_frames, remove_frame_folders, video_disk_bytes
from dudek_dali.bench.isolate import run_isolated
from dudek_dali.bench.keyframes import keyframe_indices, mean_gap
from dudek_dali.bench.loaders import measure_loader
from dudek_dali.bench.machine import describe_machine
from dudek_dali.bench.quality import luma_psnr
from dudek_dali.bench.spec import ClipSpec
from dudek_dali.data.games import Game, discover_games
from dudek_dali.devices import usable_cores
from dudek_dali.prepare import default_codec, prepare_dataset
from dudek_dali.sources import Source, resolve_source

PAYS_AT = 1.2  # a speed-up worth a re-encoding step


def variants(intervals: Sequence[int], *, half_fps: bool) -> list[tuple[str, int, int]]:
    """(name, keyframe interval in copy frames, frame step) of each copy to make."""
    out = [(f"gop{k}", k, 1) for k in intervals]
    if half_fps:
        k = min(intervals) if intervals else 25
        out.append((f"gop{max(1, k // 2)}@12.5fps", max(1, k // 2), 2))
    return out


def _measure(
    dali: Source, games: list[Game], spec: ClipSpec, *, seconds: float, workers: int
) -> dict[str, Any]:
    keyframes = {str(v.path): keyframe_indices(v.path) for g in games for v in g.videos}
    gaps = [mean_gap(k, next(v.num_frames for g in games for v in g.videos if str(v.path) == p))
            for p, k in keyframes.items()]  # fmt: skip
    row = run_isolated(
        measure_loader, dali, games, spec, seconds=seconds, workers=workers, keyframes=keyframes
    )
    row["mean_keyframe_gap_frames"] = sum(gaps) / len(gaps)
    return row


def _copy_games(out: Path, games: Sequence[Game]) -> list[Game]:
    first = games[0]
    wanted = {g.url_local for g in games}
    found = discover_games(out, layout=first.layout, resolution=first.resolution)
    found.raise_for_problems()
    return [g for g in found.games if g.url_local in wanted]


def keyframe_study(
    root: Path,
    games: Sequence[Game],
    spec: ClipSpec,
    *,
    work: Path,
    intervals: Sequence[int] = (25,),
    half_fps: bool = True,
    codec: str | None = None,
    seconds: float = 10.0,
    workers: int | None = None,
    with_frames: bool = True,
    keep: bool = False,
    log=print,
) -> dict[str, Any]:
    """Measure the original against each variant (module docstring); copies go under ``work``."""
    games = list(games)
    workers = workers or usable_cores()
    dali = next(s for s in resolve_source(job="train").chain() if s.is_dali)  # the DALI auto picks
    kind = dali.name
    codec = codec or default_codec()
    if kind == "dali-cpu" and codec != "vp9":
        raise ValueError(f"DALI on the CPU reads VP9, not {codec}: use codec vp9 on machines without CUDA")
    log(f"original videos: {kind} for {seconds:g} s")
    original = _measure(dali, games, spec, seconds=seconds, workers=workers)
    original_bytes = video_disk_bytes(games)
    fps = games[0].videos[0].fps
    rows = [{
        "variant": "original", "frame_step": 1, "disk_bytes": original_bytes,
        "keyframe_interval_s": original["mean_keyframe_gap_frames"] / fps, **original,
    }]  # fmt: skip
    frames = None
    if with_frames:
        log("frame folders of the same games (for the disk comparison)")
        frames = prepare_frames(games, workers=workers, stride=spec.stride, size=spec.size)
        if frames["created"]:
            remove_frame_folders(games)
    try:
        for name, interval, step in variants(intervals, half_fps=half_fps):
            if spec.stride % step:
                raise ValueError(f"{name}: the clip stride {spec.stride} is not a multiple of {step}")
            out = Path(work) / name
            log(f"{name}: re-encoding ({codec}), then {kind} for {seconds:g} s")
            prepared = prepare_dataset(
                root, out, games, keyframe_interval=interval, codec=codec, frame_step=step
            )
            copies = _copy_games(out, games)
            row = _measure(
                dali, copies, replace(spec, stride=spec.stride // step), seconds=seconds, workers=workers
            )
            row.update(
                variant=name,
                frame_step=step,
                codec=codec,
                keyframe_interval_s=interval * step / fps,
                preparation_s=prepared.seconds,
                disk_bytes=video_disk_bytes(copies),
                psnr_db=luma_psnr(games[0].videos[0].path, copies[0].videos[0].path, frame_step=step),
            )
            rows.append(row)
    finally:
        if not keep:
            for name, _, _ in variants(intervals, half_fps=half_fps):
                shutil.rmtree(Path(work) / name, ignore_errors=True)
    base = original["frames_per_s"] or float("nan")
    frames_disk = frames["disk_bytes"] if frames else None
    for row in rows:
        row["speedup"] = row["frames_per_s"] / base
        row["disk_vs_original"] = row["disk_bytes"] / original_bytes
        row["disk_vs_frame_folders"] = row["disk_bytes"] / frames_disk if frames_disk else None
    best = max(rows[1:], key=lambda r: r["speedup"] if r["frame_step"] == 1 else 0, default=None)
    return {
        "benchmark": "keyframes",
        "machine": describe_machine(),
        "spec": spec.to_json(),
        "seconds": seconds,
        "loader": kind,
        "dataset": {"games": [g.url_local for g in games]},
        "variants": rows,
        "frames": frames,
        "pays": bool(best and best["speedup"] >= PAYS_AT),
        "pays_rule": f"a same-fps copy (what dudek prepare writes) is >= {PAYS_AT}x faster",
    }
