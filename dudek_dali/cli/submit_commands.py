"""``dudek submit`` (alias ``create-solution``, the seed's name): the challenge submission zip."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption
from dudek_dali.cli.options import DEVICE_HELP, TRUST_PICKLE_HELP, SourceCommand, source_option


def submit(
    dataset_path: Path = typer.Option(
        ...,
        "--dataset-path",
        "--dataset_path",
        help="Games to predict (<league>/<season>/<match>/); labels not needed.",
    ),
    model_checkpoint_path: Path = typer.Option(
        ...,
        "--model-checkpoint-path",
        "--model_checkpoint_path",
        help="The model: a dudek checkpoint or Hub folder, hf://ORG/NAME[@REV], or dude-k's (converted).",
    ),
    output: Path = typer.Option(Path("submission.zip"), "--output", "-o", help="Submission zip to write."),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="Which videos to read: 224p or 720p."
    ),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas, help="bas: SN-BAS-2025; broadcast: a video per half."
    ),
    overlap: int | None = typer.Option(
        None,
        help="Sampled frames shared by consecutive windows (default: 85% of the clip, the seed's 68 of 80).",
    ),
    batch_size: int = typer.Option(4, "--batch-size", "--batch_size", help="Windows per forward pass."),
    flip_tta: bool = typer.Option(
        False, "--flip-tta", help="Also score each window mirrored (teams swapped back) and average: 2x time."
    ),
    device: str = typer.Option("auto", help=DEVICE_HELP),
    source: str = source_option(),
    trust_pickle: bool = typer.Option(False, "--trust-pickle", help=TRUST_PICKLE_HELP),
) -> None:
    """Predict every game of a dataset with a trained model and write the challenge submission zip."""
    from dudek_dali.inference.submit import create_submission

    summary = create_submission(
        dataset_path,
        model_checkpoint_path,
        output=output,
        layout=layout.value,
        resolution=int(resolution.value),
        overlap=overlap,
        batch_size=batch_size,
        flip_tta=flip_tta,
        device=device,
        source=source,
        trust_pickle=trust_pickle,
    )
    typer.echo(f"wrote {summary.path}: {summary.games} games, {summary.predictions} predictions")
    typer.echo(f"check it with: dudek validate-submission '{summary.path}'")


app.command("submit", cls=SourceCommand)(submit)
app.command("create-solution", help="The seed's name for `dudek submit`.", cls=SourceCommand)(submit)
