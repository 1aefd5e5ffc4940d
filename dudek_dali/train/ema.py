"""Exponential moving average of a model's weights, for evaluation and checkpoints.

``ema = decay * ema + (1 - decay) * weights`` after every optimizer step. Floating-point buffers
(BatchNorm running statistics) follow the same average; integer buffers (``num_batches_tracked``)
are copied. The average lives in a detached copy on the model's device, in eval mode. With
gradient accumulation, call :meth:`update` once per optimizer step, not per micro-batch.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn


class ModelEma:
    def __init__(self, model: nn.Module, *, decay: float = 0.999) -> None:
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"EMA decay must lie in [0, 1), got {decay}")
        self.decay = decay
        self.module = copy.deepcopy(model).eval()
        self.module.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        current = model.state_dict()
        for name, averaged in self.module.state_dict().items():
            value = current[name].detach()
            if averaged.is_floating_point():
                averaged.lerp_(value.to(averaged.dtype), 1.0 - self.decay)
            else:
                averaged.copy_(value)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.module.state_dict()

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        self.module.load_state_dict(state_dict)
