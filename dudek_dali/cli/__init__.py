"""The ``dudek`` command line. Each command lives in a small module that calls the library.

Heavy imports (torch, DALI) happen inside the commands so ``dudek --help`` stays fast.
"""

from __future__ import annotations

import sys

import typer

from dudek_dali import __version__

# Importing a command module registers its commands on ``app``.
from dudek_dali.cli import (  # noqa: F401
    benchmark_commands,
    checkpoint_commands,
    data_commands,
    demo_commands,
    doctor_commands,
    frames_commands,
    hub_commands,
    pipeline_commands,
    prepare_commands,
    review_commands,
    spot_commands,
    spotting_commands,
    submit_commands,
    synth_commands,
    train_commands,
)
from dudek_dali.cli._app import UserError, app
from dudek_dali.errors import DudekError


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"dudek_dali {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """SoccerNet Ball Action Spotting: T-DEED trained on video decoded by NVIDIA DALI."""


def main() -> None:
    """Console entry point: user errors become one readable line and exit code 2."""
    try:
        app()
    except (UserError, DudekError) as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        sys.exit(2)
