"""``dudek prepare``: a copy of the dataset whose videos have a keyframe every second or so.

DALI seeks back to the previous keyframe for every random training clip; SoccerNet's videos
have one every ~10 s, so each clip decodes far more frames than it delivers. The copy trades a
re-encoding pass and some disk (still far less than frame folders) for faster random access;
``dudek benchmark keyframes`` measures both on your machine.
"""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption


@app.command("prepare")
def prepare_command(
    dataset: Path = typer.Argument(..., help="Dataset root holding <league>/<season>/<match>/ folders."),
    out: Path = typer.Option(
        ..., "--out", help="Where the copy goes (outside DATASET): new, empty, or an earlier prepared copy."
    ),
    keyframe_interval: int = typer.Option(
        24,
        min=1,
        help="Frames between keyframes. 24 = the window step of 80-frame clips with overlap 68 at "
        "stride 2 (train-challenge), so every training clip starts on a keyframe; 30 suits 70/55 (train).",
    ),
    codec: str = typer.Option(
        "auto",
        help="auto: h264 when a CUDA GPU is visible (NVDEC), else vp9 (what DALI decodes on the CPU).",
    ),
    crf: int | None = typer.Option(
        None, min=0, max=63, help="Constant quality (lower is better; default vp9 30, h264 18)."
    ),
    layout: LayoutOption = typer.Option(LayoutOption.bas, help="bas: SN-BAS-2025; broadcast: older games."),
    resolution: ResolutionOption = typer.Option(ResolutionOption.r224, help="Which videos to copy."),
) -> None:
    """Re-encode every video with short keyframe intervals into a copy of the dataset (resumable)."""
    from rich.console import Console

    from dudek_dali.data.games import find_games
    from dudek_dali.prepare import default_codec, prepare_dataset

    if codec not in ("auto", "vp9", "h264"):
        raise UserError(f"--codec must be auto, vp9 or h264, got {codec!r}")
    games = find_games(dataset, layout=layout.value, resolution=int(resolution.value))
    chosen = default_codec() if codec == "auto" else codec
    console = Console(stderr=True)

    def report(path: Path, written: bool) -> None:
        console.print(
            f"{'wrote' if written else 'kept'} {path}", markup=False, highlight=False, soft_wrap=True
        )

    result = prepare_dataset(
        dataset, out, games, keyframe_interval=keyframe_interval, codec=chosen, crf=crf, on_video=report
    )
    mib = 2**20
    done = f"{len(result.written)} videos re-encoded, {len(result.skipped)} already done"
    disk = f"videos {result.source_bytes / mib:,.1f} MiB -> copy {result.copy_bytes / mib:,.1f} MiB"
    console.print(
        f"{done}, in {result.seconds:.1f} s ({chosen}, keyframe every {keyframe_interval} frames); "
        f"{disk} ({result.disk_ratio:.2f}x). Train with --dataset-path {out}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
