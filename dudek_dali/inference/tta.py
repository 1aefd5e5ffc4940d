"""Horizontal-flip test-time augmentation: average a clip's scores with its mirrored clip's, on the
model's device (numpy arrays work too).

Mirroring the pitch swaps left and right, so the mirrored clip's team columns describe the other
team. Permuting its last axis with :attr:`LabelSet.flip_permutation` (an involution) maps them
back before averaging. Displacements are along time, which a flip leaves alone: average as is.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from dudek_dali.data.labels import LabelSet

Array = TypeVar("Array")  # numpy array or torch tensor: both index and add the same way


def unflip_scores(flipped_scores: Array, *, label_set: LabelSet) -> Array:
    """Scores of a mirrored clip with their team columns put back (last axis has 2N + 1 outputs)."""
    width = flipped_scores.shape[-1]  # type: ignore[attr-defined]
    if width != label_set.num_outputs:
        raise ValueError(f"scores have {width} outputs; {label_set.name} needs {label_set.num_outputs}")
    perm = label_set.flip_permutation
    if not isinstance(flipped_scores, np.ndarray):  # a torch tensor wants a tensor index on its device
        import torch

        perm = torch.as_tensor(perm, device=flipped_scores.device)  # type: ignore[attr-defined]
    return flipped_scores[..., perm]  # type: ignore[index]


def merge_flip_tta(scores: Array, flipped_scores: Array, *, label_set: LabelSet) -> Array:
    """Mean of a clip's scores and its mirrored clip's scores, team columns aligned."""
    return (scores + unflip_scores(flipped_scores, label_set=label_set)) / 2  # type: ignore[operator]
