"""``dudek save-pretrained`` and ``dudek push-to-hub``: a checkpoint as a Hugging Face Hub model."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app
from dudek_dali.cli.options import TRUST_PICKLE_HELP

_CHECKPOINT_HELP = (
    "A dudek checkpoint (.pt), a Hub-style or OSL folder, a dude-k or OSL checkpoint, "
    "or hf://ORG/NAME[@REVISION]."
)


@app.command("save-pretrained")
def save_pretrained_command(
    checkpoint: str = typer.Argument(..., metavar="CHECKPOINT", help=_CHECKPOINT_HELP),
    folder: Path = typer.Argument(
        ..., metavar="DIR", help="Folder to write config.json, model.safetensors and README.md into."
    ),
    trust_pickle: bool = typer.Option(False, "--trust-pickle", help=TRUST_PICKLE_HELP),
) -> None:
    """Save a model as a Hugging Face Hub folder: config.json, model.safetensors and a model card."""
    from dudek_dali.cli.train_options import command_line
    from dudek_dali.model.publish import save_pretrained

    for path in save_pretrained(
        checkpoint, folder, trust_pickle=trust_pickle, describe_training=command_line
    ):
        typer.echo(f"wrote {path}")


@app.command("push-to-hub")
def push_to_hub_command(
    checkpoint: str = typer.Argument(..., metavar="CHECKPOINT", help=_CHECKPOINT_HELP),
    repo_id: str = typer.Argument(..., metavar="REPO_ID", help="The Hub model repository, ORG/NAME."),
    private: bool = typer.Option(False, "--private", help="Create the repository private."),
    revision: str | None = typer.Option(
        None, "--revision", metavar="R", help="Branch to push to (made from main when new)."
    ),
    trust_pickle: bool = typer.Option(False, "--trust-pickle", help=TRUST_PICKLE_HELP),
) -> None:
    """Upload a model to the Hugging Face Hub (the token huggingface_hub finds: HF_TOKEN or
    `hf auth login`)."""
    from dudek_dali.cli.train_options import command_line
    from dudek_dali.model.publish import push_to_hub

    url = push_to_hub(
        checkpoint, repo_id, private=private, revision=revision, trust_pickle=trust_pickle,
        describe_training=command_line,
    )  # fmt: skip
    typer.echo(f"pushed {url}")
