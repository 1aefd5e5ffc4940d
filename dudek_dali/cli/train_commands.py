"""``dudek pretrain``, ``dudek train`` and ``dudek train-challenge``.

The three commands share one option table, :class:`dudek_dali.train.config.TrainConfig`'s field
metadata: each command's signature is generated from it here, so an option is declared once and
every command offers both spellings (``--dataset-path`` and the seed's ``--dataset_path``).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Any, get_type_hints

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.train.config import TrainConfig

_DOCS = {
    "pretrain": (
        "Pretrain T-DEED on the older broadcast games (17 action classes, 35 team-doubled outputs), "
        "validating on a random 8% of the games."
    ),
    "train": (
        "Fine-tune T-DEED on SN-BAS-2025 (12 classes, 25 outputs): train on the training games, pick "
        "the best epoch on the validation games (official split, or --split random)."
    ),
    "train-challenge": (
        "Train T-DEED on every labelled SN-BAS-2025 game, without validation, for a challenge "
        "submission; the final model is saved."
    ),
}


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


def parse_size(value: Any) -> tuple[int, int]:
    """``224`` (square) or ``HxW`` such as ``224x398``."""
    if isinstance(value, tuple):
        return value
    match = re.fullmatch(r"\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?", str(value))
    if not match:
        raise typer.BadParameter(f"expected HxW or one number, got {value!r}")
    height = int(match.group(1))
    return height, int(match.group(2) or height)


_PARSERS = {"bool": parse_bool, "size": parse_size}


def option_names(name: str) -> list[str]:
    """``--dataset-path`` and, when it differs, the seed's ``--dataset_path``."""
    dashed = "--" + name.replace("_", "-")
    underscored = "--" + name
    return [dashed] if dashed == underscored else [dashed, underscored]


def _kw(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def command_parameters(command: str) -> list[inspect.Parameter]:
    """The typer parameters of ``command``, one (or one per flag) for each of its config fields."""
    hints = get_type_hints(TrainConfig)
    params = []
    for f in dataclasses.fields(TrainConfig):
        meta = f.metadata
        if meta.get("style", "internal") == "internal" or command not in meta["commands"]:
            continue
        default = meta["per_command"].get(command, f.default)
        names = option_names(f.name) + [a for a in meta["aliases"]]
        style, help_text = meta["style"], meta["help"]
        if style == "flags":
            for flag, value in meta["flags"].items():
                params.append(_kw(_flag_param(flag), bool, typer.Option(False, flag, help=_flag_help(value))))
        elif style == "switch":
            dashed = f.name.replace("_", "-")
            params.append(
                _kw(f.name, bool, typer.Option(default, f"--{dashed}/--no-{dashed}", help=help_text))
            )
        elif meta["parser"] is not None:
            shown = "x".join(map(str, default)) if isinstance(default, tuple) else str(default).lower()
            option = typer.Option(
                shown, *names, help=help_text, parser=_PARSERS[meta["parser"]], metavar=meta["metavar"]
            )
            params.append(_kw(f.name, str, option))
        else:
            value = ... if meta.get("required") else default
            option = typer.Option(value, *names, help=help_text, metavar=meta["metavar"])
            params.append(_kw(f.name, hints[f.name], option))
    return params


def _flag_param(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def _flag_help(source: str) -> str:
    return {
        "dali-gpu": "Decode video with DALI on the GPU (NVDEC: H.264, HEVC, VP9, ...); needs CUDA.",
        "dali-cpu": "Decode video with DALI on the CPU (VP8, VP9 and MJPEG only: not SoccerNet's H.264).",
        "frames": "Read frames extracted by `dudek extract-frames` instead of decoding video.",
    }[source]


def config_from_options(command: str, values: dict[str, Any]) -> TrainConfig:
    """Turn parsed options into a :class:`TrainConfig` (flags folded into ``video_source``)."""
    values = dict(values)
    flags = dataclasses.fields(TrainConfig)
    source_field = next(f for f in flags if f.name == "video_source")
    chosen = [
        src for flag, src in source_field.metadata["flags"].items() if values.pop(_flag_param(flag), False)
    ]
    if len(chosen) > 1:
        raise UserError("give only one of --decode-on-gpu, --decode-on-cpu and --frames")
    if chosen:
        values["video_source"] = chosen[0]
    try:
        return TrainConfig.for_command(command, **values)
    except ValueError as err:
        raise UserError(str(err)) from None


def _register(command: str) -> None:
    params = command_parameters(command)

    def run(**values: Any) -> None:
        config = config_from_options(command, values)
        from dudek_dali.train.api import train_model

        train_model(config)

    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = _DOCS[command]
    run.__name__ = command.replace("-", "_")
    app.command(command, help=_DOCS[command])(run)


for _command in ("pretrain", "train", "train-challenge"):
    _register(_command)
