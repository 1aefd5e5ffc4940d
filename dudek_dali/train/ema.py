"""Exponential moving average of a model's weights, for evaluation and checkpoints.

``ema = decay * ema + (1 - decay) * weights`` after every optimizer step. Floating-point buffers
(BatchNorm running statistics) follow the same average; integer buffers (``num_batches_tracked``)
are copied. The average lives in a detached copy on the model's device, in eval mode. With
gradient accumulation, call :meth:`update` once per optimizer step, not per micro-batch.

An update is two fused multi-tensor kernels (``torch._foreach_lerp_`` over every float tensor,
``torch._foreach_copy_`` over the integer ones), on tensor lists paired by name once: building a
``state_dict`` and launching one kernel per tensor every step (hundreds of launches for
regnety_008's 607 tensors) cost more than the step's optimizer on a GPU.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn


def _tensors(module: nn.Module) -> dict[str, torch.Tensor]:
    """Every parameter and buffer by name, detached (views of the same storage)."""
    named = [*module.named_parameters(), *module.named_buffers()]
    return {name: tensor.detach() for name, tensor in named}


class ModelEma:
    def __init__(self, model: nn.Module, *, decay: float = 0.999) -> None:
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"EMA decay must lie in [0, 1), got {decay}")
        self.decay = decay
        self.module = copy.deepcopy(model).eval()
        self.module.requires_grad_(False)
        self._paired: tuple[int, tuple[list, list], tuple[list, list]] | None = None

    def _pairs(self, model: nn.Module) -> tuple[tuple[list, list], tuple[list, list]]:
        """(float sources, float averages), (other sources, copies), paired by name once per model."""
        if self._paired is None or self._paired[0] != id(model):
            source, average = _tensors(model), _tensors(self.module)
            names = list(average)
            floats = [n for n in names if average[n].is_floating_point()]
            others = [n for n in names if not average[n].is_floating_point()]
            self._paired = (
                id(model),
                ([source[n] for n in floats], [average[n] for n in floats]),
                ([source[n] for n in others], [average[n] for n in others]),
            )
        return self._paired[1], self._paired[2]

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        (float_src, float_avg), (other_src, other_avg) = self._pairs(model)
        if float_avg:
            torch._foreach_lerp_(float_avg, float_src, 1.0 - self.decay)
        if other_avg:
            torch._foreach_copy_(other_avg, other_src)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.module.state_dict()

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        self.module.load_state_dict(state_dict)
