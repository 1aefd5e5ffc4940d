"""Every video source's training clip loader and two floors on the same games and clips, side by side.

Each loader is a video source (:class:`~dudek_dali.sources.Source`, resolved here once per source
and handed to the process that measures it: DALI on the GPU and CPU, torchcodec on the GPU and
CPU, frame folders), except the floors: ``pyav`` names the plain PyAV reader of the same clip plan
(decode and resize only), ``torchcodec-floor`` torchcodec decoding the same clips at the same
stride and nothing else (the video's size, no resize, no augmentation: what decoding those clips
costs). Every row gets ``ratio_to_floor``: its delivered frames/s over the torchcodec floor's.

Every loader runs in its own fresh process (:mod:`.isolate`) for ``seconds`` after its first
batch, with a :class:`~dudek_dali.bench.resources.ResourceSampler` watching that process and
its workers. Per loader: start-up (creation, video checks, plan, pipeline or workers, first
batch), clips/s and delivered frames/s in the steady state, decoded frames/s (what seeking
back to keyframes costs: estimated from the keyframe positions for DALI, counted by PyAV,
JPEGs for frame folders), CPU cores kept busy, peak memory, GPU memory.

The headline ``ratio`` is DALI frames/s over frame-folder frames/s on the best device present:
DALI on the GPU against frame folders augmented on the GPU when CUDA is visible, otherwise
both on the CPU.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from dudek_dali.bench.frame_prep import prepare_frames, remove_frame_folders
from dudek_dali.bench.isolate import IsolatedError, run_isolated
from dudek_dali.bench.keyframes import decoded_frames, keyframe_indices, mean_gap
from dudek_dali.bench.machine import describe_machine
from dudek_dali.bench.resources import ResourceSampler
from dudek_dali.bench.spec import DECODE_FLOOR, FLOOR, LOADER_KINDS, ClipSpec
from dudek_dali.bench.throughput import TimedRun, run_for
from dudek_dali.data.games import Game
from dudek_dali.devices import usable_cores
from dudek_dali.errors import DudekError
from dudek_dali.sources import Source, create_clip_loader, resolve_source

Loader = Source | str  # a resolved source, or one of the floors (FLOOR, DECODE_FLOOR)


def kind_of(loader: Loader) -> str:
    return loader.name if isinstance(loader, Source) else loader


def create_loader(loader: Loader, games: Sequence[Game], spec: ClipSpec, *, workers: int) -> Any:
    """The ``loader`` over ``games``, delivering ``spec``'s clips (the floors unaugmented)."""
    if loader == FLOOR:
        from dudek_dali.pyav import PyAVClipReader

        return PyAVClipReader(games, spec.sampling(augment=False), size=spec.size, batch_size=spec.batch_size)
    if loader == DECODE_FLOOR:
        from dudek_dali.torchcodec import create_torchcodec_loader

        return create_torchcodec_loader(
            games, spec.sampling(augment=False), size=spec.size, batch_size=spec.batch_size,
            num_threads=workers, decode_only=True,
        )  # fmt: skip
    return create_clip_loader(
        games, spec.sampling(), source=loader, size=spec.size, batch_size=spec.batch_size, workers=workers
    )


def loader_device(loader: Loader) -> str:
    """Where its batches land, as the tables print it: ``gpu`` or ``cpu``."""
    return "gpu" if isinstance(loader, Source) and loader.device.type == "cuda" else "cpu"


def measure_loader(
    loader: Loader,
    games: Sequence[Game],
    spec: ClipSpec,
    *,
    seconds: float,
    workers: int,
    keyframes: dict[str, np.ndarray],
) -> dict[str, Any]:
    """Run one loader for ``seconds`` (after its first batch) in this process; JSON-ready numbers."""
    kind = kind_of(loader)
    gpu = loader_device(loader) == "gpu"
    sync = _cuda_sync if gpu else (lambda: None)
    _preload(kind)
    with ResourceSampler(gpu=gpu) as sampler:
        created_at = time.perf_counter()
        loader = create_loader(loader, games, spec, workers=workers)
        try:
            run = run_for(loader, seconds, created_at=created_at, on_first_batch=sampler.mark, sync=sync)
            usage = sampler.usage()
            pyav_decoded = getattr(loader, "decoded", None)
            paths = [str(v.path) for v in loader.videos]
        finally:
            loader.close()
    return {
        "loader": kind,
        "device": "gpu" if gpu else "cpu",
        "workers": workers,
        **_rates(kind, run, spec, paths, keyframes),
        **usage.to_json(),
        **({"pyav_decoded_frames_total": pyav_decoded} if pyav_decoded is not None else {}),
    }


def _preload(kind: str) -> None:
    """Import what the loader needs first: Python import time is not the loader's start-up."""
    import av  # noqa: F401
    import torch  # noqa: F401

    if kind == "frames":
        import dudek_dali.frames.loader  # noqa: F401
    elif kind.startswith("dali"):
        from dudek_dali.pipelines.graph import import_dali

        import_dali()
    elif kind.startswith("torchcodec"):
        import torchcodec.decoders  # noqa: F401


def _cuda_sync() -> None:
    import torch

    torch.cuda.synchronize()


def _rates(
    kind: str, run: TimedRun, spec: ClipSpec, paths: list[str], keyframes: dict[str, np.ndarray]
) -> dict[str, float]:
    clips = len(run.clips)
    delivered = clips * spec.clip_frames
    if kind == "frames":
        decoded = delivered  # one JPEG per delivered frame
    else:
        videos = np.array([v for v, _ in run.clips], dtype=np.int64)
        starts = np.array([s for _, s in run.clips], dtype=np.int64)
        decoded = 0
        for video in np.unique(videos):
            mine = starts[videos == video]
            decoded += int(decoded_frames(keyframes[paths[video]], mine, mine + spec.span - 1).sum())
    steady = run.steady_s
    return {
        "startup_s": run.startup_s,
        "steady_s": steady,
        "clips": clips,
        "epochs": run.epochs,
        "clips_per_s": clips / steady if steady else 0.0,
        "frames_per_s": delivered / steady if steady else 0.0,
        "decoded_frames_per_s": decoded / steady if steady else 0.0,
        "decoded_per_delivered": decoded / delivered if delivered else 0.0,
    }


def resolve_loaders(games: Sequence[Game], kinds: Sequence[str]) -> tuple[dict[str, Loader], dict[str, str]]:
    """The requested loaders that run here (a :class:`Source` reading ``games``, or a floor), and
    for each of the others the one-line reason (no CUDA, a codec it does not decode, torchcodec
    missing)."""
    loaders: dict[str, Loader] = {}
    skipped: dict[str, str] = {}
    for kind in kinds:
        try:
            if kind == DECODE_FLOOR:
                resolve_source("torchcodec-cpu", device="cpu").for_games(games)  # torchcodec decodes here
            loaders[kind] = kind if kind in (FLOOR, DECODE_FLOOR) else resolve_source(kind).for_games(games)
        except DudekError as err:
            skipped[kind] = str(err)
    return loaders, skipped


def headline_ratio(results: dict[str, dict[str, Any]]) -> tuple[float | None, list[str]]:
    """DALI frames/s over frame-folder frames/s on the best device present (and which pair)."""
    frames = results.get("frames", {})
    dali = "dali-gpu" if "frames_per_s" in results.get("dali-gpu", {}) else "dali-cpu"
    if "frames_per_s" not in frames or "frames_per_s" not in results.get(dali, {}):
        return None, []
    if not frames["frames_per_s"]:
        return None, []
    return results[dali]["frames_per_s"] / frames["frames_per_s"], [dali, "frames"]


def compare_loaders(
    games: Sequence[Game],
    spec: ClipSpec,
    *,
    seconds: float = 10.0,
    kinds: Sequence[str] = LOADER_KINDS,
    workers: int | None = None,
    keep_frames: bool = False,
    rounds: int = 1,
    log=print,
) -> dict[str, Any]:
    """Measure every loader in ``kinds`` on ``games`` (labelled); see the module docstring.

    With ``rounds`` > 1 every loader is measured that many times, the loaders taking turns (a
    machine that gets busier slows all of them, not the last one), and each row is the round of
    median frames/s, with every round's frames/s beside it (``rounds_frames_per_s``). Frame
    folders are extracted first when missing (timed: the preparation the frame approach needs)
    and removed afterwards unless ``keep_frames`` or they existed before.
    """
    if not games:
        raise ValueError("no games to benchmark")
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    workers = workers or usable_cores()  # DALI threads and DataLoader workers alike
    loaders, skipped = resolve_loaders(games, kinds)
    result: dict[str, Any] = {
        "benchmark": "loaders",
        "machine": describe_machine(),
        "spec": spec.to_json(),
        "seconds": seconds,
        "rounds": rounds,
        "dataset": _dataset(games),
        "loaders": {k: {"loader": k, "skipped": why} for k, why in skipped.items()},
    }
    keyframes = {str(v.path): keyframe_indices(v.path) for g in games for v in g.videos}
    result["dataset"]["mean_keyframe_gap"] = float(
        np.mean([mean_gap(k, _frames(games, p)) for p, k in keyframes.items()])
    )
    preparation = None
    if "frames" in kinds:
        log("preparing frame folders (extraction is timed)")
        preparation = prepare_frames(games, workers=workers, stride=spec.stride, size=spec.size)
        result["preparation"] = {"frames": preparation}
    measured: dict[str, list[dict[str, Any]]] = {kind: [] for kind in loaders}
    try:
        for turn in range(rounds):
            for kind, loader in loaders.items():
                log(f"measuring {kind} for {seconds:g} s" + f" (round {turn + 1} of {rounds})" * (rounds > 1))
                try:
                    measured[kind].append(run_isolated(
                        measure_loader, loader, list(games), spec, seconds=seconds, workers=workers,
                        keyframes=keyframes,
                    ))  # fmt: skip
                except IsolatedError as err:
                    measured[kind].append({"loader": kind, "failed": str(err)})
        result["loaders"].update({kind: _median_round(rows) for kind, rows in measured.items()})
    finally:
        if preparation and preparation["created"] and not keep_frames:
            remove_frame_folders(games)
    result["ratio"], result["ratio_between"] = headline_ratio(result["loaders"])
    result["floor"] = DECODE_FLOOR
    floor = result["loaders"].get(DECODE_FLOOR, {}).get("frames_per_s")
    for row in result["loaders"].values():
        if "frames_per_s" in row:
            row["ratio_to_floor"] = row["frames_per_s"] / floor if floor else None
    result["machine"]["load_average_end"] = os.getloadavg()[0]
    return result


def _median_round(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The round of median frames/s (a failed round when any failed), with every round's rate."""
    failed = [row for row in rows if "frames_per_s" not in row]
    if failed:
        return failed[0]
    ordered = sorted(rows, key=lambda row: row["frames_per_s"])
    return {**ordered[(len(ordered) - 1) // 2], "rounds_frames_per_s": [row["frames_per_s"] for row in rows]}


def _frames(games: Sequence[Game], path: str) -> int:
    return next(v.num_frames for g in games for v in g.videos if str(v.path) == path)


def _dataset(games: Sequence[Game]) -> dict[str, Any]:
    videos = [v for g in games for v in g.videos]
    return {
        "games": [g.url_local for g in games],
        "videos": len(videos),
        "frames": sum(v.num_frames for v in videos),
        "codecs": sorted({v.info.codec for v in videos}),
        "resolution": f"{videos[0].info.width}x{videos[0].info.height}",
    }
