"""``dudek pretrain``, ``dudek train`` and ``dudek train-challenge``.

The three commands share one option table, :data:`dudek_dali.cli.train_options.TRAIN_OPTIONS`;
each command's signature is generated from it, so an option is declared once and every command
offers both spellings (``--dataset-path`` and the seed's ``--dataset_path``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import typer

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.options import SourceCommand
from dudek_dali.cli.train_options import command_parameters, train_config
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


def config_from_options(
    command: str, values: Mapping[str, Any], *, defaults: Mapping[str, Any] | None = None
) -> TrainConfig:
    """Turn parsed options into a :class:`TrainConfig`; bad values become a :class:`UserError`."""
    try:
        return train_config(command, values, defaults=defaults)
    except ValueError as err:
        raise UserError(str(err)) from None


def register_training(
    group: typer.Typer,
    command: str,
    *,
    help: str,
    defaults: Mapping[str, Any] | None = None,
    make_config: Callable[[str, dict[str, Any]], TrainConfig] | None = None,
) -> None:
    """Register ``command`` on ``group`` with the table's options (``defaults`` overriding some),
    training with the config ``make_config`` builds from the parsed values (default: the table's)."""
    params = command_parameters(command, defaults)

    def run(**values: Any) -> None:
        from dudek_dali.train.api import train_model

        build = make_config or (lambda c, v: config_from_options(c, v, defaults=defaults))
        train_model(build(command, values))

    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = help
    run.__name__ = command.replace("-", "_")
    group.command(command, help=help, cls=SourceCommand)(run)


for _command in ("pretrain", "train", "train-challenge"):
    register_training(app, _command, help=_DOCS[_command])
