"""How :class:`~dudek_dali.train.config.TrainConfig`'s fields are spelled on the command line.

The trainer's config documents each option once (help text, commands, per-command defaults);
this module only adds what is about spelling: both ``--dataset-path`` and the seed's
``--dataset_path``, ``--x/--no-x`` switches for booleans except the seed's ``--save_every_epoch
true`` and ``--use_wandb true``, ``HxW`` sizes, and the ``--decode-on-gpu`` / ``--decode-on-cpu``
/ ``--frames`` flags for the video source. ``overrides`` lets the dude-k aliases
(:mod:`.dudek_commands`) show their own defaults.
The other way round, :func:`command_line` spells a stored training config as the command that
ran it (for model cards).
"""

from __future__ import annotations

import dataclasses
import inspect
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_type_hints

import typer

from dudek_dali.sizes import format_size, parse_size
from dudek_dali.train.config import TrainConfig

# --decode-on-gpu ... -> TrainConfig.video_source values, with each flag's help.
SOURCE_FLAGS: dict[str, tuple[str, str]] = {
    "--decode-on-gpu": ("dali-gpu", "Decode video with DALI on the GPU (NVDEC: H.264, HEVC, VP9...)."),
    "--decode-on-cpu": ("dali-cpu", "Decode video with DALI on the CPU (VP8, VP9, MJPEG: not H.264)."),
    "--frames": ("frames", "Read frames extracted by `dudek extract-frames` instead of decoding video."),
}  # fmt: skip
SEED_BOOLS = {"save_every_epoch", "use_wandb"}  # the seed's `--save_every_epoch true`


def parse_bool(value: Any) -> bool:
    """The seed's ``--save_every_epoch true``: accepts true/false, yes/no, 1/0, on/off."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "on"):
        return True
    if text in ("0", "false", "no", "n", "off"):
        return False
    raise typer.BadParameter(f"expected true or false, got {value!r}")


def seed_bool_option(default: bool, *names: str, help: str, metavar: str | None = "BOOLEAN") -> Any:
    """A seed-style boolean option taking a value (``--save_all=true``), parsed by :func:`parse_bool`."""
    return typer.Option(str(default).lower(), *names, help=help, parser=parse_bool, metavar=metavar)


def parse_size_option(value: Any) -> tuple[int, int]:
    """``224`` (square) or ``HxW`` such as ``224x398``, as a typer parser."""
    try:
        return parse_size(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


def option_names(name: str) -> list[str]:
    """``--dataset-path`` and, when it differs, the seed's ``--dataset_path``."""
    dashed = "--" + name.replace("_", "-")
    underscored = "--" + name
    return [dashed] if dashed == underscored else [dashed, underscored]


def _kw(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def flag_parameter(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def command_parameters(command: str, overrides: dict[str, Any] | None = None) -> list[inspect.Parameter]:
    """The typer parameters of ``command``, one (or one per flag) for each of its config fields.

    ``overrides`` replaces the defaults of the fields it names.
    """
    hints = get_type_hints(TrainConfig)
    overrides = overrides or {}
    params = []
    for f in dataclasses.fields(TrainConfig):
        meta = f.metadata
        if command not in meta["commands"]:
            continue
        default = overrides.get(f.name, meta["per_command"].get(command, f.default))
        names = option_names(f.name)
        help_text, metavar = meta["help"], meta["metavar"]
        if f.name == "video_source":
            for flag, (_, flag_help) in SOURCE_FLAGS.items():
                params.append(_kw(flag_parameter(flag), bool, typer.Option(False, flag, help=flag_help)))
        elif hints[f.name] is bool and f.name not in SEED_BOOLS:
            dashed = f.name.replace("_", "-")
            params.append(
                _kw(f.name, bool, typer.Option(default, f"--{dashed}/--no-{dashed}", help=help_text))
            )
        elif f.name in SEED_BOOLS:
            params.append(
                _kw(f.name, str, seed_bool_option(default, *names, help=help_text, metavar=metavar))
            )
        elif f.name == "input_size":
            option = typer.Option(
                format_size(default), *names, help=help_text, parser=parse_size_option, metavar=metavar
            )
            params.append(_kw(f.name, str, option))
        else:
            value = ... if meta.get("required") else default
            params.append(
                _kw(f.name, hints[f.name], typer.Option(value, *names, help=help_text, metavar=metavar))
            )
    return params


def command_line(train_config: Mapping[str, Any]) -> str | None:
    """The ``dudek`` command that trains with ``train_config`` (a stored ``TrainConfig.to_dict()``),
    giving only the options that differ from the command's defaults; None for other configs."""
    if "layout" not in train_config:
        return None
    if train_config["layout"] == "broadcast":
        command = "pretrain"
    else:
        command = "train" if train_config.get("validate", True) else "train-challenge"
    hints = get_type_hints(TrainConfig)
    words = ["dudek", command]
    for f in dataclasses.fields(TrainConfig):
        meta = f.metadata
        if command not in meta["commands"] or f.name not in train_config:
            continue
        value = train_config[f.name]
        if _plain(value) == _plain(meta["per_command"].get(command, f.default)) and not meta["required"]:
            continue
        name = option_names(f.name)[0]
        if f.name == "video_source":
            words += [flag for flag, (source, _) in SOURCE_FLAGS.items() if source == value]
        elif hints[f.name] is bool and f.name not in SEED_BOOLS:
            words.append(name if value else f"--no-{name[2:]}")
        elif f.name in SEED_BOOLS:
            words += [name, str(bool(value)).lower()]
        elif f.name == "input_size":
            words += [name, format_size(tuple(value))]
        else:
            words += [name, str(value)]
    return shlex.join(words)


def _plain(value: Any) -> Any:
    """Stored values are plain (paths as strings, tuples as lists): compare defaults the same way."""
    if isinstance(value, Path):
        return str(value)
    return list(value) if isinstance(value, tuple) else value


def config_values(values: dict[str, Any]) -> dict[str, Any]:
    """Parsed options as :class:`TrainConfig` keyword arguments (source flags folded in).

    Raises ``ValueError`` when more than one source flag is given.
    """
    values = dict(values)
    chosen = [source for flag, (source, _) in SOURCE_FLAGS.items() if values.pop(flag_parameter(flag), False)]
    if len(chosen) > 1:
        *first, last = SOURCE_FLAGS
        raise ValueError(f"give only one of {', '.join(first)} and {last}")
    if chosen:
        values["video_source"] = chosen[0]
    return values
