"""``dudek preview``: render one decoded (and optionally augmented) clip with its targets drawn on."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption


def _pick_game(games, name: str | None):
    if name is None:
        labelled = [g for g in games if g.is_labelled]
        return (labelled or games)[0]
    wanted = name.lower()
    exact = [g for g in games if wanted in (g.match.lower(), g.url_local.lower())]
    matches = exact or [g for g in games if wanted in g.url_local.lower()]
    if not matches:
        raise UserError(f"no game matches {name!r} (run `dudek info DATASET` to list them)")
    if len(matches) > 1:
        listed = "; ".join(g.match for g in matches[:5])
        raise UserError(f"{name!r} matches {len(matches)} games ({listed}); give more of the match name")
    return matches[0]


def _device(gpu: bool | None) -> str:
    if gpu is not None:
        return "gpu" if gpu else "cpu"
    import torch

    return "gpu" if torch.cuda.is_available() else "cpu"


@app.command()
def preview(
    dataset: Path = typer.Argument(..., help="Dataset root holding <league>/<season>/<match>/ folders."),
    out: Path = typer.Option(..., "--out", "-o", help="Video file to write (.mp4, .mkv or .webm)."),
    game: str | None = typer.Option(
        None, help="Match folder name (or part of league/season/match); default: the first labelled game."
    ),
    clip_frames: int = typer.Option(80, help="Frames per clip (sampled frames, after the stride)."),
    stride: int = typer.Option(2, help="Take every STRIDE-th video frame (2: 12.5 fps from 25 fps)."),
    augment: bool = typer.Option(
        False, "--augment", help="Apply the training augmentations (seed defaults)."
    ),
    decode_on_gpu: bool | None = typer.Option(
        None,
        "--decode-on-gpu/--decode-on-cpu",
        help="Decode with NVDEC on the GPU, or on the CPU (VP8/VP9/MJPEG only). Default: GPU if present.",
    ),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas, help="bas: SN-BAS-2025 (one video per game); broadcast: a video per half."
    ),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="Which videos to read: 224p or 720p."
    ),
    seed: int = typer.Option(0, help="Seed of the clip choice and its augmentation."),
) -> None:
    """Render one clip as the model sees it, with each frame's target written on it.

    The clip is the seed's first planned clip of the game; for a labelled game it is drawn so
    that it holds an event (as even_choice_proba=1 would), so the targets are visible.
    """
    from dudek_dali.data.games import discover_games
    from dudek_dali.pipelines import AugmentConfig, create_clip_loader
    from dudek_dali.pipelines.preview import render_clip

    if out.suffix.lower() not in (".mp4", ".mkv", ".webm"):
        raise UserError(f"{out}: --out must end in .mp4, .mkv or .webm")
    found = discover_games(dataset, layout=layout.value, resolution=int(resolution.value))
    if not found.games:
        found.raise_for_problems()
        raise UserError(f"{dataset}: no {layout.value} games found")
    chosen = _pick_game(found.games, game)
    device = _device(decode_on_gpu)
    started = time.perf_counter()
    try:
        loader = create_clip_loader(
            [chosen],
            device=device,
            clip_frames=clip_frames,
            stride=stride,
            overlap=0,
            augment=AugmentConfig() if augment else AugmentConfig.off(),
            enforce_epoch_size=1,
            even_choice_proba=1.0 if chosen.is_labelled else 0.0,
            batch_size=1,
            seed=seed,
        )
    except ValueError as err:
        raise UserError(str(err)) from None
    with loader:
        batch = next(iter(loader))
    render_clip(batch, 0, label_set=chosen.label_set, out=out, fps=25.0 / stride)
    numbers = batch.frame_numbers[0]
    labelled = int((batch.classes[0] > 0).sum())
    span = f"frames {int(numbers[0])}..{int(numbers[-1])}, stride {stride}"
    typer.echo(
        f"wrote {out}: {len(numbers)} frames of {chosen.url_local} ({span}), "
        f"{labelled} labelled, flipped: {'yes' if bool(batch.flipped[0]) else 'no'}, "
        f"decoded on the {device} in {time.perf_counter() - started:.1f} s"
    )
