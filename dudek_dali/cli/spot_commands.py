"""``dudek spot``: run a trained model on any match video (JSON, CSV, timeline, optional overlay)."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.options import DEVICE_HELP, TRUST_PICKLE_HELP, SourceCommand, source_option

_SHOWN = 12  # events listed per video (all of them are in events.csv)


@app.command(cls=SourceCommand)
def spot(
    videos: list[Path] = typer.Argument(
        ..., help="Video files (mp4, mkv, mov, webm; any codec FFmpeg reads)."
    ),
    model_checkpoint_path: Path = typer.Option(
        ...,
        "--model-checkpoint-path",
        "--model_checkpoint_path",
        help="The model: a dudek checkpoint or Hub folder, hf://ORG/NAME[@REV], or dude-k's or "
        "OpenSportsLab's E2E-Spot checkpoint (converted).",
    ),
    out: Path = typer.Option(
        Path("spot"), "--out", "-o", help="Each video's files go to OUT/<video file stem>/."
    ),
    overlay: bool = typer.Option(
        False, "--overlay", help="Also write overlay.mp4: the video with the events drawn."
    ),
    review: bool = typer.Option(
        False, "--review", help="Also write review.html: the events to review in a browser (dudek review)."
    ),
    threshold: float = typer.Option(0.2, help="Lowest confidence an event is listed with (0 < T <= 1)."),
    device: str = typer.Option("auto", help=DEVICE_HELP),
    source: str = source_option(),
    trust_pickle: bool = typer.Option(False, "--trust-pickle", help=TRUST_PICKLE_HELP),
) -> None:
    """Spot ball actions in match videos: results_spotting.json (the challenge format), events.csv,
    timeline.png and, with --overlay, overlay.mp4 per video.

    Videos at other frame rates than 25 fps are sampled by timestamp at the model's rate; times
    and frame numbers are the video's own. A video that cannot be read is named with the problem,
    the others are still spotted, and the exit code is 1 when any failed.
    """
    from dudek_dali.inference.spot import SpotConfig, spot_videos

    try:
        config = SpotConfig(threshold=threshold)
    except ValueError as err:
        raise UserError(str(err)) from None
    _, failed = spot_videos(
        videos, model_checkpoint_path, out=out, config=config, overlay=overlay, review=review, source=source,
        device=device, trust_pickle=trust_pickle, on_result=_report,
    )  # fmt: skip
    if failed:
        typer.secho(f"error: {len(failed)} of {len(videos)} video(s) failed", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


def _report(result) -> None:
    from rich.console import Console
    from rich.table import Table

    if isinstance(result, tuple):
        typer.secho(f"error: {result[1]}", fg=typer.colors.RED, err=True)
        return
    console = Console()
    found = len(result.events)
    shown = "" if found <= _SHOWN else f", the {_SHOWN} most confident:"
    console.print(f"{result.video.name}: {found} event(s){shown}", markup=False, highlight=False)
    if found:
        teams = all(e.team is not None for e in result.events)  # a model without teams has none
        table = Table()
        for name in ("time", "frame", "class", *(["team"] if teams else []), "confidence"):
            table.add_column(name, justify="right" if name in ("frame", "confidence") else "left")
        for event in sorted(result.events, key=lambda e: -e.confidence)[:_SHOWN]:
            side = [event.team] if teams else []
            table.add_row(event.clock, str(event.frame), event.label, *side, f"{event.confidence:.2f}")
        console.print(table)
    lines = (
        f"{result.frames} frames at {result.fps:g} fps, decoded by {result.source} "
        f"({result.decode_seconds:.1f} s), model {result.model_seconds:.1f} s",
        f"wrote {', '.join(sorted(result.files))} in {result.out_dir}",
    )
    for line in lines:
        console.print(line, markup=False, highlight=False)
