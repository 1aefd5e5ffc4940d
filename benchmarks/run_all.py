"""Run every benchmark on this machine (the GPU too when CUDA is visible); write a dated results file.

    python benchmarks/run_all.py [--quick | --gpu-check] [--data DIR] [--work DIR] [--out benchmarks/results]
        [--seconds 10] [--rounds 1] [--resolutions 224,720]
        [--only loaders,scaling,training,keyframes,postprocess,model_forward,clip_pipelines]

Writes ``<out>/<date>-<host>.json`` (every number, with the machine description) and ``.md``
(the tables the README quotes), plus ``-loaders.png``, ``-scaling.png``, ``-keyframes.png``.
Without ``--data`` a synthetic SN-BAS-2025 dataset (VP9, a keyframe every 250 frames like
x264's default) is written under ``--work`` and reused by later runs; with CUDA the loaders are
also measured on an H.264 copy, the codec SoccerNet ships (DALI decodes it on the GPU only).
``--quick`` shrinks every study to check that the whole run works (minutes, not a measurement).
``--gpu-check`` is what ``scripts/gpu-check`` runs on a GPU machine: only the loader comparison
(DALI and torchcodec on the GPU and CPU, frame folders, the floors; VP9 and H.264 videos) for 5 s
per loader, at 224p and 720p, on short synthetic games. The loader comparison measures every
source's loader and the two floors in one run (``--rounds``: that many turns each, the median
reported). A study that fails is recorded with its error and the others still run.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from dudek_dali.bench.keyframe_study import keyframe_study
from dudek_dali.bench.loaders import compare_loaders
from dudek_dali.bench.machine import describe_machine
from dudek_dali.bench.markdown import results_markdown
from dudek_dali.bench.output import default_work_dir
from dudek_dali.bench.plot import plot_keyframes, plot_loaders, plot_scaling
from dudek_dali.bench.scaling import scaling_study
from dudek_dali.bench.spec import ClipSpec
from dudek_dali.bench.training import TrainingSpec, training_study
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.devices import cuda_available
from dudek_dali.files import write_json, write_text

HERE = Path(__file__).resolve().parent
STUDIES = ("loaders", "scaling", "training", "keyframes", "postprocess", "model_forward", "clip_pipelines")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def synthetic(work: Path, *, codec: str, quick: bool, resolution: int = 224) -> Path:
    root = work / f"synth-bas-{codec}-{resolution}p-{'quick' if quick else 'full'}"
    log(f"synthetic dataset {root}")
    config = SynthConfig(games=3, minutes=0.5 if quick else 2.0, codec=codec, resolution=resolution)
    synthesize_dataset(root, config, progress=False)
    return root


def labelled(root: Path, count: int = 2, resolution: int = 224) -> list:
    return [g for g in discover_games(root, resolution=resolution).games if g.is_labelled][:count]


def script(name: str, *args: str, json_out: bool = True) -> dict[str, Any]:
    """Run one of the scripts beside this file; its JSON (or its printed text) is the result."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        command = [sys.executable, str(HERE / name), *args, *(["--json", str(out)] if json_out else [])]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(
                f"{shlex.join(command)} exited {done.returncode}: {done.stderr.strip()[-2000:]}"
            )
        return json.loads(out.read_text()) if json_out else {"text": done.stdout}


def studies(args: argparse.Namespace, data: Path, gpu: bool) -> dict[str, Callable[[], dict[str, Any]]]:
    quick = args.quick
    tiny = quick and not args.gpu_check  # gpu-check: short games, but the seed's real clips
    spec = ClipSpec(clip_frames=16, overlap=12, size=(64, 64), epoch_clips=64) if tiny else ClipSpec()
    seconds = 2.0 if tiny else args.seconds
    train = TrainingSpec(clip_frames=16, size=(64, 64), batch_size=2, steps=2) if quick else TrainingSpec()
    work = args.work
    jobs: dict[str, Callable[[], dict[str, Any]]] = {}
    for resolution in args.resolutions:
        tag = "" if resolution == 224 else f"_{resolution}p"
        vp9 = data if resolution == 224 else synthetic(work, codec="vp9", quick=quick, resolution=resolution)
        jobs[f"loaders{tag}"] = _loaders(vp9, spec, seconds, resolution, args.rounds)
        if gpu:
            h264 = (
                synthetic(work, codec="h264", quick=quick, resolution=resolution)
                if args.data is None
                else data
            )
            jobs[f"loaders_h264{tag}"] = _loaders(h264, spec, seconds, resolution, args.rounds)
    jobs.update(
        scaling=lambda: scaling_study(
            work, spec, sizes=(2, 4) if quick else (10, 30, 100), minutes=0.2, log=log
        ),
        training=lambda: training_study(data, train, log=log),
        keyframes=lambda: keyframe_study(
            data, labelled(data), spec, work=work, intervals=(24, 25), seconds=seconds, log=log
        ),  # fmt: skip
        postprocess=lambda: script(
            "postprocess.py", *(["--frames", "15000", "--nms-reference-frames", "3000"] if quick else [])
        ),
        model_forward=lambda: script(
            "model_forward.py",
            "--device",
            "cuda" if gpu else "cpu",
            *(["--models", "regnety_002", "--frames", "16", "--repeats", "1"] if quick else []),
            json_out=False,
        ),  # fmt: skip
        clip_pipelines=lambda: script(
            "clip_pipelines.py",
            "--device",
            "cuda" if gpu else "cpu",
            "--data",
            str(work / "clip-pipelines"),
            *(["--clips", "8"] if quick else []),
        ),  # fmt: skip
    )
    wanted = set(args.only) if args.only else set(STUDIES)
    return {k: v for k, v in jobs.items() if k.split("_")[0] in wanted}


def _loaders(
    root: Path, spec: ClipSpec, seconds: float, resolution: int, rounds: int
) -> Callable[[], dict[str, Any]]:
    return lambda: compare_loaders(
        labelled(root, resolution=resolution), spec, seconds=seconds, rounds=rounds, log=log
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, help="dataset to measure (default: a synthetic one under --work)"
    )
    parser.add_argument("--work", type=Path, default=default_work_dir(), help="generated data goes here")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder of the results files")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady-state seconds per loader")
    parser.add_argument("--rounds", type=int, default=1, help="turns per loader (the median is reported)")
    parser.add_argument(
        "--quick", action="store_true", help="tiny settings: checks the run, measures nothing"
    )
    parser.add_argument(
        "--gpu-check", action="store_true", help="the loader comparison only, 5 s per loader, 224p and 720p"
    )
    parser.add_argument(
        "--resolutions", type=lambda s: [int(x) for x in s.split(",") if x], default=[224],
        help="video resolutions the loader comparison runs at (224, 720)",
    )  # fmt: skip
    parser.add_argument(
        "--only", type=lambda s: [x for x in s.split(",") if x], help=f"comma-separated subset of {STUDIES}"
    )
    args = parser.parse_args()
    if args.gpu_check:
        args.quick, args.only, args.seconds, args.resolutions = True, ["loaders"], 5.0, [224, 720]
    if args.only and not set(args.only) <= set(STUDIES):
        parser.error(f"--only takes names among {', '.join(STUDIES)}")
    args.work.mkdir(parents=True, exist_ok=True)
    gpu = cuda_available()
    data = args.data or synthetic(args.work, codec="vp9", quick=args.quick)
    results: dict[str, Any] = {
        "machine": describe_machine(),
        "command": shlex.join(["python", "benchmarks/run_all.py", *sys.argv[1:]]),
        "quick": args.quick,
        "data": str(data),
        "studies": {},
    }
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname())
    stem = args.out / f"{date.today().isoformat()}-{host}{'-quick' if args.quick else ''}"
    plots = {"scaling": plot_scaling, "keyframes": plot_keyframes}
    for name, job in studies(args, data, gpu).items():
        log(f"== {name}")
        start = time.perf_counter()
        try:
            results["studies"][name] = job()
            plot = plot_loaders if name.startswith("loaders") else plots.get(name)
            if plot is not None:
                plot(results["studies"][name], Path(f"{stem}-{name}.png"))
        except Exception as err:  # one failed study must not lose the others' numbers
            results["studies"][name] = {"error": f"{type(err).__name__}: {err}\n{traceback.format_exc()}"}
            log(f"{name} failed: {type(err).__name__}: {err}")
        results["studies"][name]["wall_s"] = time.perf_counter() - start
        write_json(stem.with_suffix(".json"), results)  # after every study: a crash keeps what was done
    write_text(stem.with_suffix(".md"), results_markdown(results))
    log(f"wrote {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
