"""Checkpoints: written atomically, read without unpickling arbitrary objects, from wherever they are.

Two kinds share one format (a dict of tensors and plain Python values, config as a dict):

* **model** (``--save_as``, ``*.epochNNN.pt``): the weights to evaluate (the EMA weights when EMA
  is on), the model config (its ``family`` key names E2E-Spot; absent means T-DEED), the label
  set, the training config, epoch, step and metric.
* **training** (``<save_as stem>.last.pt``): a model checkpoint plus optimizer, scheduler, grad
  scaler, EMA, every RNG state and the loop position: what ``--resume`` needs to continue exactly.

Writing goes through :func:`dudek_dali.files.write_atomic` with ``fsync``: a crash mid-save leaves
the previous checkpoint intact.

:func:`read_checkpoint` takes any of

* a ``.pt`` file: this project's, a plain ``state_dict`` (accepted wherever only weights are
  needed; the weight loader names any tensor that does not fit), a dude-k T-DEED one (the seed: a
  bare ``state_dict`` with its own tensor names, :mod:`.dudek_import`) or an OSL E2E-Spot one
  (:mod:`.osl_import`, with the ``config.yaml`` beside it);
* a Hub-style folder (``config.json`` + ``model.safetensors``, :mod:`.hub_folder`) or an OSL
  folder (``config.yaml`` + checkpoint);
* ``hf://ORG/NAME[@REVISION]``: either kind of folder on the Hugging Face Hub (:mod:`.hub_download`).

Every ``.pt`` is read with ``torch.load(weights_only=True)`` (:mod:`.safe_load`): a file that needs
more is refused unless ``trust_pickle=True``. A foreign file is converted on reading into a model
checkpoint marked ``converted_from``; the one line saying so (``conversion_note``) goes to the
``dudek_dali.model`` logger as a warning, which Python prints to stderr when no logging is set
up. ``dudek import-checkpoint`` (:func:`import_checkpoint`) writes the converted file once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import torch

from dudek_dali.errors import CheckpointError
from dudek_dali.files import write_atomic
from dudek_dali.model import hub_folder, osl_import
from dudek_dali.model.dudek_import import dudek_payload, find_dudek_state
from dudek_dali.model.hub_download import HubModel, converted_folder, download_hub_model, parse_hub_spec
from dudek_dali.model.safe_load import load_torch_file

FORMAT = "dudek_dali.tdeed/1"
Kind = Literal["model", "training"]
_log = logging.getLogger("dudek_dali.model")
_OSL_FILES = f"{osl_import.CONFIG_FILE} and a checkpoint (*{', *'.join(osl_import.CHECKPOINT_SUFFIXES)})"


def last_path(save_as: Path) -> Path:
    """Where the resumable training state of a run saving to ``save_as`` goes (``m.pt`` -> ``m.last.pt``)."""
    return save_as.with_name(f"{save_as.stem}.last{save_as.suffix or '.pt'}")


def epoch_path(save_as: Path, epoch: int) -> Path:
    """The per-epoch model file of ``--save_every_epoch`` (``m.pt`` -> ``m.epoch003.pt``)."""
    return save_as.with_name(f"{save_as.stem}.epoch{epoch:03d}{save_as.suffix or '.pt'}")


def write_checkpoint(path: Path, payload: dict[str, Any]) -> Path:
    """Save ``payload`` to ``path`` atomically (temp file in the same folder, fsync, rename)."""
    return write_atomic(path, lambda tmp: torch.save(payload, tmp), fsync=True)


def read_checkpoint(
    source: Path | str, *, kind: Kind | None = None, trust_pickle: bool = False
) -> dict[str, Any]:
    """Load a checkpoint (see the module docstring for what ``source`` may be).

    :class:`CheckpointError` (one line naming the file, folder or repository) when it is unusable.
    ``kind="training"`` also requires the resumable state; ``kind="model"`` accepts both kinds.
    ``trust_pickle`` loads a ``.pt`` that needs arbitrary Python objects (it may run code).
    """
    hub = parse_hub_spec(source)
    if hub is not None:
        payload = _read_hub(hub, trust_pickle=trust_pickle)
    elif Path(source).is_dir():
        payload = _read_folder(Path(source), trust_pickle=trust_pickle)
    else:
        payload = _read_file(Path(source), trust_pickle=trust_pickle)
    if kind == "training" and payload.get("kind") != "training":
        if payload.get("model_config") is None or payload.get("converted_from"):
            raise CheckpointError(
                f"{source}: a bare state dict cannot be resumed; resume from a *.last.pt file"
            )
        raise CheckpointError(
            f"{source}: holds only model weights, not a training state; resume from the run's *.last.pt file"
        )
    return payload


def import_checkpoint(
    source: Path | str, target: Path | str, *, trust_pickle: bool = False
) -> dict[str, Any]:
    """Convert the foreign checkpoint ``source`` (dude-k's or OSL's: a file, a folder or an ``hf://``
    repository) and write it to ``target``; returns what was written."""
    payload = read_checkpoint(source, trust_pickle=trust_pickle)
    if not payload.get("converted_from"):
        bare = payload.get("model_config") is None and _is_state_dict(payload.get("model"))
        if not bare:
            raise CheckpointError(f"{source}: already a dudek_dali checkpoint; use it as it is")
        raise CheckpointError(
            f"{source}: not a dude-k T-DEED or OSL E2E-Spot checkpoint (no temp_enc / _features.* / "
            f"_temp_fine.* / _pred_fine._gru.* tensors)"
        )
    write_checkpoint(Path(target), payload)
    return payload


def _read_file(path: Path, *, trust_pickle: bool) -> dict[str, Any]:
    payload = load_torch_file(path, trust_pickle=trust_pickle)
    if isinstance(payload, Mapping) and payload.get("format") == FORMAT:
        return dict(payload)
    converted = _converted(path, payload)
    if converted is not None:
        _log.warning(converted["conversion_note"])
        return converted
    if _is_state_dict(payload):  # any other names: the weight loader names the mismatch
        return {"format": FORMAT, "kind": "model", "model": dict(payload), "model_config": None}
    raise CheckpointError(f"{path}: not a dudek_dali checkpoint or a model state dict")


def _converted(path: Path, payload: Any) -> dict[str, Any] | None:
    """The model checkpoint a foreign ``payload`` converts to, or None when it is neither kind.

    OSL's is tried first: its older files name tensors ``_features.*`` like dude-k's.
    """
    osl_state = osl_import.find_osl_state(payload)
    if osl_state is not None:
        config_path = path.parent / osl_import.CONFIG_FILE
        found = config_path if config_path.is_file() else None
        osl = osl_import.read_osl_config(config_path) if found else osl_import.DEFAULT_CONFIG
        return {
            "format": FORMAT,
            **osl_import.osl_payload(osl_state, osl, path, config_path=found, checkpoint=payload),
        }
    state = find_dudek_state(payload)
    if state is None:
        return None
    return {"format": FORMAT, **dudek_payload(state, path)}


def _read_folder(folder: Path, *, trust_pickle: bool, name: str | None = None) -> dict[str, Any]:
    """A Hub-style folder or an OSL one; :class:`CheckpointError` names the files it lacks."""
    name = name or str(folder)
    if hub_folder.is_hub_folder(folder):
        return {"format": FORMAT, **hub_folder.read_hub_folder(folder, name=name)}
    if not (folder / osl_import.CONFIG_FILE).is_file():
        raise CheckpointError(
            f"{name}: holds no model: a dudek_dali folder needs {hub_folder.CONFIG} and "
            f"{hub_folder.WEIGHTS}, an OSL one {_OSL_FILES}"
        )
    checkpoint = osl_import.find_osl_checkpoint(folder)
    if checkpoint is None:
        raise CheckpointError(
            f"{name}: has OSL's {osl_import.CONFIG_FILE} but no checkpoint: it needs {_OSL_FILES}"
        )
    payload = _read_file(checkpoint, trust_pickle=trust_pickle)
    if payload.get("converted_from") != osl_import.SOURCE:
        raise CheckpointError(
            f"{checkpoint}: beside OSL's {osl_import.CONFIG_FILE} but not an OSL E2E-Spot checkpoint"
        )
    return payload


def _read_hub(hub: HubModel, *, trust_pickle: bool) -> dict[str, Any]:
    """An ``hf://`` model, downloaded or found in the Hub cache; an OSL one converted once and kept."""
    snapshot = download_hub_model(hub)
    if hub_folder.is_hub_folder(snapshot) or not (snapshot / osl_import.CONFIG_FILE).is_file():
        return _read_folder(snapshot, trust_pickle=trust_pickle, name=str(hub))
    kept = converted_folder(hub, snapshot)
    if hub_folder.is_hub_folder(kept):
        return {"format": FORMAT, **hub_folder.read_hub_folder(kept, name=str(kept))}
    payload = _read_folder(snapshot, trust_pickle=trust_pickle, name=str(hub))
    payload["base_model"] = hub.repo_id
    hub_folder.write_hub_folder(payload, kept, repo_id=None)
    _log.warning("%s: converted model kept in %s", hub, kept)
    return payload


def _is_state_dict(payload: Any) -> bool:
    return (
        isinstance(payload, Mapping) and bool(payload) and all(torch.is_tensor(v) for v in payload.values())
    )


def check_model_config(
    path: Path, stored: Mapping[str, Any] | None, expected: Mapping[str, Any], *, keys: tuple[str, ...]
) -> None:
    """Raise :class:`CheckpointError` naming every field of ``keys`` where the checkpoint differs.

    Only ``keys`` are compared (and the model family): fine-tuning loads a backbone into a model
    with another clip length and class count, resuming needs the whole architecture to match.
    """
    if stored is None:
        return  # a bare state dict: the weight loader checks names and shapes
    diffs = [
        f"{key}={stored.get(key, 'tdeed')!r} (this run: {expected.get(key, 'tdeed')!r})"
        for key in ("family",)
        if stored.get(key, "tdeed") != expected.get(key, "tdeed")
    ]
    diffs += [
        f"{key}={stored.get(key)!r} (this run: {expected.get(key)!r})"
        for key in keys
        if stored.get(key) != expected.get(key)
    ]
    if diffs:
        raise CheckpointError(f"{path}: checkpoint of another architecture: " + ", ".join(diffs))
