"""Convert E2E-Spot checkpoints of OpenSportsLab's ``opensportslib`` (0.3.3) into this project's.

OSL keeps a model as two files: its run's ``config.yaml`` and a ``torch.save`` checkpoint
(``best_checkpoint.pt`` from training: ``{"model_state_dict", "optimizer_state_dict", "epoch",
"best_criterion_valid", ...}``; published Hub repos hold the same pair, and OSL's loader takes the
first file of the repo ending in ``.pt``, ``.pth``, ``.pth.tar`` or ``.bin``). Its loader accepts
a bare state dict or one under ``model_state_dict``/``state_dict``, strips ``model.``,
``_model.`` and ``module.`` prefixes and maps ``_features*`` to ``backbone._features*`` and
``_pred_fine*`` to ``head._pred_fine*``; this converter reads the same shapes of file (safely:
:mod:`.safe_load`) and maps:

* names: ``backbone._features.`` -> ``backbone.features.`` (the same timm RegNet), in each
  shifted block ``conv1.gsm.conv3D`` -> ``conv1.gate_conv`` and ``conv1.gsm.bn`` ->
  ``conv1.gate_norm``; ``head._pred_fine._gru.`` -> ``temporal.``; ``head._pred_fine._fc_out._fc_out.``
  -> ``class_head.``;
* the input channels of every shifted ``conv1``: OSL's GSM interleaves them (:mod:`.interleave`);
* the class head's rows, from OSL's class order (``config.yaml``: a list, or ``{name: index}``
  as a run saves it) to this project's label set (background stays first).

From ``config.yaml`` (OSL's current layout under ``DATA.common``/``DATA.inputs.video``/
``MODEL.components``, or its legacy flat one) come the classes, the clip length, the stride
(``int(input_fps / extract_fps)``, OSL's rule: 12 for 25 -> 2 fps), the frame size, the backbone
(``rny002``/``rny008``, with ``_gsm`` or without shift) and the head (``gru``, ``deeper_gru``),
and the loader backend, which fixes the timing offset (:mod:`.e2e_spot_config`). A checkpoint
found without its ``config.yaml`` is read with OSL's SN-BAS defaults (``DEFAULT_CONFIG``), and the
conversion note says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from dudek_dali.data.labels import ACTION_SPOTTING, BAS, LabelSet
from dudek_dali.errors import CheckpointError
from dudek_dali.model.e2e_spot_config import E2ESpotConfig
from dudek_dali.model.families import check_converted, model_config_dict
from dudek_dali.model.interleave import undo_interleave
from dudek_dali.model.weights import name_listing

SOURCE = "opensportslib"
CONFIG_FILE = "config.yaml"
CHECKPOINT_SUFFIXES = (".pt", ".pth", ".pth.tar", ".bin")
_STRIPPED = ("model.", "_model.", "module.")  # in OSL's order, each once
_RENAMED = {"_features": "backbone._features", "_pred_fine": "head._pred_fine"}
_GRU = "head._pred_fine._gru."
_FC = "head._pred_fine._fc_out._fc_out."
_SHIFT = {".conv1.gsm.conv3D.": ".conv1.gate_conv.", ".conv1.gsm.bn.": ".conv1.gate_norm."}
_BACKBONE = re.compile(r"^rny(002|008)(_gsm)?$")
_HEADS = {"gru": 1, "deeper_gru": 3}


@dataclass(frozen=True)
class OslConfig:
    """What an OSL ``config.yaml`` says about the model and its frames."""

    classes: tuple[str, ...]
    clip_frames: int
    stride: int
    input_size: tuple[int, int]
    backbone: str  # rny008_gsm ...
    head: str  # gru, deeper_gru
    dali: bool  # trained on OSL's DALI path (1-based sampled frames)
    criterion: str = "criterion"  # what best_criterion_valid measures (map or loss)


# OSL's SN-BAS configs (configs/localization/video_dali.yaml): the published model's shape.
DEFAULT_CONFIG = OslConfig(
    classes=BAS.classes, clip_frames=100, stride=12, input_size=(224, 398), backbone="rny008_gsm",
    head="gru", dali=True, criterion="map",
)  # fmt: skip


def find_osl_state(payload: Any) -> dict[str, torch.Tensor] | None:
    """The E2E-Spot state dict an OSL ``payload`` holds, with OSL's loader's names, or None.

    Recognised by its GRU head (``head._pred_fine._gru.*``) beside ``backbone._features.*``, after
    OSL's own prefix stripping and renaming.
    """
    if not isinstance(payload, Mapping):
        return None
    inner = payload.get("model_state_dict", payload.get("state_dict", payload))
    if not isinstance(inner, Mapping):
        return None
    state = {k: v for k, v in inner.items() if isinstance(k, str) and torch.is_tensor(v)}
    for prefix in _STRIPPED:
        state = {k[len(prefix) :] if k.startswith(prefix) else k: v for k, v in state.items()}
    state = {_renamed(k): v for k, v in state.items()}
    if any(k.startswith(_GRU) for k in state) and any(k.startswith("backbone._features.") for k in state):
        return state
    return None


def _renamed(key: str) -> str:
    for theirs, ours in _RENAMED.items():
        if key.startswith(theirs):
            return ours + key[len(theirs) :]
    return key


def find_osl_checkpoint(folder: Path) -> Path | None:
    """The checkpoint OSL's loader would pick in ``folder``: the first file (by name) with its suffixes."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(CHECKPOINT_SUFFIXES))
    return found[0] if found else None


def read_osl_config(path: Path) -> OslConfig:
    """The facts of an OSL ``config.yaml`` (either layout); :class:`CheckpointError` names what is missing."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise CheckpointError(f"{path}: not a readable OSL config ({type(err).__name__})") from None
    if not isinstance(document, Mapping):
        raise CheckpointError(f"{path}: not an OSL config (no DATA / MODEL sections)")
    video = _get(document, "DATA.inputs.video") or {}
    flat = _get(document, "DATA") or {}

    def need(*keys: str) -> Any:
        for key in keys:
            value = _get(video, key) if not key.startswith("DATA.") else _get(document, key)
            if value is not None:
                return value
        raise CheckpointError(f"{path}: OSL config lacks {' / '.join(keys)}")

    input_fps = float(need("sampling.input_fps", "DATA.input_fps"))
    extract_fps = float(need("sampling.extract_fps", "DATA.extract_fps"))
    crop = _get(video, "params.crop_dim") or flat.get("crop_dim") or -1
    if crop > 0:
        raise CheckpointError(
            f"{path}: OSL config crops frames to {crop}x{crop}; only resized frames convert"
        )
    return OslConfig(
        classes=_classes(need("DATA.common.classes", "DATA.classes"), path),
        clip_frames=int(need("sampling.clip_len", "DATA.clip_len")),
        stride=osl_stride(input_fps, extract_fps),
        input_size=(
            int(need("transform.resize.height", "DATA.target_height")),
            int(need("transform.resize.width", "DATA.target_width")),
        ),
        backbone=str(_component(document, "backbone", path)),
        head=str(_component(document, "head", path)),
        dali=_uses_dali(document),
        criterion=str(
            _get(document, "TRAIN.execution.criterion_valid") or _get(document, "TRAIN.criterion_valid")
            or "criterion"
        ),
    )  # fmt: skip


def osl_stride(input_fps: float, extract_fps: float) -> int:
    """OSL's sampling stride: ``int(input_fps / extract_fps)``, a near-integer rate rounded first."""
    if extract_fps <= 0:
        return 1
    nominal = round(input_fps)
    fps = nominal if nominal > 0 and math.isclose(input_fps, nominal, rel_tol=0.0011) else input_fps
    return max(1, int(fps / extract_fps))


def _get(document: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(document, Mapping) or key not in document:
            return None
        document = document[key]
    return document


def _classes(value: Any, path: Path) -> tuple[str, ...]:
    if isinstance(value, Mapping):  # a saved run's {name: index}
        try:
            return tuple(name for name, _ in sorted(value.items(), key=lambda kv: int(kv[1])))
        except (TypeError, ValueError):
            raise CheckpointError(f"{path}: OSL classes map names to non-numeric indices") from None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise CheckpointError(f"{path}: OSL classes are neither a list of names nor a name -> index map")


def _component(document: Any, registry: str, path: Path) -> Any:
    """The backbone or head name: ``MODEL.components.*`` (``source.name`` or ``params.type``), or the
    legacy ``MODEL.<registry>.type``."""
    kind = "encoder" if registry == "backbone" else registry
    for component in (_get(document, "MODEL.components") or {}).values():
        if isinstance(component, Mapping) and (
            _get(component, "source.registry") == registry or component.get("kind") == kind
        ):
            return _get(component, "source.name") or _get(component, "params.type")
    legacy = _get(document, f"MODEL.{registry}.type")
    if legacy is None:
        raise CheckpointError(
            f"{path}: OSL config names no {registry} (MODEL.components or MODEL.{registry})"
        )
    return legacy


def _uses_dali(document: Any) -> bool:
    backend = _get(document, "DATA.common.runtime.loader_backend")
    if backend is not None:
        return str(backend).lower() == "dali"
    return bool(document.get("dali", True))


def osl_payload(
    state: Mapping[str, torch.Tensor],
    osl: OslConfig,
    path: Path | str,
    *,
    config_path: Path | None,
    checkpoint: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A dudek_dali model payload (without ``format``) of the converted ``state``.

    ``config_path`` is the ``config.yaml`` ``osl`` came from (None: the defaults were assumed);
    ``checkpoint`` the whole OSL file, for its best validation value.
    """
    converted, config, label_set = convert_osl_state(state, osl, path)
    payload: dict[str, Any] = {
        "kind": "model",
        "model": converted,
        "model_config": model_config_dict(config),
        "label_set": label_set.name,
        "converted_from": SOURCE,
        "conversion_note": _note(path, config, label_set, config_path),
        "metric": {},
    }
    best = (checkpoint or {}).get("best_criterion_valid")
    if isinstance(best, (int, float)) and math.isfinite(float(best)):
        payload["metric"] = {f"osl_{osl.criterion}": float(best)}
    return payload


def _note(path: Path | str, config: E2ESpotConfig, label_set: LabelSet, config_path: Path | None) -> str:
    h, w = config.input_size
    origin = f"config from {config_path}" if config_path else "no config.yaml: assuming OSL's SN-BAS config"
    return (
        f"{path}: converted an OSL E2E-Spot checkpoint ({config.features_model_name}, "
        f"{config.temporal_shift_mode}, {config.gru_layers}-layer GRU, {config.clip_frames}-frame clips, "
        f"{config.num_outputs} outputs = {label_set.name} without teams; stride {config.stride}, "
        f"{h}x{w}; {origin})"
    )


def convert_osl_state(
    state: Mapping[str, torch.Tensor], osl: OslConfig, path: Path | str
) -> tuple[dict[str, torch.Tensor], E2ESpotConfig, LabelSet]:
    """OSL's E2E-Spot tensors (as :func:`find_osl_state` names them) -> this project's, with the
    config and label set they imply. :class:`CheckpointError` (naming ``path``) for anything that
    does not map exactly."""
    config = _config(state, osl, path)
    label_set = _label_set(osl.classes, path)
    out: dict[str, torch.Tensor] = {}
    unknown = []
    for key, tensor in state.items():
        name = _ours(key)
        if name is None:
            unknown.append(key)
        else:
            out[name] = tensor.detach().clone()
    if unknown:
        listing = name_listing("tensors this converter cannot map", unknown)
        raise CheckpointError(f"{path}: OSL checkpoint with {listing}")
    undo_interleave(out, path=path, origin="OSL")
    order = torch.tensor([0] + [1 + osl.classes.index(name) for name in label_set.classes])
    for key in ("class_head.weight", "class_head.bias"):
        if key in out and out[key].shape[0] == len(order):
            out[key] = out[key].index_select(0, order)
    check_converted(
        out, config,
        failure=f"{path}: OSL checkpoint does not convert to a {config.features_model_name} "
        f"{config.temporal_shift_mode} E2E-Spot with {config.num_outputs} outputs",
    )  # fmt: skip
    return out, config, label_set


def _ours(key: str) -> str | None:
    if key.startswith("backbone._features."):
        name = "backbone.features." + key[len("backbone._features.") :]
        for theirs, ours in _SHIFT.items():
            name = name.replace(theirs, ours)
        return None if ".conv1.gsm." in name else name
    if key.startswith(_GRU):
        return "temporal." + key[len(_GRU) :]
    if key.startswith(_FC) and key[len(_FC) :] in ("weight", "bias"):
        return "class_head." + key[len(_FC) :]
    return None


def _config(state: Mapping[str, torch.Tensor], osl: OslConfig, path: Path | str) -> E2ESpotConfig:
    match = _BACKBONE.match(osl.backbone)
    if not match:
        raise CheckpointError(
            f"{path}: OSL backbone {osl.backbone!r} does not convert; E2E-Spot here is a RegNet-Y "
            f"with or without the GSM: rny002, rny002_gsm, rny008, rny008_gsm"
        )
    if osl.head not in _HEADS:
        heads = ", ".join(_HEADS)
        raise CheckpointError(f"{path}: OSL head {osl.head!r} does not convert; choose from {heads}")
    hidden = state.get(_GRU + "weight_hh_l0")
    head = state.get(_FC + "weight")
    if hidden is None or head is None or hidden.ndim != 2 or head.ndim != 2:
        raise CheckpointError(
            f"{path}: OSL E2E-Spot checkpoint lacks its GRU or its class head; is it complete?"
        )
    try:
        return E2ESpotConfig(
            features_model_name=f"regnety_{match[1]}",
            temporal_shift_mode="gsm" if match[2] else "none",
            hidden_size=int(hidden.shape[1]),
            gru_layers=_HEADS[osl.head],
            num_outputs=int(head.shape[0]),
            clip_frames=osl.clip_frames,
            stride=osl.stride,
            input_size=osl.input_size,
            frame_offset=1 if osl.dali else 0,
        )
    except ValueError as err:
        raise CheckpointError(f"{path}: OSL E2E-Spot this project cannot build: {err}") from None


def _label_set(classes: tuple[str, ...], path: Path | str) -> LabelSet:
    for label_set in (BAS, ACTION_SPOTTING):
        if sorted(classes) == sorted(label_set.classes):
            return label_set
    raise CheckpointError(
        f"{path}: OSL classes {', '.join(classes[:4])}... match no label set this project knows "
        f"(bas: 12 ball actions, action_spotting: 17 actions)"
    )
