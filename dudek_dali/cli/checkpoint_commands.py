"""``dudek import-checkpoint``: a T-DEED trained with dude-k (the seed) as a dudek checkpoint.

Every command that takes a checkpoint converts a dude-k file as it reads it; this writes the
converted file once, so later runs skip the conversion and the file carries its config.
"""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app


@app.command("import-checkpoint")
def import_checkpoint_command(
    dudek_checkpoint: Path = typer.Argument(
        ..., metavar="DUDEK_CKPT", help="A T-DEED state dict saved by dude-k (bas-tdeed-train)."
    ),
    output: Path = typer.Argument(..., metavar="OUT.pt", help="The dudek checkpoint to write."),
) -> None:
    """Convert a dude-k T-DEED checkpoint into a dudek model checkpoint."""
    from dudek_dali.model.checkpoint import import_dudek_checkpoint

    payload = import_dudek_checkpoint(dudek_checkpoint, output)
    typer.echo(payload["conversion_note"])
    typer.echo(f"wrote {output}")
