"""E2E-Spot: per-frame RegNet features with gated shifts in every stage, a bidirectional GRU, a linear head.

It returns T-DEED's output type (:class:`~dudek_dali.model.tdeed.TDeedOutput`) so whole-game
inference treats both families alike: ``class_logits`` ``(B, T, N + 1)`` and a ``displacement``
that is the config's constant ``frame_offset``: E2E-Spot regresses no displacement, but as OSL
trains it, it fires ``frame_offset`` sampled frames before the event (its 1-based sampled frames,
:mod:`.e2e_spot_config`), which is exactly what a displacement says (``frame + d == event``), so
post-processing moves each score to the event's frame as OSL reports it.

The backbone is this project's (:class:`~dudek_dali.model.backbone.Backbone`, the GSM of
:mod:`.gate_shift`); OSL's own GSM differs from it only by a fixed permutation of each wrapped
``conv1``'s input channels, which :mod:`.osl_import` applies to OSL's weights.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from dudek_dali.model.backbone import check_clip, create_backbone
from dudek_dali.model.e2e_spot_config import E2ESpotConfig
from dudek_dali.model.tdeed import ModelPart, TDeedOutput

SHIFT_STAGES = 4  # E2E-Spot shifts in every stage of the RegNet (T-DEED: the last two)


class E2ESpot(nn.Module):
    """Frames ``(B, T, C, H, W)``, ImageNet-normalised, with ``T == config.clip_frames``.

    Submodules (their names are the state-dict prefixes): ``backbone`` (timm CNN + shift layers),
    ``temporal`` (the bidirectional GRU), ``class_head`` (after its dropout).
    """

    def __init__(self, config: E2ESpotConfig) -> None:
        super().__init__()
        self.config = config
        self.backbone = create_backbone(config, shift_stages=SHIFT_STAGES)
        self.temporal = nn.GRU(
            self.backbone.feature_dim,
            config.hidden_size,
            num_layers=config.gru_layers,
            batch_first=True,
            bidirectional=True,
        )
        self.head_dropout = nn.Dropout(config.dropout)
        self.class_head = nn.Linear(2 * config.hidden_size, config.num_outputs)

    @property
    def feature_dim(self) -> int:
        return self.backbone.feature_dim

    def forward(self, frames: torch.Tensor) -> TDeedOutput:
        check_clip(frames, self.config.clip_frames, model="E2E-Spot")
        sequence, _ = self.temporal(self.backbone(frames))
        logits = self.class_head(self.head_dropout(sequence))
        offset = logits.new_full(logits.shape[:2], float(self.config.frame_offset))
        return TDeedOutput(class_logits=logits, displacement=offset)

    def reset_parts(self, parts: Iterable[ModelPart]) -> None:
        """Re-initialise the named parts in place (the partial weight loader's contract).

        E2E-Spot has no positional encoding: resetting it does nothing.
        """
        for part in parts:
            if part == "temporal":
                self.temporal.reset_parameters()
            elif part == "heads":
                self.class_head.reset_parameters()
            elif part != "pos_encoding":
                raise ValueError(f"cannot reset part {part!r}; choose from heads, temporal")
