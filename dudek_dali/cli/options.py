"""Options several commands share, spelled and explained once.

Every command that reads video takes ``--source NAME`` (what :func:`~dudek_dali.sources.resolve_source`
accepts). dude-k's flags ``--decode-on-gpu``, ``--decode-on-cpu`` and ``--frames`` stay as aliases:
:class:`SourceCommand` rewrites them into ``--source`` before click parses, so a command declares
one parameter and its help explains it once.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand

from dudek_dali.sources import SOURCE_HELP

DEVICE_HELP = "Torch device for the model: auto (CUDA when visible), cpu, cuda or cuda:N."
TRUST_PICKLE_HELP = (
    "Load a .pt checkpoint that needs arbitrary Python objects (full unpickling: it can run "
    "code). Only for files from a source you trust."
)
SOURCE_ALIASES = {"--decode-on-gpu": "dali-gpu", "--decode-on-cpu": "dali-cpu", "--frames": "frames"}
SOURCE_OPTION_HELP = (
    f"Where frames come from: {SOURCE_HELP}. auto: the first source here that reads the video, "
    "in the order the README measured (on a GPU, DALI first: not measured yet). torchcodec-* "
    "need torchcodec and FFmpeg (dudek doctor says). dude-k's --decode-on-gpu, --decode-on-cpu "
    "and --frames mean --source dali-gpu, dali-cpu and frames."
)


def source_option(default: str = "auto", help: str = SOURCE_OPTION_HELP) -> Any:
    """The ``--source NAME`` option (a command using it is registered with ``cls=SourceCommand``)."""
    return typer.Option(default, "--source", metavar="NAME", help=help)


class SourceCommand(TyperCommand):
    """A command whose ``--source`` also answers to dude-k's flags (module docstring); giving the
    source twice is a usage error rather than a silent last-one-wins."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        given = []
        for i, arg in enumerate(args):
            if arg == "--":  # what follows is positional
                rewritten += args[i:]
                break
            if arg in SOURCE_ALIASES:
                rewritten += ["--source", SOURCE_ALIASES[arg]]
                given.append(arg)
                continue
            if arg == "--source" or arg.startswith("--source="):
                given.append("--source")
            rewritten.append(arg)
        if len(given) > 1:
            raise typer.BadParameter(
                f"give the video source once (got {', '.join(given)}): --decode-on-gpu, --decode-on-cpu "
                "and --frames are aliases of --source",
                ctx=ctx,
            )
        return super().parse_args(ctx, rewritten)
