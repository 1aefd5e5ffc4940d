"""The Typer application every command module registers itself on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="dudek",
    help="SoccerNet Ball Action Spotting: T-DEED trained on video decoded by NVIDIA DALI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class UserError(Exception):
    """Bad input from the user: printed as one line, exit code 2, no traceback."""
