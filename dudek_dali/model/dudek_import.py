"""Convert T-DEED checkpoints trained with dude-k (PyPI ``dude.k``, the seed) into this project's.

dude-k saves ``model.state_dict()`` of its ``TDeedModule`` with ``torch.save``, nothing else: no
config, no label set, no frame geometry (its training scripts and ``train_tdeed`` all do so). Its
network is the same as :class:`~dudek_dali.model.TDeed`, tensor for tensor, once these are mapped:

* names: ``_features.`` -> ``backbone.features.``; in each shifted block ``conv1.gs.bn`` ->
  ``conv1.gate_norm``, ``conv1.gs.conv3D`` -> ``conv1.gate_conv``, ``conv1.gs.channel_conv{1,2}``
  -> ``conv1.fuse.{0,1}``; ``temp_enc`` -> ``pos_encoding``; ``_temp_fine._sgp.i`` -> encoder
  ``i``, the bottleneck, then decoder ``i - n_layers - 1``; ``_temp_fine._sgpMixer.j`` -> mixer
  ``n_layers - 1 - j`` (dude-k runs its mixers last first); the heads' ``_fc_out`` -> ``class_head``
  and ``displacement_head``;
* LayerNorm weights ``(1, C, 1)`` -> ``(C,)`` (dude-k's own channel LayerNorm, same maths);
* the displacement head negated: dude-k's target is ``frame - event``, ours ``event - frame``;
* the input channels of every shifted block's wrapped ``conv1`` permuted: dude-k's GSM/GSF
  interleave their shifted channels before that convolution, ours leave them in order
  (:mod:`.interleave`).

The architecture is read off the tensors: backbone (feature width, then every shape checked), shift
mode (GSF has fusion convs, GSM only a gate, none has neither; dude-k itself cannot build "none"),
clip length (positional encoding), class count (class head), ``n_layers`` (SGP block count), SGP
kernel size and ``k`` (window and wide kernel sizes). Outputs then agree to float rounding (about
1e-5) for every clip length, 70 (dude-k's ``train``/``pretrain`` default, pooled 35 -> 18 frames)
included: both halve time with adaptive max pooling.

Frame geometry is dude-k's default, which its README and CLI use throughout: every 2nd frame
(``--stride 2``) squashed to 224x224 (``--frame_target_width/height 224``), stored in the
converted model's config (``stride``, ``input_size``), which inference reads. The file cannot say
otherwise: for a dude-k model trained on other frames, change those two values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from dudek_dali.data.labels import ACTION_SPOTTING, BAS
from dudek_dali.errors import CheckpointError
from dudek_dali.model.config import TDeedConfig, TemporalShiftMode
from dudek_dali.model.interleave import undo_interleave

SOURCE = "dude-k"
DUDEK_STRIDE = 2
DUDEK_INPUT_SIZE = (224, 224)
# Backbones dude-k builds (timm RegNets), by the width of their features.
BACKBONES: dict[int, str] = {368: "regnety_002", 768: "regnety_008"}

_PREFIXES = ("_features.", "_temp_fine.", "_pred_fine.", "_pred_displ.")
_WRAPPERS = ("module.", "_orig_mod.")  # DataParallel / DDP, torch.compile
_NESTED = ("state_dict", "model", "model_state_dict")
_SHIFT = {
    "gs.bn.": "gate_norm.",
    "gs.conv3D.": "gate_conv.",
    "gs.channel_conv1.": "fuse.0.",
    "gs.channel_conv2.": "fuse.1.",
}
_BLOCK = {
    "ln": "norm",
    "gn": "mlp_norm",
    "psi": "branches.psi",
    "fc": "branches.fc",
    "convw": "branches.conv_w",
    "convkw": "branches.conv_kw",
    "global_fc": "branches.global_fc",
    "mlp": "mlp",
}
_MIXER = {"ln1": "skip_norm", "ln2": "coarse_norm", "gn": "mlp_norm", "concat_fc": "project", "mlp": "mlp"}
_BRANCHES = {"psi": "psi", "convw": "conv_w", "convkw": "conv_kw", "fc": "fc", "global_fc": "global_fc"}
_HEADS = {"_pred_fine._fc_out.": "class_head.", "_pred_displ._fc_out.": "displacement_head."}
_LAYER_NORMS = re.compile(r"\.(ln|ln1|ln2)\.(weight|bias)$")
_SGP = re.compile(r"^_temp_fine\._sgp\.(\d+)\.(\w+)\.(.+)$")
_SGP_MIXER = re.compile(r"^_temp_fine\._sgpMixer\.(\d+)\.(\w+?)([12]?)\.(.+)$")


def find_dudek_state(payload: Any) -> dict[str, torch.Tensor] | None:
    """The dude-k T-DEED state dict ``payload`` holds (bare, or under ``state_dict``/``model``), or None.

    Recognised by its tensor names (``temp_enc``, ``_features.*``, ``_temp_fine.*``); the
    ``module.`` / ``_orig_mod.`` prefixes of DataParallel and ``torch.compile`` are removed.
    """
    if not isinstance(payload, Mapping):
        return None
    for key in _NESTED:
        if isinstance(payload.get(key), Mapping) and (found := find_dudek_state(payload[key])) is not None:
            return found
    if not payload or not all(isinstance(k, str) and torch.is_tensor(v) for k, v in payload.items()):
        return None
    state = {_unwrapped(k): v for k, v in payload.items()}
    return state if "temp_enc" in state or any(k.startswith(_PREFIXES) for k in state) else None


def _unwrapped(key: str) -> str:
    for wrapper in _WRAPPERS:
        if key.startswith(wrapper):
            return _unwrapped(key[len(wrapper) :])
    return key


def dudek_payload(state: Mapping[str, torch.Tensor], path: Path | str) -> dict[str, Any]:
    """A dudek_dali model payload (without ``format``) holding the converted ``state``.

    ``conversion_note`` is the one line to show the user; ``converted_from`` marks the origin.
    """
    converted, config = convert_state_dict(state, path)
    label_set = next((s.name for s in (BAS, ACTION_SPOTTING) if s.num_outputs == config.num_outputs), None)
    return {
        "kind": "model",
        "model": converted,
        "model_config": config.to_dict(),
        "label_set": label_set,
        "converted_from": SOURCE,
        "conversion_note": _note(path, config, label_set),
    }


def _note(path: Path | str, config: TDeedConfig, label_set: str | None) -> str:
    h, w = DUDEK_INPUT_SIZE
    note = (
        f"{path}: converted a dude-k checkpoint ({config.features_model_name}, "
        f"{config.temporal_shift_mode}, {config.clip_frames}-frame clips, {config.num_outputs} outputs"
        f"{f' = {label_set}' if label_set else ''}); assuming dude-k's frames: stride "
        f"{DUDEK_STRIDE}, {h}x{w}"
    )
    return note


def convert_state_dict(
    state: Mapping[str, torch.Tensor], path: Path | str
) -> tuple[dict[str, torch.Tensor], TDeedConfig]:
    """dude-k's T-DEED tensors -> this project's, and the architecture they imply.

    Raises :class:`CheckpointError` (naming ``path``) for anything it cannot map exactly.
    """
    config = infer_config(state, path)
    n = config.n_layers
    out: dict[str, torch.Tensor] = {}
    unknown = []
    for key, tensor in state.items():
        name = _rename(key, n)
        if name is None:
            unknown.append(key)
            continue
        out[name] = _reshaped(key, tensor, name)
    if unknown:
        from dudek_dali.model.weights import name_listing

        raise CheckpointError(
            f"{path}: dude-k checkpoint with " + name_listing("tensors this converter cannot map", unknown)
        )
    undo_interleave(out, path=path, origin=SOURCE)
    from dudek_dali.model.families import check_converted

    name, mode = config.features_model_name, config.temporal_shift_mode
    check_converted(
        out, config, failure=f"{path}: dude-k checkpoint does not convert to a {name} {mode} T-DEED"
    )
    return out, config


def _rename(key: str, n_layers: int) -> str | None:
    """This project's name for dude-k tensor ``key``; None when there is none."""
    if key == "temp_enc":
        return "pos_encoding"
    for head, ours in _HEADS.items():
        if key.startswith(head) and key[len(head) :] in ("weight", "bias"):
            return ours + key[len(head) :]
    if key.startswith("_features."):
        name = "backbone.features." + key[len("_features.") :]
        for theirs, ours in _SHIFT.items():
            name = name.replace(f".conv1.{theirs}", f".conv1.{ours}")
        return None if ".conv1.gs." in name else name
    if match := _SGP.match(key):
        index, part, rest = int(match[1]), match[2], match[3]
        if part not in _BLOCK or index > 2 * n_layers:
            return None
        if index < n_layers:
            block = f"encoders.{index}"
        elif index == n_layers:
            block = "bottleneck"
        else:
            block = f"decoders.{index - n_layers - 1}"
        return f"temporal.{block}.{_BLOCK[part]}.{rest}"
    if match := _SGP_MIXER.match(key):
        return _mixer_name(int(match[1]), match[2], match[3], match[4], n_layers)
    return None


def _mixer_name(index: int, part: str, side: str, rest: str, n_layers: int) -> str | None:
    if index >= n_layers:
        return None
    prefix = f"temporal.mixers.{n_layers - 1 - index}"
    if side and part in _BRANCHES:
        branches = "skip_branches" if side == "1" else "coarse_branches"
        return f"{prefix}.{branches}.{_BRANCHES[part]}.{rest}"
    whole = part + side  # ln1 / ln2 / gn / concat_fc / mlp
    return f"{prefix}.{_MIXER[whole]}.{rest}" if whole in _MIXER else None


def _reshaped(key: str, tensor: torch.Tensor, name: str) -> torch.Tensor:
    tensor = tensor.detach().clone()
    if _LAYER_NORMS.search(key):
        return tensor.reshape(-1)  # (1, C, 1) -> (C,)
    if name.startswith("displacement_head."):
        return -tensor
    return tensor


def infer_config(state: Mapping[str, torch.Tensor], path: Path | str) -> TDeedConfig:
    """The :class:`TDeedConfig` of a dude-k state dict, read off its tensor shapes."""
    pos = _need(state, "temp_enc", path, ndim=2)
    head = _need(state, "_pred_fine._fc_out.weight", path, ndim=2)
    window = _need(state, "_temp_fine._sgp.0.psi.weight", path, ndim=3)
    wide = _need(state, "_temp_fine._sgp.0.convkw.weight", path, ndim=3)
    blocks = {int(m[1]) for k in state if (m := _SGP.match(k))}
    mixers = {int(m[1]) for k in state if (m := _SGP_MIXER.match(k))}
    n_layers = (len(blocks) - 1) // 2
    if blocks != set(range(2 * n_layers + 1)) or mixers != set(range(n_layers)):
        raise CheckpointError(
            f"{path}: dude-k checkpoint with SGP blocks {sorted(blocks)} and mixers {sorted(mixers)}; "
            f"T-DEED has 2n+1 blocks and n mixers"
        )
    width = int(pos.shape[1])
    if width not in BACKBONES:
        known = ", ".join(f"{name} ({dim})" for dim, name in BACKBONES.items())
        raise CheckpointError(
            f"{path}: dude-k checkpoint with {width}-wide features, which matches no backbone this "
            f"converter knows: {known}"
        )
    sgp_ks = int(window.shape[-1])
    sgp_k, rest = divmod(int(wide.shape[-1]) - 1, sgp_ks + 1)
    if rest or sgp_k < 1:
        raise CheckpointError(
            f"{path}: dude-k SGP wide kernel of {wide.shape[-1]} taps is not (ks + 1) * k + 1 for "
            f"kernel size {sgp_ks} and a whole k; only whole sgp_k values convert"
        )
    try:
        return TDeedConfig(
            features_model_name=BACKBONES[width],
            temporal_shift_mode=_shift_mode(state),
            clip_frames=int(pos.shape[0]),
            stride=DUDEK_STRIDE,
            input_size=DUDEK_INPUT_SIZE,
            num_outputs=int(head.shape[0]),
            n_layers=n_layers,
            sgp_ks=sgp_ks,
            sgp_k=sgp_k,
        )
    except ValueError as err:
        raise CheckpointError(f"{path}: dude-k checkpoint this project cannot build: {err}") from None


def _shift_mode(state: Mapping[str, torch.Tensor]) -> TemporalShiftMode:
    if any(".conv1.gs.channel_conv1." in k for k in state):
        return "gsf"
    if any(".conv1.gs.conv3D." in k for k in state):
        return "gsm"
    return "none"


def _need(state: Mapping[str, torch.Tensor], key: str, path: Path | str, *, ndim: int) -> torch.Tensor:
    tensor = state.get(key)
    if tensor is None or tensor.ndim != ndim:
        what = "lacks" if tensor is None else f"has a {tensor.ndim}-d"
        raise CheckpointError(f"{path}: looks like a dude-k checkpoint but {what} {key}; is it complete?")
    return tensor
