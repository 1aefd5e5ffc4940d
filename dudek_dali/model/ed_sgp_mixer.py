"""T-DEED's temporal encoder-decoder ("ED-SGP-Mixer") over per-frame features ``(B, T, D)``.

Encoder: ``n_layers`` levels of SGP block, keep a skip, max-pool time by 2. Bottleneck: one SGP
block. Decoder: per level (coarsest first) an SGP-Mixer that upsamples and fuses the skip,
then an SGP block. ``2 * n_layers + 1`` SGP blocks in all.

Lengths not divisible by ``2 ** n_layers`` are handled by padding an odd length with a copy of
its last frame before pooling (the pooled clip has ``ceil(T / 2)`` frames) and upsampling back to
the skip's exact length. T-DEED used ``AdaptiveMaxPool1d(ceil(T / 2))``; it is the same for even
lengths, and for odd ones only the grouping of the last frames differs. No parameter depends on
``T``, so the weights transfer between clip lengths.
"""

from __future__ import annotations

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
    """Max-pool ``(B, D, T)`` by 2 along T to ``ceil(T / 2)`` frames (an odd T repeats its last frame)."""
    if x.shape[-1] % 2:
        x = torch.cat([x, x[..., -1:]], dim=-1)
    return F.max_pool1d(x, kernel_size=2, stride=2)
