"""``dudek doctor``: check the environment (and a dataset's videos) before the first GPU run."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from dudek_dali.cli._app import app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption


@app.command()
def doctor(
    dataset: Path | None = typer.Argument(
        None, help="Also check every video of this dataset root (<league>/<season>/<match>/ folders)."
    ),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas, help="bas: SN-BAS-2025; broadcast: a video per half."
    ),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="Which videos to check: 224p or 720p."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the tables."),
) -> None:
    """Check torch, CUDA builds, driver, DALI, NVDEC and FFmpeg, and every video of DATASET.

    Each problem is printed with a one-line fix; exit code 1 when any is found.
    """
    from dudek_dali.doctor import diagnose

    report = diagnose(dataset, layout=layout.value, resolution=int(resolution.value))
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=1))
    else:
        _print(report)
    if report.problems:
        raise typer.Exit(1)


def _print(report) -> None:
    from rich.console import Console

    console = Console()
    for finding in report.environment:
        console.print(finding.line(), markup=False, highlight=False, soft_wrap=True)
    if report.videos:
        console.print(f"\n{len(report.videos)} video(s):", markup=False, highlight=False)
        for row in report.videos:
            rate = {True: "constant rate", False: "VARIABLE rate", None: "rate unknown"}[row.constant_rate]
            packets = row.packet_frames if row.packet_frames is not None else "?"
            sources = ", ".join(row.sources) or "nothing here"
            lines = (
                f"  {row.video}",
                f"    {row.codec} {row.size} {row.fps:g} fps ({rate}), decoded by {sources}",
                f"    frames: container {row.container_frames}, packets {packets}; "
                f"keyframe gap {row.keyframe_gap}",
                f"    {row.labels_past_end} label(s) past the end",
            )
            for line in lines:
                console.print(line, markup=False, highlight=False, soft_wrap=True)
        for finding in report.video_findings:
            console.print(finding.line(), markup=False, highlight=False, soft_wrap=True)
    count = len(report.problems)
    console.print(f"{count} problem(s)" if count else "no problems found", markup=False, highlight=False)
