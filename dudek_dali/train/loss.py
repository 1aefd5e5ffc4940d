"""T-DEED's training loss: weighted cross-entropy on classes plus MSE on displacement.

``total = ce_weight * CE + displacement_weight * MSE``.

**Cross-entropy.** Class weights are 1 for background (index 0) and ``foreground_weight`` for
every team-doubled action. Each frame's loss is ``-sum_c w_c * p_c * log softmax(logits)_c``
with target distribution ``p`` (one-hot for index targets, a blend for mixup), and the loss is
the mean over all frames. This is exactly what ``F.cross_entropy`` gives for soft targets, the
path T-DEED trains on with mixup. For index targets PyTorch's default would instead divide by the
sum of the targets' weights; we use the plain mean there too so a one-hot soft target and its
index give the same loss and switching mixup on or off does not rescale the loss.

**Displacement.** MSE over *all* frames, as in the T-DEED reference: background frames have
target 0, which teaches the head to stay near 0 where nothing happens (inference only reads it
where a class fires, so this costs nothing and keeps the regression tame).

Computed in fp32 whatever the autocast dtype of the inputs.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F


class TDeedLoss(NamedTuple):
    total: torch.Tensor  # weighted sum, what to backpropagate
    ce: torch.Tensor  # unweighted class term (for logging)
    displacement: torch.Tensor  # unweighted displacement term (for logging)


def tdeed_loss(
    class_logits: torch.Tensor,
    displacement: torch.Tensor,
    class_target: torch.Tensor,
    displacement_target: torch.Tensor,
    *,
    foreground_weight: float = 5.0,
    ce_weight: float = 1.5,
    displacement_weight: float = 1.0,
) -> TDeedLoss:
    """Loss of one batch.

    ``class_logits`` (B, T, C); ``class_target`` (B, T) int64 indices or (B, T, C) probabilities;
    ``displacement`` and ``displacement_target`` (B, T).
    """
    _check_shapes(class_logits, displacement, class_target, displacement_target)
    num_outputs = class_logits.shape[-1]
    weight = torch.full((num_outputs,), float(foreground_weight), device=class_logits.device)
    weight[0] = 1.0
    log_probs = F.log_softmax(class_logits.float(), dim=-1)
    if class_target.ndim == 2:
        # Gather instead of building one-hot targets: same value, less memory.
        picked = log_probs.gather(-1, class_target.unsqueeze(-1)).squeeze(-1)
        ce = -(weight[class_target] * picked).mean()
    else:
        ce = -(class_target.float() * weight * log_probs).sum(dim=-1).mean()
    mse = F.mse_loss(displacement.float(), displacement_target.float())
    return TDeedLoss(total=ce_weight * ce + displacement_weight * mse, ce=ce, displacement=mse)


def _check_shapes(
    logits: torch.Tensor, displacement: torch.Tensor, target: torch.Tensor, displacement_target: torch.Tensor
) -> None:
    if logits.ndim != 3:
        raise ValueError(f"class_logits must be (B, T, C), got {tuple(logits.shape)}")
    bt = logits.shape[:2]
    if target.ndim == 2:
        if target.shape != bt or target.dtype != torch.int64:
            raise ValueError(
                f"index class_target must be int64 {tuple(bt)}, got {target.dtype} {tuple(target.shape)}"
            )
    elif target.shape != logits.shape:
        raise ValueError(
            f"class_target must be (B, T) indices or (B, T, C) like the logits {tuple(logits.shape)}, "
            f"got {tuple(target.shape)}"
        )
    if displacement.shape != bt or displacement_target.shape != bt:
        raise ValueError(
            f"displacement and its target must be {tuple(bt)}, got "
            f"{tuple(displacement.shape)} and {tuple(displacement_target.shape)}"
        )
