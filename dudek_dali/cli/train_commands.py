"""``dudek pretrain``, ``dudek train`` and ``dudek train-challenge``.

The three commands share one option table, :class:`dudek_dali.train.config.TrainConfig`'s fields;
:mod:`.train_options` generates each command's signature from it, so an option is declared once
and every command offers both spellings (``--dataset-path`` and the seed's ``--dataset_path``).
"""

from __future__ import annotations

import inspect
from typing import Any

from dudek_dali.cli._app import UserError, app
from dudek_dali.cli.train_options import command_parameters, config_values
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


def config_from_options(command: str, values: dict[str, Any]) -> TrainConfig:
    """Turn parsed options into a :class:`TrainConfig`; bad values become a :class:`UserError`."""
    try:
        return TrainConfig.for_command(command, **config_values(values))
    except ValueError as err:
        raise UserError(str(err)) from None


def _register(command: str) -> None:
    params = command_parameters(command)

    def run(**values: Any) -> None:
        from dudek_dali.train.api import train_model

        train_model(config_from_options(command, values))

    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = _DOCS[command]
    run.__name__ = command.replace("-", "_")
    app.command(command, help=_DOCS[command])(run)


for _command in ("pretrain", "train", "train-challenge"):
    _register(_command)
