"""T-DEED as the seed refines it: one team-doubled class head instead of a team head.

Both heads see the temporal features through their own dropout (``TDeedConfig.dropout``,
``displacement_dropout``), as dude-k's ``FCLayers`` do; dropout has no weights, so the state
dict is the same whatever the rates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

import torch
from torch import nn

from dudek_dali.model.backbone import check_clip, create_backbone
from dudek_dali.model.config import TDeedConfig
from dudek_dali.model.ed_sgp_mixer import EDSGPMixer

ModelPart = Literal["backbone", "temporal", "pos_encoding", "heads"]


class TDeedOutput(NamedTuple):
    class_logits: torch.Tensor  # (B, T, num_outputs); softmax over the last axis
    displacement: torch.Tensor  # (B, T): offset in clip frames from each frame to its event


class TDeed(nn.Module):
    """Frames ``(B, T, C, H, W)``, ImageNet-normalised, with ``T == config.clip_frames``.

    Submodules (their names are the state-dict prefixes): ``backbone`` (timm CNN + temporal
    shift layers), ``pos_encoding`` (learned, ``clip_frames x D``), ``temporal`` (ED-SGP-Mixer),
    ``class_head`` and ``displacement_head`` (each after its dropout).
    """

    def __init__(self, config: TDeedConfig) -> None:
        super().__init__()
        self.config = config
        self.backbone = create_backbone(config)
        dim = self.backbone.feature_dim
        self.pos_encoding = nn.Parameter(torch.empty(config.clip_frames, dim))
        self.temporal = _temporal(config, dim)
        self.head_dropout = nn.Dropout(config.dropout)
        self.displacement_dropout = nn.Dropout(config.displacement_dropout)
        self.class_head = nn.Linear(dim, config.num_outputs)
        self.displacement_head = nn.Linear(dim, 1)
        self.reset_parts(("pos_encoding",))

    @property
    def feature_dim(self) -> int:
        return self.backbone.feature_dim

    def forward(self, frames: torch.Tensor) -> TDeedOutput:
        check_clip(frames, self.config.clip_frames, model="T-DEED")
        feats = self.backbone(frames) + self.pos_encoding
        feats = self.temporal(feats)
        logits = self.class_head(self.head_dropout(feats))
        displacement = self.displacement_head(self.displacement_dropout(feats)).squeeze(-1)
        return TDeedOutput(class_logits=logits, displacement=displacement)

    def no_weight_decay(self) -> set[str]:
        """Parameter names to exclude from weight decay besides biases and norms (timm's convention)."""
        return {"pos_encoding"}

    def reset_parts(self, parts: Iterable[ModelPart]) -> None:
        """Re-initialise the named parts in place (same as a freshly created model, new random draw).

        The backbone cannot be reset here: its initial weights may come from the hub.
        """
        for part in parts:
            if part == "pos_encoding":
                # T-DEED's scale: small next to the features, so it does not swamp them at first.
                with torch.no_grad():
                    self.pos_encoding.normal_(0.0, 1.0 / self.config.clip_frames)
            elif part == "heads":
                self.class_head.reset_parameters()
                self.displacement_head.reset_parameters()
            elif part == "temporal":
                self.temporal.load_state_dict(_temporal(self.config, self.feature_dim).state_dict())
            else:
                raise ValueError(f"cannot reset part {part!r}; choose from pos_encoding, heads, temporal")


def create_model(config: TDeedConfig) -> TDeed:
    """Build a T-DEED in fp32 on the CPU; move it with ``.to(device)``."""
    return TDeed(config)


def _temporal(config: TDeedConfig, dim: int) -> EDSGPMixer:
    return EDSGPMixer(dim, n_layers=config.n_layers, kernel_size=config.sgp_ks, k=config.sgp_k)
