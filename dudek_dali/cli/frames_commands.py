"""``dudek extract-frames``: the seed's JPEG frame folders, for the frame-folder loader."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption


@app.command("extract-frames")
def extract_frames_command(
    dataset: Path = typer.Argument(..., help="Dataset root holding <league>/<season>/<match>/ folders."),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas,
        help="bas: SN-BAS-2025 (every stride-th frame of labelled games); "
        "broadcast: older games (only frames within --radius-sec of an annotation).",
    ),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="Which videos to read: 224p or 720p."
    ),
    stride: int = typer.Option(2, min=1, help="Keep frames 0, stride, 2*stride, ... (the training stride)."),
    size: str = typer.Option(
        "224x224", help="HEIGHTxWIDTH of every JPEG, or one number for a square (frames are squashed to it)."
    ),
    save_all: bool = typer.Option(
        False,
        "--save-all",
        help="Keep every stride-th frame of every game, unlabelled (challenge) games included; "
        "without it unlabelled games are skipped.",
    ),
    radius_sec: float = typer.Option(
        8.0, min=0.0, help="broadcast: keep frames within this many seconds of an annotation."
    ),
    quality: int = typer.Option(95, min=1, max=100, help="JPEG quality (95: OpenCV's default, as the seed)."),
    workers: int = typer.Option(1, min=1, help="Videos extracted at once, each in its own process."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr."),
) -> None:
    """Extract JPEG frames next to each video (.frames_<video>/<frame index>.jpg); resumable."""
    from rich.console import Console

    from dudek_dali.cli.frames_report import extraction_table, progress_bar
    from dudek_dali.data.games import find_games
    from dudek_dali.frames import ExtractionConfig, extract_frames
    from dudek_dali.sizes import parse_size

    try:
        config = ExtractionConfig(
            stride=stride, size=parse_size(size), save_all=save_all, radius_sec=radius_sec, quality=quality
        )
    except ValueError as err:
        raise UserError(str(err)) from None
    games = find_games(dataset, layout=layout.value, resolution=int(resolution.value))
    console = Console(stderr=True)
    with progress_bar(console, enabled=progress) as on_progress:
        report = extract_frames(games, config, workers=workers, progress=on_progress)
    Console().print(extraction_table(report))
    for _video, reason in report.failed:  # each reason names its video
        typer.secho(f"error: {reason}", fg=typer.colors.RED, err=True)
    if report.failed:
        typer.secho(
            f"error: {len(report.failed)} video(s) failed; run the command again to retry them",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
