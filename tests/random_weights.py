"""Every tensor of a network randomised: what the checkpoint-conversion tests compare networks with.

Initial values would hide mistakes: a zero gate shifts nothing, a unit norm ignores a wrong
reshape, a zero BatchNorm scale (timm's last one in each block) hides a whole branch. Each float
tensor moves around its initial value at its own scale (0.1 for constants); BatchNorm running
statistics become plausible ones (variance in 0.5..1.5, means near 0).
"""

from __future__ import annotations

import torch
from torch import nn


def randomise(model: nn.Module, seed: int) -> nn.Module:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for key, tensor in model.state_dict().items():
            if not tensor.is_floating_point():
                continue
            noise = torch.randn(tensor.shape, generator=generator)
            if key.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif key.endswith("running_mean"):
                tensor.copy_(noise * 0.1)
            else:  # around the initial value, at its own scale (0.1 for constants)
                scale = tensor.std().item() if tensor.numel() > 1 else 0.0
                tensor.add_(noise * max(scale, 0.1) * 0.5)
    return model
