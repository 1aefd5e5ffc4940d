"""SGP (Scalable-Granularity Perception, from TriDet) and T-DEED's SGP-Mixer, on ``(B, D, T)``.

An SGP layer replaces self-attention with two cheap branches on the layer-normalised input ``z``:

* instant level: ``fc(z) * relu(global_fc(mean_t(z)))`` - each frame scaled by a clip-wide gate;
* window level: ``(conv_w(z) + conv_kw(z)) * psi(z)`` - depthwise convolutions over a short
  window (``kernel_size``) and a wide one (about ``k`` times wider), gated by a third one.

Then a residual and a group-normalised two-layer MLP. The mixer fuses a decoder input with the
encoder's skip connection: it upsamples the coarse input to the skip's length (linear, at run
time, so any clip length works), runs both branches on each, and projects the six maps
(4 branch outputs + both inputs) back to ``D`` channels. Initialisation follows T-DEED
(depthwise weights N(0, 0.1), zero biases).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

INIT_STD = 0.1


class ChannelLayerNorm(nn.LayerNorm):
    """LayerNorm over the channel axis of ``(B, C, T)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


class GranularityBranches(nn.Module):
    """The instant-level and window-level branches of SGP; returns ``(instant, window)``."""

    def __init__(self, dim: int, *, kernel_size: int, k: int) -> None:
        super().__init__()
        wide = round((kernel_size + 1) * k)
        wide += 1 - wide % 2  # odd, so "same" padding keeps the length
        self.psi = _depthwise(dim, kernel_size)
        self.conv_w = _depthwise(dim, kernel_size)
        self.conv_kw = _depthwise(dim, wide)
        self.fc = _depthwise(dim, 1)
        self.global_fc = _depthwise(dim, 1)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        instant = self.fc(z) * torch.relu(self.global_fc(z.mean(dim=-1, keepdim=True)))
        window = (self.conv_w(z) + self.conv_kw(z)) * self.psi(z)
        return instant, window


class SGPBlock(nn.Module):
    """One SGP layer: ``x + z + instant + window``, then ``+ mlp(groupnorm(.))``; keeps ``(B, D, T)``."""

    def __init__(self, dim: int, *, kernel_size: int, k: int) -> None:
        super().__init__()
        self.norm = ChannelLayerNorm(dim)
        self.branches = GranularityBranches(dim, kernel_size=kernel_size, k=k)
        self.mlp_norm = _group_norm(dim)
        self.mlp = _mlp(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.norm(x)
        instant, window = self.branches(z)
        x = x + z + instant + window
        return x + self.mlp(self.mlp_norm(x))


class SGPMixer(nn.Module):
    """Fuse a coarse decoder input ``x`` with a fine skip ``skip``; output has the skip's length."""

    def __init__(self, dim: int, *, kernel_size: int, k: int) -> None:
        super().__init__()
        self.skip_norm = ChannelLayerNorm(dim)
        self.coarse_norm = ChannelLayerNorm(dim)
        self.skip_branches = GranularityBranches(dim, kernel_size=kernel_size, k=k)
        self.coarse_branches = GranularityBranches(dim, kernel_size=kernel_size, k=k)
        self.project = nn.Conv1d(6 * dim, dim, kernel_size=1)
        nn.init.normal_(self.project.weight, 0.0, INIT_STD)
        nn.init.zeros_(self.project.bias)
        self.mlp_norm = _group_norm(dim)
        self.mlp = _mlp(dim)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        z = self.skip_norm(skip)
        x = F.interpolate(self.coarse_norm(x), size=skip.shape[-1], mode="linear", align_corners=True)
        skip_instant, skip_window = self.skip_branches(z)
        coarse_instant, coarse_window = self.coarse_branches(x)
        fused = torch.cat([skip_window, coarse_window, skip_instant, coarse_instant, z, x], dim=1)
        out = F.gelu(self.project(fused))
        return out + self.mlp(self.mlp_norm(out))


def _depthwise(dim: int, kernel_size: int) -> nn.Conv1d:
    conv = nn.Conv1d(dim, dim, kernel_size, padding=kernel_size // 2, groups=dim)
    nn.init.normal_(conv.weight, 0.0, INIT_STD)
    nn.init.zeros_(conv.bias)
    return conv


def _group_norm(dim: int) -> nn.GroupNorm:
    # T-DEED uses 16 groups; gcd keeps any timm feature width valid (16 for 368 and 768).
    return nn.GroupNorm(math.gcd(16, dim), dim)


def _mlp(dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(dim, 4 * dim, 1), nn.GELU(), nn.Conv1d(4 * dim, dim, 1))
