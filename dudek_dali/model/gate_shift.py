"""Gated temporal shift layers: Gate-Shift Module (GSM) and Gate-Shift-Fuse (GSF).

Both wrap a 2-D layer of a per-frame CNN and let it see neighbouring frames. About a quarter of
the input channels (``fold``) are regrouped from ``(B*T, C, H, W)`` into clips ``(B, C, T, H, W)``;
a 3-D convolution followed by ``tanh`` computes a spatio-temporal gate for each half of them. The
gated part of the first half moves one frame back in time, that of the second half one frame
forward (zero padding at the clip ends, so clips in a batch never leak into each other); the
ungated rest stays where it is. GSM adds the moved and the staying parts; GSF (the successor)
fuses them with per-channel, per-frame weights learned from their spatial means.

Everything is plain torch ops, so it runs on CPU and GPU in fp32, bf16 and fp16 (the seed's
version pads its shifts with ``torch.cuda.FloatTensor``, so it runs only on CUDA, in fp32). The
batch must hold whole clips of ``clip_len`` frames, in clip-major order, which is how
:class:`~dudek_dali.model.TDeed` flattens its input.

Differences from the published GSM/GSF code, as dude-k (the seed) ships it:

* ``fold`` is sized as dude-k sizes it, ``ceil((C // 4) / 4) * 4``: a quarter of the channels
  rounded *up* to a multiple of 4 (56 channels -> 16, 152 -> 40). The published code needs a
  multiple of 4 for its interleave (below); this module does not, but the same size keeps every
  gate tensor shaped as in dude-k's checkpoints, so they convert exactly
  (:mod:`dudek_dali.model.dudek_import`). Earlier versions of this module rounded *down* to an
  even count (56 -> 14, 152 -> 38): same sizes for regnety_008 and ResNets, other sizes for
  regnety_002's 56- and 152-channel blocks.
* The gate convolution of both GSM and GSF starts at zero (the published code does so for GSM
  only): nothing moves at first, so ImageNet weights of the wrapped layer see the features they
  were trained on, and the gate learns to open (its gradient is not zero at zero).
* The published code's final channel interleave is left out: it is a fixed permutation of the
  ``fold`` shifted channels that would scramble pretrained weights of the wrapped layer. Weights
  trained with it convert by permuting that layer's input channels the same way.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class GateShift(nn.Module):
    """GSM around ``net``: gate, shift the first ``fold`` input channels in time, then call ``net``."""

    def __init__(self, net: nn.Module, *, channels: int, clip_len: int, fraction: float = 0.25) -> None:
        super().__init__()
        if clip_len < 1:
            raise ValueError(f"clip_len must be >= 1, got {clip_len}")
        self.net = net
        self.clip_len = clip_len
        self.fold = shift_channels(channels, fraction)
        if self.fold > channels:
            raise ValueError(f"a temporal shift needs at least 4 channels, the wrapped layer has {channels}")
        self.gate_norm = nn.BatchNorm3d(self.fold)
        self.gate_conv = nn.Conv3d(self.fold, 2, kernel_size=3, padding=1, groups=2)
        nn.init.zeros_(self.gate_conv.weight)
        nn.init.zeros_(self.gate_conv.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, h, w = x.shape
        if n % self.clip_len:
            raise ValueError(
                f"temporal shift got a batch of {n} frames, not whole clips of {self.clip_len} frames"
            )
        clips = n // self.clip_len
        # (B*T, F, H, W) -> (B, F, T, H, W)
        part = x[:, : self.fold].reshape(clips, self.clip_len, self.fold, h, w).transpose(1, 2)
        gate = torch.tanh(self.gate_conv(F.relu(self.gate_norm(part))))
        half = self.fold // 2
        mixed = []
        for group, (channels, step) in enumerate(((part[:, :half], -1), (part[:, half:], 1))):
            moving = gate[:, group : group + 1] * channels
            mixed.append(self._combine(group, _shift_time(moving, step), channels - moving))
        out = torch.cat(mixed, dim=1).transpose(1, 2).reshape(n, self.fold, h, w)
        return self.net(torch.cat([out, x[:, self.fold :]], dim=1))

    def _combine(self, group: int, shifted: torch.Tensor, staying: torch.Tensor) -> torch.Tensor:
        return shifted + staying


class GateShiftFuse(GateShift):
    """GSF: like GSM, but shifted and staying features are blended by learned fusion weights."""

    def __init__(self, net: nn.Module, *, channels: int, clip_len: int, fraction: float = 0.25) -> None:
        super().__init__(net, channels=channels, clip_len=clip_len, fraction=fraction)
        # One 3x3 conv per group over (channel, time) of the two spatially pooled maps.
        self.fuse = nn.ModuleList(nn.Conv2d(2, 1, kernel_size=3, padding=1) for _ in range(2))

    def _combine(self, group: int, shifted: torch.Tensor, staying: torch.Tensor) -> torch.Tensor:
        pooled = torch.stack([shifted.mean(dim=(3, 4)), staying.mean(dim=(3, 4))], dim=1)  # (B, 2, F/2, T)
        weight = torch.sigmoid(self.fuse[group](pooled))[:, 0, :, :, None, None]  # (B, F/2, T, 1, 1)
        return shifted * weight + staying * (1 - weight)


def shift_channels(channels: int, fraction: float = 0.25) -> int:
    """How many input channels a shift layer gates: dude-k's ``ceil((C // 4) / 4) * 4``, at least 4.

    A multiple of 4, so each shift direction gets an even half, and the count equals dude-k's for
    every layer (their checkpoints depend on it). ``fraction`` generalises the ``// 4``.
    """
    return max(4, math.ceil(int(channels * fraction) / 4) * 4)


def _shift_time(x: torch.Tensor, step: int) -> torch.Tensor:
    """Move ``(B, C, T, H, W)`` by ``step`` (±1) frames along T, filling the vacated frame with zeros.

    ``step = -1``: frame t receives frame t+1 (information flows back in time).
    """
    zeros = torch.zeros_like(x[:, :, :1])
    if step < 0:
        return torch.cat([x[:, :, 1:], zeros], dim=2)
    return torch.cat([zeros, x[:, :, :-1]], dim=2)
