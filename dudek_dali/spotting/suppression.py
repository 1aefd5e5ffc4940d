"""Per-class soft and hard non-maximum suppression over per-frame scores.

The reference algorithm (T-DEED's): candidates are the frames scoring ``>= threshold``; repeat
"take the highest remaining candidate (the earliest on a tie), keep it, and scale every remaining
candidate within ``window`` frames by ``(distance / window) ** 2`` (soft) or drop it (hard)" until
the best remaining score is below ``threshold``.

Vectorised equivalent: a candidate that beats every other score within ``window`` frames (ties
go to the earlier frame) is kept by the sequential algorithm with its current score, because
only a higher neighbour could be picked before it and change it, and scores never grow. So each
round keeps *all* such local maxima of all classes at once and applies their decays together.
Their windows may overlap, so a frame between two kept peaks is scaled by both factors, as it
would be sequentially; the product is only associated in another order, a last-bit difference.
A round costs a few passes over the score array (a sliding maximum by doubling takes
``log2(window) + 1`` elementwise maxima); the number of rounds is the length of the longest chain
of peaks that wait on each other (a handful on real-looking scores), far below the number of frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

SuppressionMethod = Literal["soft", "hard"]
SUPPRESSION_METHODS: tuple[str, ...] = ("soft", "hard")


@dataclass(frozen=True)
class Detections:
    """Kept peaks sorted by (frame, class): frame index, score column, score."""

    frames: np.ndarray
    classes: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)


def suppress(
    scores: np.ndarray,
    *,
    method: SuppressionMethod = "soft",
    window: int = 12,
    threshold: float = 0.01,
) -> Detections:
    """Soft- or hard-NMS of each column of ``scores`` (frames, classes) independently."""
    if method not in SUPPRESSION_METHODS:
        raise ValueError(f"method must be one of {SUPPRESSION_METHODS}, got {method!r}")
    if window < 1:
        raise ValueError(f"window must be at least 1 frame, got {window}")
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must be (frames, classes), got shape {scores.shape}")
    offsets = np.arange(-window, window + 1)
    factors = (np.abs(offsets) / window) ** 2 if method == "soft" else np.zeros(len(offsets))
    # Non-candidates become -1: they never win a round and never block a candidate.
    work = np.where(scores >= threshold, scores.astype(np.float64), -1.0)
    kept_frames, kept_classes, kept_scores = [], [], []
    while True:
        frames, classes = _local_maxima(work, window, threshold)
        if len(frames) == 0:
            break
        kept_frames.append(frames)
        kept_classes.append(classes)
        kept_scores.append(work[frames, classes])
        _decay(work, frames, classes, offsets, factors)
    return _sorted_detections(kept_frames, kept_classes, kept_scores)


def soft_nms(scores: np.ndarray, *, window: int = 12, threshold: float = 0.01) -> Detections:
    """Soft-NMS: neighbours within ``window`` frames of a kept peak are scaled by ``(dist / window)^2``."""
    return suppress(scores, method="soft", window=window, threshold=threshold)


def hard_nms(scores: np.ndarray, *, window: int = 12, threshold: float = 0.01) -> Detections:
    """Hard NMS: neighbours within ``window`` frames of a kept peak are dropped."""
    return suppress(scores, method="hard", window=window, threshold=threshold)


def _local_maxima(work: np.ndarray, window: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(frame, class) of scores >= threshold that beat the ``window`` frames before and tie-or-beat after."""
    n = work.shape[0]
    pad = np.full((window, work.shape[1]), -np.inf)
    padded = np.concatenate([pad, work, pad])
    block_max = _sliding_max(padded, window)  # block_max[i] = max(padded[i : i + window])
    before = block_max[:n]  # frames x - window .. x - 1
    after = block_max[window + 1 : window + 1 + n]  # frames x + 1 .. x + window
    return np.nonzero((work >= threshold) & (work > before) & (work >= after))


def _sliding_max(values: np.ndarray, size: int) -> np.ndarray:
    """``out[i] = values[i : i + size].max(axis=0)`` by doubling: O(n log size), contiguous slices only."""
    power, span = values, 1
    while span * 2 <= size:
        power = np.maximum(power[:-span], power[span:])  # power[i] = max of values[i : i + 2 * span]
        span *= 2
    # Two windows of length ``span`` (overlapping) cover [i, i + size).
    count = values.shape[0] - size + 1
    return np.maximum(power[:count], power[size - span : size - span + count])


def _decay(
    work: np.ndarray, frames: np.ndarray, classes: np.ndarray, offsets: np.ndarray, factors: np.ndarray
) -> None:
    targets = frames[:, None] + offsets
    inside = (targets >= 0) & (targets < work.shape[0])
    rows = targets[inside]
    cols = np.broadcast_to(classes[:, None], targets.shape)[inside]
    scale = np.broadcast_to(factors, targets.shape)[inside]
    np.multiply.at(work, (rows, cols), scale)
    work[frames, classes] = -1.0  # kept: out of the running (its factor is 0 already)


def _sorted_detections(frames: list, classes: list, scores: list) -> Detections:
    if not frames:
        empty = np.zeros(0, dtype=np.int64)
        return Detections(frames=empty, classes=empty.copy(), scores=np.zeros(0))
    frames_a, classes_a, scores_a = (np.concatenate(x) for x in (frames, classes, scores))
    order = np.lexsort((classes_a, frames_a))
    return Detections(
        frames=frames_a[order].astype(np.int64),
        classes=classes_a[order].astype(np.int64),
        scores=scores_a[order],
    )
