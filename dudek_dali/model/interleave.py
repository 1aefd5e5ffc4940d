"""The published Gate-Shift Module's channel interleave, undone in saved weights.

The GSM code dude-k and OpenSportsLab ship (from the GSM authors) ends by interleaving the
``fold`` shifted channels before the wrapped convolution: within each half of ``h = fold / 2``
channels, output channel ``2a + b`` is the half's channel ``b * q + a`` (``q = fold / 4``). This
project's shift layers (:mod:`.gate_shift`) leave the channels in order, so weights trained with
the interleave convert exactly by permuting the input channels of each wrapped ``conv1`` the
same way; nothing else about the two layers differs.
"""

from __future__ import annotations

import torch

from dudek_dali.errors import CheckpointError


def interleave_order(channels: int, fold: int) -> torch.Tensor:
    """``perm`` with ``ours[:, c] = theirs[:, perm[c]]`` for the input channels of a wrapped conv.

    Channels past ``fold`` are untouched.
    """
    half = fold // 2
    within = torch.arange(half).reshape(half // 2, 2).t().reshape(-1)
    return torch.cat([within, within + half, torch.arange(fold, channels)])


def undo_interleave(state: dict[str, torch.Tensor], *, path: object, origin: str) -> None:
    """Permute the input channels of every shifted block's ``conv1.net.conv`` in ``state`` (in place).

    ``state`` already has this project's names (``conv1.gate_norm``, ``conv1.net.conv``);
    ``origin`` names the source in the error (``dude-k``, ``OSL``).
    """
    for norm_key in [k for k in state if k.endswith(".conv1.gate_norm.weight")]:
        fold = state[norm_key].shape[0]
        conv_key = norm_key.replace(".gate_norm.weight", ".net.conv.weight")
        if conv_key not in state or fold % 4 or state[conv_key].shape[1] < fold:
            raise CheckpointError(
                f"{path}: {origin} shift layer {norm_key.rsplit('.', 2)[0]} does not wrap a RegNet conv "
                f"of at least {fold} input channels, or gates {fold} channels (not a multiple of 4)"
            )
        state[conv_key] = state[conv_key].index_select(1, interleave_order(state[conv_key].shape[1], fold))
