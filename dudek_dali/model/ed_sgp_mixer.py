"""T-DEED's temporal encoder-decoder ("ED-SGP-Mixer") over per-frame features ``(B, T, D)``.

Encoder: ``n_layers`` levels of SGP block, keep a skip, max-pool time by 2. Bottleneck: one SGP
block. Decoder: per level (coarsest first) an SGP-Mixer that upsamples and fuses the skip,
then an SGP block. ``2 * n_layers + 1`` SGP blocks in all.

Each level pools time to ``ceil(T / 2)`` frames with ``adaptive_max_pool1d``, as T-DEED and dude-k
do: for even lengths that is plain max-pooling by 2, for odd ones its windows overlap (5 frames ->
``[0, 2), [1, 4), [3, 5)``). The decoder upsamples back to the skip's exact length, so any clip
length works (dude-k's default 70 pools 35 -> 18 frames). No parameter depends on ``T``, so the
weights transfer between clip lengths. (This project first padded odd levels with their last frame
instead; outputs of clip lengths not divisible by ``2 ** n_layers`` then differed from dude-k's.)
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from dudek_dali.model.sgp import SGPBlock, SGPMixer


class EDSGPMixer(nn.Module):
    def __init__(self, dim: int, *, n_layers: int, kernel_size: int, k: int) -> None:
        super().__init__()
        self.encoders = nn.ModuleList(SGPBlock(dim, kernel_size=kernel_size, k=k) for _ in range(n_layers))
        self.bottleneck = SGPBlock(dim, kernel_size=kernel_size, k=k)
        self.mixers = nn.ModuleList(SGPMixer(dim, kernel_size=kernel_size, k=k) for _ in range(n_layers))
        self.decoders = nn.ModuleList(SGPBlock(dim, kernel_size=kernel_size, k=k) for _ in range(n_layers))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        x = feats.transpose(1, 2)  # (B, D, T): convolutions run along time
        skips = []
        for encoder in self.encoders:
            x = encoder(x)
            skips.append(x)
            x = halve_time(x)
        x = self.bottleneck(x)
        for mixer, decoder, skip in zip(self.mixers, self.decoders, reversed(skips), strict=True):
            x = decoder(mixer(x, skip))
        return x.transpose(1, 2)


def halve_time(x: torch.Tensor) -> torch.Tensor:
    """Max-pool ``(B, D, T)`` along T to ``ceil(T / 2)`` frames (adaptive windows, as T-DEED does)."""
    return F.adaptive_max_pool1d(x, math.ceil(x.shape[-1] / 2))
