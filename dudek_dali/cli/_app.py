"""The Typer application every command module registers itself on.

Help is click's plain formatter (``rich_markup_mode=None``), not Rich's panels: Rich truncates
long option names such as ``--clip-frames-count, --clip_frames_count`` with an ellipsis in an
80-column terminal and draws boxes into pipes; click wraps to the terminal and stays readable
when piped. Help text names options (``--decode-on-cpu``), so lines are not broken at hyphens:
an option cut in two across lines cannot be copied or searched for.
"""

from __future__ import annotations

import importlib

import typer

# typer vendors click (typer._click); its help formatter imports this wrapper class each time it
# wraps, so the subclass put in its place wraps our help. Should the module move, help still works,
# only with lines broken at hyphens again.
_textwrap = importlib.import_module("typer._click._textwrap")


class _Wrapper(_textwrap.TextWrapper):
    """click's help wrapper, never breaking a line at a hyphen."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **{**kwargs, "break_on_hyphens": False})


_textwrap.TextWrapper = _Wrapper

CONTEXT = {"help_option_names": ["--help", "-h"], "max_content_width": 100}


def create_app(name: str, help: str) -> typer.Typer:
    """A top-level console script (``dudek``, dude-k's aliases): plain help, no tracebacks shown."""
    return typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings=CONTEXT,
    )


app = create_app("dudek", "SoccerNet Ball Action Spotting: T-DEED trained on video decoded by NVIDIA DALI.")


def sub_app(name: str, help: str) -> typer.Typer:
    """A command group with the same help formatting as ``app``, registered on it."""
    group = typer.Typer(
        name=name, help=help, no_args_is_help=True, rich_markup_mode=None, context_settings=CONTEXT
    )
    app.add_typer(group, name=name)
    return group


class UserError(Exception):
    """Bad input from the user: printed as one line, exit code 2, no traceback."""
