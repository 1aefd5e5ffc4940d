"""Mixup of clips within a batch (optional, ``--mixup``), as T-DEED trains.

Each clip is blended with another clip of the same batch: ``lam * a + (1 - lam) * b`` for the
frames and for one-hot class targets (so the loss sees soft targets), ``lam ~ Beta(alpha, alpha)``
folded to ``lam >= 0.5`` so every clip stays dominant in its own mix. The displacement target
stays the dominant clip's: offsets of two different events cannot be averaged meaningfully.

The draw is a pure function of ``(seed, batch index)``, not of a generator's state, so a resumed
run mixes exactly as the uninterrupted one. A batch of one clip is returned unmixed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

_MIXUP_STREAM = 7  # keeps these draws apart from the loaders' (seed, epoch, ...) streams


class MixedBatch(NamedTuple):
    frames: torch.Tensor  # (B, T, C, H, W)
    class_target: torch.Tensor  # (B, T, num_outputs) soft targets
    displacement_target: torch.Tensor  # (B, T)


def mixup_draw(batch_size: int, *, alpha: float, seed: int, index: int) -> tuple[float, np.ndarray]:
    """``(lam, partner)``: the blend weight (>= 0.5) and each clip's partner in the batch.

    The partner permutation has no fixed point (a clip never mixes with itself) when ``B > 1``.
    """
    rng = np.random.default_rng([seed, index, _MIXUP_STREAM])
    lam = float(rng.beta(alpha, alpha))
    lam = max(lam, 1.0 - lam)
    shift = 1 + int(rng.integers(0, batch_size - 1)) if batch_size > 1 else 0
    partner = (np.arange(batch_size) + shift) % batch_size
    return lam, partner


def mixup(
    frames: torch.Tensor,
    classes: torch.Tensor,
    displacement: torch.Tensor,
    *,
    num_outputs: int,
    alpha: float,
    seed: int,
    index: int,
) -> MixedBatch:
    """Blend every clip with its partner (see :func:`mixup_draw`)."""
    one_hot = torch.nn.functional.one_hot(classes, num_outputs).to(frames.dtype)
    lam, partner = mixup_draw(len(frames), alpha=alpha, seed=seed, index=index)
    if len(frames) < 2:
        return MixedBatch(frames, one_hot, displacement)
    other = torch.as_tensor(partner, device=frames.device)
    mixed_frames = lam * frames + (1.0 - lam) * frames[other]
    mixed_target = lam * one_hot + (1.0 - lam) * one_hot[other]
    return MixedBatch(mixed_frames, mixed_target, displacement)
