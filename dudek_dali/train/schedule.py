"""AdamW and its learning-rate schedule: linear warm-up, then a cosine down to a floor that stays.

``step`` below is the number of optimizer steps taken so far (``LambdaLR``'s counter): the
learning rate used by optimizer step ``s`` (0-based) is ``lr * lr_factor(s)``.

* warm-up, ``s <= warmup_steps``: ``start + (1 - start) * s / warmup_steps``, from
  ``start = warmup_start_factor`` at the first step to 1 at the end (dude-k's ``LinearLR``
  starts at 0.01, what training uses; 0 makes the first step a no-op);
* decay: ``min + (1 - min) * (1 + cos(pi * p)) / 2`` with ``p = (s - warmup) / (total - warmup)``,
  so the factor is ``min_lr_ratio`` exactly at ``s = total_steps``, the count after the last step;
* past the end the progress is clamped, so the factor stays at the floor. The seed let the
  cosine run on, which made the learning rate rise again near the end.
"""

from __future__ import annotations

import math
from functools import partial

import torch
from torch import nn


def lr_factor(
    step: int,
    *,
    warmup_steps: int,
    total_steps: int,
    min_lr_ratio: float = 0.0,
    warmup_start_factor: float = 0.0,
) -> float:
    """Multiplier of the base learning rate after ``step`` optimizer steps."""
    _check(warmup_steps=warmup_steps, total_steps=total_steps, min_lr_ratio=min_lr_ratio)
    _check_start(warmup_start_factor)
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if step < warmup_steps:
        return warmup_start_factor + (1.0 - warmup_start_factor) * step / warmup_steps
    progress = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return min_lr_ratio + (1.0 - min_lr_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


def create_scheduler(
    optimizer: torch.optim.Optimizer,
    *,
    warmup_steps: int,
    total_steps: int,
    min_lr_ratio: float = 0.0,
    warmup_start_factor: float = 0.0,
) -> torch.optim.lr_scheduler.LambdaLR:
    """The schedule above as a ``LambdaLR``; call ``scheduler.step()`` after each ``optimizer.step()``."""
    _check(warmup_steps=warmup_steps, total_steps=total_steps, min_lr_ratio=min_lr_ratio)
    _check_start(warmup_start_factor)
    factor = partial(
        lr_factor,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
        min_lr_ratio=min_lr_ratio,
        warmup_start_factor=warmup_start_factor,
    )
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def create_optimizer(model: nn.Module, *, lr: float, weight_decay: float = 0.01) -> torch.optim.AdamW:
    """AdamW over the trainable parameters, with weight decay only where it regularises.

    Biases, norm scales and shifts (every parameter with fewer than 2 dimensions) and the names in
    ``model.no_weight_decay()`` (timm's convention; T-DEED lists its positional encoding) get no
    decay: shrinking them towards 0 does not simplify the model, it only shifts or rescales
    activations. The seed decayed everything; this is a small refinement.
    """
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    skip = set(model.no_weight_decay()) if hasattr(model, "no_weight_decay") else set()
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (no_decay if param.ndim < 2 or name in skip else decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=lr)


def _check(*, warmup_steps: int, total_steps: int, min_lr_ratio: float) -> None:
    if total_steps < 1:
        raise ValueError(f"total_steps must be >= 1, got {total_steps}")
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"warmup_steps must lie in [0, total_steps={total_steps}), got {warmup_steps}")
    if not 0.0 <= min_lr_ratio <= 1.0:
        raise ValueError(f"min_lr_ratio must lie in [0, 1], got {min_lr_ratio}")


def _check_start(warmup_start_factor: float) -> None:
    if not 0.0 <= warmup_start_factor <= 1.0:
        raise ValueError(f"warmup_start_factor must lie in [0, 1], got {warmup_start_factor}")
