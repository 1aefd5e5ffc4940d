"""``dudek review``: a review page for one video's spotted events (review.html beside them)."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app


@app.command()
def review(
    spot_dir: Path = typer.Argument(
        ..., help="A folder dudek spot wrote (OUT/<video file stem>/ with results_spotting.json)."
    ),
    labels: Path | None = typer.Option(
        None,
        help="A Labels-ball.json to mark hits, false alarms and misses against (default: the one "
        "beside the video, if any).",
    ),
    video: Path | None = typer.Option(
        None,
        help="The video the page plays (default: the source video named in spot.json, else "
        "overlay.mp4 in SPOT_DIR).",
    ),
) -> None:
    """Write SPOT_DIR/review.html: the video, the events as a list and on a timeline, filters, keyboard
    review (accept, reject, change class or team) and an export of the accepted events as a
    Labels-ball.json. One file that opens in a browser, with no server and no network.
    """
    from dudek_dali.spotting.review import write_review

    page = write_review(spot_dir, labels=labels, video=video)
    typer.echo(f"{page.events} events, video {page.video}")
    if page.labels is not None:
        typer.echo(
            f"against {page.labels}: {page.hits} hits, {page.wrong_team} wrong team, "
            f"{page.false_alarms} false alarms; {page.found} labels found, {page.missed} missed"
        )
    typer.echo(f"wrote {page.page}: open {page.page.resolve().as_uri()}")
