"""``dudek import-checkpoint``: a dude-k T-DEED or an OSL E2E-Spot model as a dudek checkpoint.

Every command that takes a checkpoint converts a foreign one as it reads it; this writes the
converted file once, so later runs skip the conversion and the file carries its config.
"""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app
from dudek_dali.cli.options import TRUST_PICKLE_HELP


@app.command("import-checkpoint")
def import_checkpoint_command(
    source: str = typer.Argument(
        ...,
        metavar="SOURCE",
        help="A dude-k T-DEED state dict (bas-tdeed-train), an OSL E2E-Spot checkpoint or folder "
        "(config.yaml + checkpoint), or hf://ORG/NAME[@REVISION] (e.g. "
        "hf://OpenSportsLab/OSL-loc-snbas-2025-e2e).",
    ),
    output: Path = typer.Argument(..., metavar="OUT.pt", help="The dudek checkpoint to write."),
    trust_pickle: bool = typer.Option(False, "--trust-pickle", help=TRUST_PICKLE_HELP),
) -> None:
    """Convert a dude-k or OSL checkpoint into a dudek model checkpoint."""
    from dudek_dali.model.checkpoint import import_checkpoint

    payload = import_checkpoint(source, output, trust_pickle=trust_pickle)
    typer.echo(payload["conversion_note"])
    typer.echo(f"wrote {output}")
