"""``dudek submit`` (alias ``create-solution``, the seed's name): the challenge submission zip."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption


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
        help="Model checkpoint written by dudek train.",
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
    device: str | None = typer.Option(
        None, help="Torch device for the model (default: cuda if present, else cpu)."
    ),
    decode_on_gpu: bool | None = typer.Option(
        None,
        "--decode-on-gpu/--decode-on-cpu",
        help="Decode with NVDEC on the GPU, or on the CPU (VP8/VP9/MJPEG only). Default: GPU if present.",
    ),
) -> None:
    """Predict every game of a dataset with a trained model and write the challenge submission zip."""
    import torch

    from dudek_dali.spotting.submit import create_submission

    cuda = torch.cuda.is_available()
    summary = create_submission(
        dataset_path,
        model_checkpoint_path,
        output=output,
        layout=layout.value,
        resolution=int(resolution.value),
        overlap=overlap,
        batch_size=batch_size,
        flip_tta=flip_tta,
        device=device or ("cuda" if cuda else "cpu"),
        decode_device="gpu" if (decode_on_gpu if decode_on_gpu is not None else cuda) else "cpu",
    )
    typer.echo(f"wrote {summary.path}: {summary.games} games, {summary.predictions} predictions")
    typer.echo(f"check it with: dudek validate-submission '{summary.path}'")


app.command("submit")(submit)
app.command("create-solution", help="The seed's name for `dudek submit`.")(submit)
