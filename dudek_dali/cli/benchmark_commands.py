"""``dudek benchmark``: DALI, torchcodec and frame folders (loaders, scaling, training, keyframes).

Each command prints a table, and writes the JSON (``--json``) and a PNG chart (``--plot``) when
asked. ``benchmarks/run_all.py`` runs them all and writes a dated results file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dudek_dali.cli._app import UserError, sub_app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption

benchmark_app = sub_app(
    "benchmark", "Measure the data paths: DALI, torchcodec and frame folders, side by side."
)

Dataset = Annotated[Path, typer.Argument(help="Dataset root holding <league>/<season>/<match>/ folders.")]
Json = Annotated[Path | None, typer.Option("--json", help="Also write the results as JSON here.")]
Plot = Annotated[Path | None, typer.Option("--plot", help="Also draw a PNG chart here.")]
Seconds = Annotated[
    float, typer.Option(min=0.0, help="Steady-state seconds per loader, after its first batch.")
]
Games = Annotated[int, typer.Option(min=1, help="Use the first N labelled games of the dataset.")]
Layout = Annotated[LayoutOption, typer.Option(help="bas: SN-BAS-2025; broadcast: older games (two halves).")]
Resolution = Annotated[ResolutionOption, typer.Option(help="Which videos to read: 224p or 720p.")]
ClipFrames = Annotated[int, typer.Option(min=1, help="Frames per clip (sampled `stride` apart).")]
Stride = Annotated[int, typer.Option(min=1, help="Video frames between a clip's frames (2: 12.5 fps).")]
Size = Annotated[str, typer.Option(help="Delivered frame size, HEIGHTxWIDTH (or one number: a square).")]
BatchSize = Annotated[int, typer.Option(min=1, help="Clips per batch.")]
EpochClips = Annotated[
    int, typer.Option(min=1, help="Clips per epoch (the seed's enforce_train_epoch_size).")
]
Augment = Annotated[
    bool, typer.Option("--augment/--no-augment", help="The training augmentations (each at 0.25).")
]
Workers = Annotated[
    int | None, typer.Option(min=1, help="DALI threads and DataLoader workers (default: the usable cores).")
]
KeepFrames = Annotated[
    bool,
    typer.Option(
        "--keep-frames", help="Keep frame folders this benchmark extracted (existing ones are never removed)."
    ),
]
TrainerLoaders = Annotated[str, typer.Option(help="Comma-separated loaders: dali-gpu, dali-cpu, frames.")]
Work = Annotated[
    Path | None,
    typer.Option(
        help="Folder for generated data (synthetic games, re-encoded copies); default: a temp folder."
    ),
]


def _spec(clip_frames: int, stride: int, size: str, batch_size: int, epoch_clips: int, augment: bool):
    from dudek_dali.bench.spec import ClipSpec
    from dudek_dali.sizes import parse_size

    try:
        return ClipSpec(
            clip_frames=clip_frames, stride=stride, overlap=round(clip_frames * 68 / 80),
            size=parse_size(size), batch_size=batch_size, augment=augment, epoch_clips=epoch_clips,
        )  # fmt: skip
    except ValueError as err:
        raise UserError(str(err)) from None


def _kinds(text: str, *, floors: bool = True) -> tuple:
    """The comma-separated loader names, checked (the floors only where a study can use them)."""
    from dudek_dali.bench.spec import DECODE_FLOOR, FLOOR, check_loader_kinds
    from dudek_dali.sources.source import READ_ONLY, SOURCE_NAMES

    try:
        kinds = check_loader_kinds([k.strip() for k in text.split(",") if k.strip()])
    except ValueError as err:
        raise UserError(str(err)) from None
    if {FLOOR, DECODE_FLOOR} & set(kinds) and not floors:
        raise UserError(
            "this study measures the trainer's loaders only "
            f"({', '.join(s for s in SOURCE_NAMES if s not in READ_ONLY)}), "
            f"not the floors {FLOOR} and {DECODE_FLOOR}"
        )
    return kinds


def _games(dataset: Path, layout: LayoutOption, resolution: ResolutionOption, count: int) -> list:
    from dudek_dali.data.games import find_games

    games = find_games(dataset, layout=layout.value, resolution=int(resolution.value), labelled_only=True)
    return games[:count]


def _log(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.BRIGHT_BLACK)


def _finish(result: dict[str, Any], table, json_out: Path | None, plot_out: Path | None, plot) -> None:
    from rich.console import Console

    from dudek_dali.files import write_json

    Console().print(table)
    if json_out:
        write_json(json_out, result)
        _log(f"wrote {json_out}")
    if plot_out:
        plot(result, plot_out)
        _log(f"wrote {plot_out}")


@benchmark_app.command("loaders")
def loaders_command(
    dataset: Dataset,
    seconds: Seconds = 10.0,
    games: Games = 2,
    loaders: Annotated[
        str,
        typer.Option(
            help="Comma-separated loaders: the sources dali-gpu, dali-cpu, torchcodec-gpu, "
            "torchcodec-cpu, frames; the floors pyav (decode + resize) and torchcodec-floor (decode "
            "only: every row's ratio_to_floor divides by it). Unavailable ones are skipped."
        ),
    ] = "dali-gpu,dali-cpu,torchcodec-gpu,torchcodec-cpu,frames,pyav,torchcodec-floor",
    clip_frames: ClipFrames = 80,
    stride: Stride = 2,
    size: Size = "224x224",
    batch_size: BatchSize = 4,
    epoch_clips: EpochClips = 6000,
    augment: Augment = True,
    workers: Workers = None,
    rounds: Annotated[
        int, typer.Option(min=1, help="Measure every loader this many times, in turns; report the median.")
    ] = 1,
    layout: Layout = LayoutOption.bas,
    resolution: Resolution = ResolutionOption.r224,
    keep_frames: KeepFrames = False,
    json_out: Json = None,
    plot_out: Plot = None,
) -> None:
    """Every source's clip loader and the floors on the same games and clips, one table."""
    from dudek_dali.bench.loaders import compare_loaders
    from dudek_dali.bench.plot import plot_loaders
    from dudek_dali.bench.tables import loaders_table

    kinds = _kinds(loaders)
    spec = _spec(clip_frames, stride, size, batch_size, epoch_clips, augment)
    chosen = _games(dataset, layout, resolution, games)
    result = compare_loaders(
        chosen, spec, seconds=seconds, kinds=kinds, workers=workers, keep_frames=keep_frames, rounds=rounds,
        log=_log,
    )  # fmt: skip
    result["dataset"]["root"] = str(dataset)
    _finish(result, loaders_table(result), json_out, plot_out, plot_loaders)


@benchmark_app.command("scaling")
def scaling_command(
    work: Work = None,
    sizes: Annotated[str, typer.Option(help="Comma-separated dataset sizes in games.")] = "10,30,100",
    minutes: Annotated[float, typer.Option(min=0.05, help="Footage per synthetic game, in minutes.")] = 0.2,
    loaders: TrainerLoaders = "dali-gpu,dali-cpu,frames",
    clip_frames: ClipFrames = 80,
    stride: Stride = 2,
    size: Size = "224x224",
    batch_size: BatchSize = 4,
    epoch_clips: EpochClips = 6000,
    workers: Workers = None,
    keep_frames: KeepFrames = False,
    json_out: Json = None,
    plot_out: Plot = None,
) -> None:
    """Start-up time and memory of each loader as a synthetic dataset grows."""
    from dudek_dali.bench.output import default_work_dir
    from dudek_dali.bench.plot import plot_scaling
    from dudek_dali.bench.scaling import scaling_study
    from dudek_dali.bench.tables import scaling_table

    kinds = _kinds(loaders, floors=False)
    try:
        counts = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise UserError(f"--sizes must be comma-separated game counts, got {sizes!r}") from None
    spec = _spec(clip_frames, stride, size, batch_size, epoch_clips, True)
    try:
        result = scaling_study(
            work or default_work_dir(),
            spec,
            sizes=counts,
            minutes=minutes,
            kinds=kinds,
            workers=workers,
            keep_frames=keep_frames,
            log=_log,
        )
    except ValueError as err:
        raise UserError(str(err)) from None
    _finish(result, scaling_table(result), json_out, plot_out, plot_scaling)


@benchmark_app.command("training")
def training_command(
    dataset: Dataset,
    model: Annotated[str, typer.Option(help="timm backbone (random weights).")] = "regnety_002",
    steps: Annotated[int, typer.Option(min=1, help="Optimizer steps per epoch.")] = 8,
    epochs: Annotated[int, typer.Option(min=1, help="Epochs; the last one is the steady state.")] = 2,
    clip_frames: ClipFrames = 80,
    size: Size = "224x224",
    batch_size: BatchSize = 4,
    loaders: TrainerLoaders = "dali-gpu,dali-cpu,frames",
    workers: Workers = None,
    keep_frames: KeepFrames = False,
    json_out: Json = None,
) -> None:
    """Steps/s and data-wait fraction of a short train-challenge run with each loader."""
    from dudek_dali.bench.tables import training_table
    from dudek_dali.bench.training import TrainingSpec, training_study
    from dudek_dali.sizes import parse_size

    kinds = _kinds(loaders, floors=False)
    try:
        spec = TrainingSpec(
            model=model, clip_frames=clip_frames, size=parse_size(size), batch_size=batch_size,
            steps=steps, epochs=epochs,
        )  # fmt: skip
    except ValueError as err:
        raise UserError(str(err)) from None
    result = training_study(dataset, spec, kinds=kinds, workers=workers, keep_frames=keep_frames, log=_log)
    _finish(result, training_table(result), json_out, None, None)


@benchmark_app.command("keyframes")
def keyframes_command(
    dataset: Dataset,
    work: Work = None,
    intervals: Annotated[
        str,
        typer.Option(
            help="Comma-separated keyframe intervals (frames) to try. 24 is the window step of 80-frame "
            "clips with overlap 68 at stride 2: every training clip then starts on a keyframe."
        ),
    ] = "24,25",
    half_fps: Annotated[
        bool,
        typer.Option("--half-fps/--no-half-fps", help="Also try a copy keeping every 2nd frame (12.5 fps)."),
    ] = True,
    codec: Annotated[
        str, typer.Option(help="Codec of the copies: auto (h264 with CUDA, else vp9), vp9 or h264.")
    ] = "auto",
    seconds: Seconds = 10.0,
    games: Games = 2,
    clip_frames: ClipFrames = 80,
    size: Size = "224x224",
    batch_size: BatchSize = 4,
    epoch_clips: EpochClips = 6000,
    augment: Augment = True,
    workers: Workers = None,
    with_frames: Annotated[
        bool,
        typer.Option("--with-frames/--no-frames", help="Extract frame folders too, for the disk comparison."),
    ] = True,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the re-encoded copies under --work.")] = False,
    layout: Layout = LayoutOption.bas,
    resolution: Resolution = ResolutionOption.r224,
    json_out: Json = None,
    plot_out: Plot = None,
) -> None:
    """Random-clip throughput on the original keyframe spacing against short-GOP re-encoded copies."""
    from dudek_dali.bench.keyframe_study import keyframe_study
    from dudek_dali.bench.output import default_work_dir
    from dudek_dali.bench.plot import plot_keyframes
    from dudek_dali.bench.tables import keyframes_table

    if codec not in ("auto", "vp9", "h264"):
        raise UserError(f"--codec must be auto, vp9 or h264, got {codec!r}")
    try:
        gops = [int(k) for k in intervals.split(",") if k.strip()]
        if not gops or min(gops) < 1:
            raise ValueError(f"intervals must be positive frame counts, got {intervals!r}")
    except ValueError as err:
        raise UserError(str(err)) from None
    spec = _spec(clip_frames, 2, size, batch_size, epoch_clips, augment)
    chosen = _games(dataset, layout, resolution, games)
    try:
        result = keyframe_study(
            dataset, chosen, spec, work=work or default_work_dir(), intervals=gops, half_fps=half_fps,
            codec=None if codec == "auto" else codec, seconds=seconds, workers=workers,
            with_frames=with_frames, keep=keep, log=_log,
        )  # fmt: skip
    except ValueError as err:
        raise UserError(str(err)) from None
    _finish(result, keyframes_table(result), json_out, plot_out, plot_keyframes)
