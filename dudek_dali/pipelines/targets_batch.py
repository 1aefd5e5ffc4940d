"""Per-frame targets of a batch of clips, through the one shared target encoder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dudek_dali.data.targets import EventTable, TargetEncoder


def batch_targets(
    encoder: TargetEncoder,
    events: Sequence[EventTable],
    frame_numbers: np.ndarray,
    *,
    stride: int,
    flipped: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` (B, T) int64 and ``displacement`` (B, T) float32 of B clips.

    ``frame_numbers`` (B, T) are the frames the loader delivered (-1 = padding), ``events``
    the clips' videos' event tables and ``flipped`` (B,) whether each clip was mirrored.
    """
    encoded = [
        encoder.encode(table, numbers, stride=stride, flipped=bool(flip))
        for table, numbers, flip in zip(events, frame_numbers, flipped, strict=True)
    ]
    classes = np.stack([e.classes for e in encoded]).astype(np.int64)
    displacement = np.stack([e.displacement for e in encoded]).astype(np.float32)
    return classes, displacement
