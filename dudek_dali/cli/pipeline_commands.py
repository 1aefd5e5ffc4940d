"""``dudek preview``: render one decoded (and optionally augmented) clip with its targets drawn on."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption
from dudek_dali.cli.options import SourceCommand, source_option


@app.command(cls=SourceCommand)
def preview(
    dataset: Path = typer.Argument(..., help="Dataset root holding <league>/<season>/<match>/ folders."),
    out: Path = typer.Option(..., "--out", "-o", help="Video file to write (.mp4, .mkv or .webm)."),
    game: str | None = typer.Option(
        None, help="Match folder name (or part of league/season/match); default: the first labelled game."
    ),
    clip_frames: int = typer.Option(80, help="Frames per clip (sampled frames, after the stride)."),
    stride: int = typer.Option(2, help="Take every STRIDE-th video frame (2: 12.5 fps from 25 fps)."),
    augment: bool = typer.Option(False, "--augment", help="Apply the training augmentations."),
    source: str = source_option(),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas, help="bas: SN-BAS-2025 (one video per game); broadcast: a video per half."
    ),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="Which videos to read: 224p or 720p."
    ),
    seed: int = typer.Option(0, help="Seed of the clip choice and its augmentation."),
) -> None:
    """Render one clip as the model sees it, with each frame's target written on it.

    The clip is the first planned clip of the game; for a labelled game it is drawn so that it
    holds an event (as even_choice_proba=1 would), so the targets are visible.
    """
    from dudek_dali.preview import preview_clip

    try:
        shown = preview_clip(
            dataset, out, game=game, clip_frames=clip_frames, stride=stride, augment=augment,
            source=source, layout=layout.value, resolution=int(resolution.value),
            seed=seed,
        )  # fmt: skip
    except ValueError as err:
        raise UserError(str(err)) from None
    numbers = shown.frame_numbers
    span = f"frames {numbers[0]}..{numbers[-1]}, stride {stride}"
    typer.echo(
        f"wrote {out}: {len(numbers)} frames of {shown.game} ({span}), {shown.labelled_frames} labelled, "
        f"flipped: {'yes' if shown.flipped else 'no'}, decoded by {shown.source} in {shown.seconds:.1f} s"
    )
