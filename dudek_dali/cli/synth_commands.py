"""``dudek synth``: write the synthetic SoccerNet dataset and print what it holds."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption


class CodecOption(str, Enum):
    vp9 = "vp9"
    h264 = "h264"


@app.command()
def synth(
    out: Path = typer.Argument(
        ...,
        help="Dataset folder to create. Must be new, empty, or an earlier synthetic dataset "
        "(recognised by its .dudek-synth.json): reused when the options match, rewritten otherwise.",
    ),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas,
        help="bas: SN-BAS-2025 layout (one 224p.mp4/720p.mp4 + Labels-ball.json per game); "
        "broadcast: older action-spotting layout (two halves + Labels-v2.json, 17 classes).",
    ),
    games: int = typer.Option(3, min=1, help="Number of games; bas takes the official match names first."),
    minutes: float = typer.Option(
        1.0, help="Footage per game in minutes (broadcast: split into two halves)."
    ),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="224 (398x224) or 720 (1280x720)."
    ),
    seed: int = typer.Option(0, min=0, help="Seed: same seed and options, same label files and pixels."),
    events_per_minute: float = typer.Option(20.0, help="Labelled events per minute of footage (at most 34)."),
    keyframe_interval: int = typer.Option(250, min=1, help="Frames between keyframes (250 = 10 s)."),
    stamp_frame_index: bool = typer.Option(
        False,
        "--stamp-frame-index",
        help="Draw each frame's index as a black/white block code in its top band.",
    ),
    codec: CodecOption = typer.Option(
        CodecOption.vp9,
        help="vp9 (decodable by DALI on CPU) or h264 (libx264 with B-frames; GPU decode only).",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr."),
) -> None:
    """Write a synthetic SoccerNet dataset in the real layout, with learnable events."""
    from rich.console import Console

    from dudek_dali.cli.synth_tables import synth_counts_table, synth_games_table
    from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset

    try:
        config = SynthConfig(
            layout=layout.value,
            games=games,
            minutes=minutes,
            resolution=int(resolution.value),
            seed=seed,
            events_per_minute=events_per_minute,
            keyframe_interval=keyframe_interval,
            stamp_frame_index=stamp_frame_index,
            codec=codec.value,
        )
    except ValueError as err:
        raise UserError(str(err)) from None
    summary = synthesize_dataset(out, config, progress=progress)
    console = Console()
    console.print(synth_games_table(summary))
    console.print(synth_counts_table(summary))
