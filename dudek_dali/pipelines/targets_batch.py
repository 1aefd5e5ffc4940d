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


def window_batch(encoder: TargetEncoder, source, windows: Sequence, *, stride: int):
    """The :class:`ClipBatch` of consecutive inference windows of one video (never flipped).

    ``source`` is the video's :class:`~dudek_dali.pipelines.sampling.VideoSource` and ``windows``
    its :class:`~dudek_dali.pipelines.windows.Window` s; both whole-game readers (DALI and frame
    folders) build their batches here.
    """
    import torch

    from dudek_dali.pipelines.batch import ClipBatch

    numbers = np.stack([w.frame_numbers for w in windows])
    flipped = np.zeros(len(windows), dtype=bool)
    classes, displacement = batch_targets(
        encoder, [source.events] * len(windows), numbers, stride=stride, flipped=flipped
    )
    frames = torch.stack([w.frames for w in windows])

    def tensor(array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(array).to(frames.device)

    return ClipBatch(
        frames=frames,
        classes=tensor(classes),
        displacement=tensor(displacement),
        frame_numbers=tensor(numbers),
        flipped=tensor(flipped),
        videos=(source.path,) * len(windows),
        games=(source.game,) * len(windows),
        clip_ids=tensor(np.array([w.index for w in windows], dtype=np.int64)),
    )
