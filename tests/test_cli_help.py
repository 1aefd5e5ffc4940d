"""Every command's ``--help`` is readable in an 80-column terminal and when piped.

Rich's help panels cut long option names (``--clip-frames-c…``) and draw boxes into pipes; the
CLI uses click's plain formatter instead. These tests render each command's help the way a
pipe or an 80-column terminal gets it and require every line to fit, no ellipsis, no box
drawing, and every option of the command to be named in full.
"""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from dudek_dali.cli import app

COMMAND = typer.main.get_command(app)


def command_paths(group=COMMAND, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in sorted(group.commands.items()):
        if hasattr(sub, "commands"):  # a group (typer vendors its own click)
            paths += command_paths(sub, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def command_at(path: tuple[str, ...]):
    command = COMMAND
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "dudek")
def test_help_fits_80_columns_and_names_every_option(path):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line for line in lines if len(line) > 80] == []
    assert "…" not in result.output and "╭" not in result.output and "│" not in result.output
    for param in command_at(path).params:
        if getattr(param, "hidden", False):
            continue
        for name in param.opts:
            if name.startswith("--"):
                assert name in result.output, f"{name} missing from the help of {' '.join(path)}"


def test_there_are_commands_to_check():
    names = {" ".join(p) for p in command_paths()}
    assert {"train", "submit", "evaluate", "benchmark loaders", "demo"} <= names
