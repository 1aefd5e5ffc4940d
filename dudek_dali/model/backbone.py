"""Per-frame features from any timm CNN, with gated temporal shifts in its last stages.

T-DEED shifts in the last two stages (``s3``/``s4`` of a RegNet), E2E-Spot in all four: the
families differ only in ``shift_stages``.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from dudek_dali.errors import CheckpointError
from dudek_dali.model.config import TemporalShiftMode
from dudek_dali.model.gate_shift import GateShift, GateShiftFuse

_SHIFT_LAYERS: dict[str, type[GateShift]] = {"gsm": GateShift, "gsf": GateShiftFuse}


class Backbone(nn.Module):
    """``(B, T, C, H, W)`` ImageNet-normalised frames -> ``(B, T, D)`` features.

    The timm model is built with ``num_classes=0`` so it ends in its global pool; ``D`` is its
    ``num_features`` (368 for ``regnety_002``, 768 for ``regnety_008``). With a temporal shift mode,
    ``conv1`` of every block in the last ``shift_stages`` stages of ``feature_info`` (2: ``s3``/``s4``
    for RegNet, ``layer3``/``layer4`` for ResNet) is wrapped in a shift layer, so clips of
    ``clip_len`` frames must arrive whole.
    """

    def __init__(
        self,
        model_name: str,
        *,
        shift_mode: TemporalShiftMode,
        clip_len: int,
        pretrained: bool,
        shift_stages: int = 2,
    ) -> None:
        super().__init__()
        self.features = _create_timm_model(model_name, pretrained=pretrained)
        self.feature_dim: int = int(self.features.num_features)
        if shift_mode != "none":
            insert_temporal_shift(self.features, mode=shift_mode, clip_len=clip_len, stages=shift_stages)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        b, t = frames.shape[:2]
        feats = self.features(frames.reshape(b * t, *frames.shape[2:]))
        return feats.reshape(b, t, self.feature_dim)


def create_backbone(config: Any, *, shift_stages: int = 2) -> Backbone:
    """The backbone a model config describes (``features_model_name``, ``temporal_shift_mode``,
    ``clip_frames``, ``pretrained``: T-DEED's and E2E-Spot's configs both have them)."""
    return Backbone(
        config.features_model_name,
        shift_mode=config.temporal_shift_mode,
        clip_len=config.clip_frames,
        pretrained=config.pretrained,
        shift_stages=shift_stages,
    )


def check_clip(frames: torch.Tensor, clip_frames: int, *, model: str) -> None:
    """``ValueError`` unless ``frames`` is ``(B, clip_frames, C, H, W)``: shift layers need whole clips."""
    if frames.ndim != 5 or frames.shape[1] != clip_frames:
        raise ValueError(f"{model} expects frames (B, {clip_frames}, C, H, W), got {tuple(frames.shape)}")


def insert_temporal_shift(
    model: nn.Module, *, mode: TemporalShiftMode, clip_len: int, stages: int = 2
) -> int:
    """Wrap ``conv1`` of each block in the model's last ``stages`` stages; returns how many were wrapped."""
    layer = _SHIFT_LAYERS[mode]
    stage_names = [info["module"] for info in getattr(model, "feature_info", [])][-stages:]
    blocks = [block for name in stage_names for block in _blocks_with_conv1(model.get_submodule(name))]
    if len(stage_names) < stages or not blocks:
        raise ValueError(
            f"temporal_shift_mode={mode!r} needs a timm CNN whose last {stages} stages hold blocks with a "
            f"'conv1' layer (RegNet, ResNet); {type(model).__name__} has none: use temporal_shift_mode='none'"
        )
    for block in blocks:
        block.conv1 = layer(block.conv1, channels=_in_channels(block.conv1), clip_len=clip_len)
    return len(blocks)


def _blocks_with_conv1(module: nn.Module) -> list[nn.Module]:
    """Outermost submodules of ``module`` that own a ``conv1`` (not descending into them)."""
    found = []
    for child in module.children():
        if isinstance(getattr(child, "conv1", None), nn.Module):
            found.append(child)
        else:
            found.extend(_blocks_with_conv1(child))
    return found


def _in_channels(layer: nn.Module) -> int:
    for module in layer.modules():
        if isinstance(module, nn.Conv2d):
            return module.in_channels
    raise ValueError(f"cannot find the input channels of {type(layer).__name__}: it holds no Conv2d")


def _create_timm_model(name: str, *, pretrained: bool) -> nn.Module:
    import timm

    if not timm.is_model(name):
        raise ValueError(f"unknown timm model {name!r} (see timm.list_models())")
    try:
        return timm.create_model(name, pretrained=pretrained, num_classes=0)
    except (OSError, RuntimeError) as exc:
        if not pretrained:
            raise
        # Hub and network failures surface as OSError subclasses (or RuntimeError in timm).
        raise CheckpointError(
            f"could not fetch ImageNet weights for {name!r} from the Hugging Face hub "
            f"({type(exc).__name__}); run with --no-pretrained or make the hub reachable"
        ) from exc
