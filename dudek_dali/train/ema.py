"""Exponential moving average of a model's weights, for evaluation and checkpoints.

``ema = decay * ema + (1 - decay) * weights`` after every optimizer step. Floating-point buffers
(BatchNorm running statistics) follow the same average; integer buffers (``num_batches_tracked``)
are copied. The average lives in a detached copy on the model's device, in eval mode. With
gradient accumulation, call :meth:`update` once per optimizer step, not per micro-batch.

An update is two fused multi-tensor kernels (``torch._foreach_lerp_`` over every float tensor,
``torch._foreach_copy_`` over the integer ones), on tensor lists paired by name at every update
from ``named_parameters``/``named_buffers`` (a Python pass, no kernels; nothing cached, so a
model moved with ``.to()`` or a new model is paired correctly): building a ``state_dict`` and
launching one kernel per tensor every step (hundreds of launches for regnety_008's 607 tensors)
cost more than the step's optimizer on a GPU.
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

    def _pairs(self, model: nn.Module) -> tuple[tuple[list, list], tuple[list, list]]:
        """(float sources, float averages), (other sources, copies), paired by name now."""
        source = _tensors(model)
        floats: tuple[list, list] = ([], [])
        others: tuple[list, list] = ([], [])
        for name, average in _tensors(self.module).items():
            pair = floats if average.is_floating_point() else others
            pair[0].append(source[name])
            pair[1].append(average)
        return floats, others

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
