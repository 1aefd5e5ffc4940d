"""A model as a Hugging Face Hub-style folder: ``config.json``, ``model.safetensors``, ``README.md``.

``config.json`` holds the whole model configuration with its ``family``, the label set (its
classes and whether outputs carry a team), the clip geometry (``clip_frames``, ``stride``,
``input_size`` as ``[height, width]``), how a game is best spotted with it (``inference``), and
what the checkpoint knows about its making (training options, validation metric, epoch, origin
of a converted model). ``model.safetensors`` holds the weights: a format that stores tensors only,
so reading it runs no code. ``README.md`` is the model card (:mod:`.model_card`).

Each file is written atomically, ``config.json`` last: a folder with a ``config.json`` is
complete. Other files in the folder are left alone (a clone of a Hub repository keeps its
``.git`` and ``.gitattributes``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dudek_dali.errors import CheckpointError
from dudek_dali.files import write_bytes, write_json, write_text
from dudek_dali.model.families import (
    TDEED,
    checkpoint_config,
    clip_geometry,
    family_of,
    has_teams,
    inference_defaults,
    model_config_dict,
    model_config_from_dict,
)
from dudek_dali.model.model_card import model_card

HUB_FORMAT = "dudek_dali.pretrained/1"
CONFIG = "config.json"
WEIGHTS = "model.safetensors"
CARD = "README.md"
FILES = (CONFIG, WEIGHTS, CARD)
_KEPT = ("train_config", "metric", "epoch", "global_step", "converted_from", "conversion_note", "base_model")


def write_hub_folder(
    payload: Mapping[str, Any],
    folder: Path | str,
    *,
    repo_id: str | None = None,
    describe_training: Callable[[Mapping[str, Any]], str | None] | None = None,
) -> list[Path]:
    """Write the model of ``payload`` (a model checkpoint) into ``folder``; returns the files written.

    ``repo_id`` goes into the model card's usage line; ``describe_training`` turns the stored
    training options into the command line that trained the model.
    """
    from safetensors.torch import save

    folder = Path(folder)
    config = checkpoint_config(payload, "checkpoint")
    tensors = {name: tensor.detach().cpu().contiguous().clone() for name, tensor in payload["model"].items()}
    weights = write_bytes(folder / WEIGHTS, save(tensors, metadata={"format": "pt"}))
    train = payload.get("train_config") or {}
    command = describe_training(train) if describe_training and not payload.get("converted_from") else None
    card = write_text(folder / CARD, model_card(payload, repo_id=repo_id, training_command=command))
    label_set = payload.get("label_set") or "bas"
    document = {
        "format": HUB_FORMAT,
        "family": family_of(config),
        "model_config": model_config_dict(config),
        "label_set": label_set,
        "teams": has_teams(config),
        **clip_geometry(config),
        "inference": inference_defaults(config),
        **{key: payload[key] for key in _KEPT if payload.get(key) is not None},
    }
    return [weights, card, write_json(folder / CONFIG, document)]


def is_hub_folder(folder: Path) -> bool:
    return (folder / CONFIG).is_file()


def read_hub_folder(folder: Path | str, *, name: str | None = None) -> dict[str, Any]:
    """The model payload (without ``format``) a Hub folder holds; ``name`` names it in errors."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = Path(folder)
    name = name or str(folder)
    document = _read_config(folder / CONFIG, name)
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise CheckpointError(f"{name}: has {CONFIG} but lacks {WEIGHTS} (the weights)")
    try:
        tensors = load_file(str(weights), device="cpu")
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{name}: {WEIGHTS} is unreadable (truncated?): {err}") from None
    model_config = dict(document["model_config"])
    if model_config.get("family") == TDEED:
        del model_config["family"]  # in checkpoints a T-DEED's config names no family, as before E2E-Spot
    return {
        "kind": "model",
        "model": tensors,
        "model_config": model_config,
        "label_set": document.get("label_set"),
        **{key: document[key] for key in _KEPT if document.get(key) is not None},
    }


def _read_config(path: Path, name: str) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{name}: {CONFIG} is not readable JSON ({type(err).__name__})") from None
    if not isinstance(document, dict) or document.get("format") != HUB_FORMAT:
        raise CheckpointError(
            f'{name}: {CONFIG} is not a dudek_dali model config (no "format": "{HUB_FORMAT}")'
        )
    if "model_config" not in document:
        raise CheckpointError(f"{name}: {CONFIG} lacks model_config")
    try:
        model_config_from_dict(document["model_config"])
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{name}: {CONFIG} holds an unusable model config: {err}") from None
    return document
