"""Checkpoints: written atomically, read without unpickling arbitrary objects.

Two kinds share one format (a dict of tensors and plain Python values, config as a dict):

* **model** (``--save_as``, ``*.epochNNN.pt``): the weights to evaluate (the EMA weights when EMA
  is on), the T-DEED config, the label set, the training config, epoch, step and metric.
* **training** (``<save_as stem>.last.pt``): a model checkpoint plus optimizer, scheduler, grad
  scaler, EMA, every RNG state and the loop position: what ``--resume`` needs to continue exactly.

Writing goes through :func:`dudek_dali.files.write_atomic` with ``fsync``: a crash mid-save leaves
the previous checkpoint intact.
Reading uses ``torch.load(weights_only=True)``: a file cannot run code when it is loaded.
A plain ``state_dict`` (of this project's T-DEED, say) is accepted wherever only weights are
needed; the weight loader names any tensor that does not fit. A checkpoint of dude-k (the seed:
a bare ``state_dict`` with its own tensor names) is converted on reading (:mod:`.dudek_import`)
into a model checkpoint with its inferred config, marked ``converted_from: "dude-k"``; the one
line saying so (``conversion_note``) goes to the ``dudek_dali.model`` logger as a warning, which
Python prints to stderr when no logging is set up. ``dudek import-checkpoint``
(:func:`import_dudek_checkpoint`) writes the converted file once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import torch

from dudek_dali.errors import CheckpointError
from dudek_dali.files import write_atomic
from dudek_dali.model.dudek_import import dudek_payload, find_dudek_state

FORMAT = "dudek_dali.tdeed/1"
Kind = Literal["model", "training"]
_log = logging.getLogger("dudek_dali.model")


def last_path(save_as: Path) -> Path:
    """Where the resumable training state of a run saving to ``save_as`` goes (``m.pt`` -> ``m.last.pt``)."""
    return save_as.with_name(f"{save_as.stem}.last{save_as.suffix or '.pt'}")


def epoch_path(save_as: Path, epoch: int) -> Path:
    """The per-epoch model file of ``--save_every_epoch`` (``m.pt`` -> ``m.epoch003.pt``)."""
    return save_as.with_name(f"{save_as.stem}.epoch{epoch:03d}{save_as.suffix or '.pt'}")


def write_checkpoint(path: Path, payload: dict[str, Any]) -> Path:
    """Save ``payload`` to ``path`` atomically (temp file in the same folder, fsync, rename)."""
    return write_atomic(path, lambda tmp: torch.save(payload, tmp), fsync=True)


def read_checkpoint(path: Path | str, *, kind: Kind | None = None) -> dict[str, Any]:
    """Load a checkpoint; :class:`CheckpointError` (one line naming the file) when it is unusable.

    ``kind="training"`` also requires the resumable state; ``kind="model"`` accepts both kinds.
    A bare state dict is wrapped as a model checkpoint without a config, except a dude-k one: that
    is converted (with its inferred config) and the conversion logged.
    """
    path = Path(path)
    payload = _load(path)
    if isinstance(payload, Mapping) and payload.get("format") == FORMAT:
        if kind == "training" and payload.get("kind") != "training":
            raise CheckpointError(
                f"{path}: holds only model weights, not a training state; resume from the run's "
                f"*.last.pt file"
            )
        return dict(payload)
    if kind == "training" and (_is_state_dict(payload) or find_dudek_state(payload) is not None):
        raise CheckpointError(f"{path}: a bare state dict cannot be resumed; resume from a *.last.pt file")
    converted = _converted(path, payload)
    if converted is not None:
        _log.warning(converted["conversion_note"])
        return converted
    if _is_state_dict(payload):  # any other names: the weight loader names the mismatch
        return {"format": FORMAT, "kind": "model", "model": dict(payload), "model_config": None}
    raise CheckpointError(f"{path}: not a dudek_dali checkpoint or a model state dict")


def import_dudek_checkpoint(source: Path | str, target: Path | str) -> dict[str, Any]:
    """Convert the dude-k checkpoint ``source`` and write it to ``target``; returns what was written.

    Lives here rather than in :mod:`.dudek_import`, which this module imports to read dude-k
    files: the converter stays free of checkpoint I/O, so there is no import circle.
    """
    source = Path(source)
    payload = _load(source)
    if isinstance(payload, Mapping) and payload.get("format") == FORMAT:
        raise CheckpointError(f"{source}: already a dudek_dali checkpoint; use it as it is")
    converted = _converted(source, payload)
    if converted is None:
        raise CheckpointError(
            f"{source}: not a dude-k T-DEED checkpoint (no temp_enc / _features.* / _temp_fine.* tensors)"
        )
    write_checkpoint(Path(target), converted)
    return converted


def _load(path: Path) -> Any:
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for truncated / foreign files
        reason = str(err).strip().splitlines()[0].split(". ")[0] if str(err).strip() else type(err).__name__
        raise CheckpointError(
            f"{path}: not a readable checkpoint (corrupt or truncated?): {reason[:160]}"
        ) from None


def _converted(path: Path, payload: Any) -> dict[str, Any] | None:
    """The model checkpoint a dude-k ``payload`` converts to, or None when it is not dude-k's."""
    state = find_dudek_state(payload)
    if state is None:
        return None
    return {"format": FORMAT, **dudek_payload(state, path)}


def _is_state_dict(payload: Any) -> bool:
    return (
        isinstance(payload, Mapping) and bool(payload) and all(torch.is_tensor(v) for v in payload.values())
    )


def check_model_config(
    path: Path, stored: Mapping[str, Any] | None, expected: Mapping[str, Any], *, keys: tuple[str, ...]
) -> None:
    """Raise :class:`CheckpointError` naming every field of ``keys`` where the checkpoint differs.

    Only ``keys`` are compared: fine-tuning loads a backbone into a model with another clip
    length and class count, resuming needs the whole architecture to match.
    """
    if stored is None:
        return  # a bare state dict: the weight loader checks names and shapes
    diffs = [
        f"{key}={stored.get(key)!r} (this run: {expected.get(key)!r})"
        for key in keys
        if stored.get(key) != expected.get(key)
    ]
    if diffs:
        raise CheckpointError(f"{path}: checkpoint of another architecture: " + ", ".join(diffs))
