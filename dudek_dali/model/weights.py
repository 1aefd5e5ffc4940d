"""Loading saved weights into a model (T-DEED or E2E-Spot), whole or in part, with readable mismatch errors.

Modes:

* ``"whole"``: every tensor must match by name and shape (same architecture, clip length and
  class count); used to resume or to run inference.
* ``"backbone"``: only the backbone with its temporal shift layers; the positional encoding, the
  ED-SGP-Mixer and the heads are re-initialised. This is the pretrain -> fine-tune transfer: clip
  length and class count may differ.
* ``"trunk"``: everything but the positional encoding and the heads (the ED-SGP-Mixer's weights
  do not depend on clip length either, so they can transfer too). The brief's "backbone +
  temporal layers" reads either way; the trainer picks.

Both families name their parts alike (``backbone``, ``temporal``, ``class_head``; T-DEED adds
``pos_encoding`` and ``displacement_head``), so the modes mean the same for both.

State dicts are plain ``{name: tensor}`` mappings, saved with ``torch.save`` and read back with
``torch.load(..., weights_only=True)``: no pickled classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

import torch

from dudek_dali.errors import CheckpointError
from dudek_dali.model.e2e_spot import E2ESpot
from dudek_dali.model.tdeed import ModelPart, TDeed

Model = TDeed | E2ESpot

LoadMode = Literal["whole", "backbone", "trunk"]
LOAD_MODES: tuple[str, ...] = get_args(LoadMode)

_LOADED_PARTS: dict[str, tuple[ModelPart, ...]] = {
    "whole": ("backbone", "temporal", "pos_encoding", "heads"),
    "trunk": ("backbone", "temporal"),
    "backbone": ("backbone",),
}
_PART_PREFIXES: dict[str, tuple[str, ...]] = {
    "backbone": ("backbone.",),
    "temporal": ("temporal.",),
    "pos_encoding": ("pos_encoding",),
    "heads": ("class_head.", "displacement_head."),
}
_SHOWN = 3  # mismatching names listed in an error; the rest are counted


def model_state_for(model: Model, *, part: LoadMode) -> dict[str, torch.Tensor]:
    """The subset of ``model.state_dict()`` that ``load_weights(..., mode=part)`` would load."""
    _check_mode(part)
    prefixes = _prefixes(part)
    return {k: v for k, v in model.state_dict().items() if k.startswith(prefixes)}


def load_weights(model: Model, state_dict: Mapping[str, torch.Tensor], *, mode: LoadMode = "whole") -> int:
    """Copy matching tensors from ``state_dict`` into ``model``; returns how many were copied.

    Within the loaded parts, names and shapes must match exactly; otherwise raises
    :class:`CheckpointError` naming the missing, unexpected and wrongly shaped tensors (with the
    class count and clip length spelled out when those differ) and leaves ``model`` untouched.
    """
    _check_mode(mode)
    if not isinstance(state_dict, Mapping) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state_dict.items()
    ):
        raise CheckpointError("weights must be a mapping of parameter names to tensors")
    wanted = model_state_for(model, part=mode)
    given = {k: v for k, v in state_dict.items() if k.startswith(_prefixes(mode))}
    problems = state_mismatches(wanted, given)
    if problems:
        name = "E2E-Spot" if isinstance(model, E2ESpot) else "T-DEED"
        raise CheckpointError(f"weights do not fit this {name} ({mode} mode): " + "; ".join(problems))
    model.load_state_dict(given, strict=False)
    model.reset_parts(p for p in ("temporal", "pos_encoding", "heads") if p not in _LOADED_PARTS[mode])
    return len(given)


def state_mismatches(
    wanted: Mapping[str, torch.Tensor],
    given: Mapping[str, torch.Tensor],
    *,
    given_as: str = "checkpoint",
    spell_out_sizes: bool = True,
) -> list[str]:
    """The missing, unexpected and wrongly shaped tensors of ``given`` against ``wanted`` (empty: fits).

    Each problem is one phrase listing the first few names (the rest counted); ``given_as``
    names ``given`` in the shape listing (``checkpoint vs model``). ``spell_out_sizes`` adds a
    line for a differing class count or clip length. Only the tensors passed are compared: a
    mode's skipped parts stay out of both mappings.
    """
    problems = []
    missing = sorted(set(wanted) - set(given))
    if missing:
        problems.append(name_listing("missing", missing))
    unexpected = sorted(set(given) - set(wanted))
    if unexpected:
        problems.append(name_listing("unexpected", unexpected))
    reshaped = sorted(k for k in set(wanted) & set(given) if wanted[k].shape != given[k].shape)
    if spell_out_sizes and "class_head.weight" in reshaped:
        problems.append(
            f"class count differs: checkpoint has {given['class_head.weight'].shape[0]} outputs, "
            f"model has {wanted['class_head.weight'].shape[0]}"
        )
    if spell_out_sizes and "pos_encoding" in reshaped:
        problems.append(
            f"clip length differs: checkpoint has {given['pos_encoding'].shape[0]} frames, "
            f"model has {wanted['pos_encoding'].shape[0]}"
        )
    shapes = [f"{k} {tuple(given[k].shape)} vs {tuple(wanted[k].shape)}" for k in reshaped]
    if shapes:
        problems.append(name_listing(f"shape mismatch ({given_as} vs model)", shapes))
    return problems


def name_listing(what: str, names: list[str]) -> str:
    """``5 missing: a, b, c and 2 more``: how many ``what``, the first few named."""
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return f"{len(names)} {what}: {', '.join(names[:_SHOWN])}{more}"


def _prefixes(mode: str) -> tuple[str, ...]:
    return tuple(p for part in _LOADED_PARTS[mode] for p in _PART_PREFIXES[part])


def _check_mode(mode: str) -> None:
    if mode not in LOAD_MODES:
        raise ValueError(f"mode must be one of {', '.join(LOAD_MODES)}, got {mode!r}")
