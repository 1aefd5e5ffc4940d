"""Slow, obviously-correct versions of the post-processing, written the way the brief states it.

The fast versions in ``dudek_dali.spotting`` must agree with these (tests) and are timed against
them (``benchmarks/postprocess.py``).
"""

from __future__ import annotations

import numpy as np


def reference_aggregate(
    scores: np.ndarray,
    displacements: np.ndarray,
    frame_numbers: np.ndarray,
    *,
    num_frames: int,
    stride: int,
    apply_displacement: bool = True,
) -> np.ndarray:
    """Average per frame, move by round(d * stride), max at the destination, fill linearly."""
    sums: dict[int, np.ndarray] = {}
    displacement_sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for w in range(scores.shape[0]):
        for t in range(scores.shape[1]):
            f = int(frame_numbers[w, t])
            if f < 0:
                continue
            sums[f] = sums.get(f, 0.0) + scores[w, t].astype(np.float64)
            displacement_sums[f] = displacement_sums.get(f, 0.0) + float(displacements[w, t])
            counts[f] = counts.get(f, 0) + 1
    out = np.zeros((num_frames, scores.shape[2]))
    known = [False] * num_frames
    for f in sorted(sums):
        mean = sums[f] / counts[f]
        destination = f + round(displacement_sums[f] / counts[f] * stride) if apply_displacement else f
        destination = min(max(destination, 0), num_frames - 1)
        out[destination] = np.maximum(out[destination], mean)  # scores are >= 0, rows start at 0
        known[f] = known[destination] = True
    filled = out.copy()
    for x in range(num_frames):
        if known[x]:
            continue
        left = next((i for i in range(x - 1, -1, -1) if known[i]), None)
        right = next((i for i in range(x + 1, num_frames) if known[i]), None)
        if left is None:
            filled[x] = out[right]
        elif right is None:
            filled[x] = out[left]
        else:
            weight = (x - left) / (right - left)
            filled[x] = out[left] * (1 - weight) + out[right] * weight
    return filled


def reference_nms(
    scores: np.ndarray, *, window: int, threshold: float, method: str
) -> list[tuple[int, int, float]]:
    """T-DEED's per-class loop: keep the best (earliest on ties), decay or drop its neighbours, repeat."""
    kept = []
    for c in range(scores.shape[1]):
        events = [[f, float(scores[f, c])] for f in range(scores.shape[0]) if scores[f, c] >= threshold]
        while events:
            best = max(range(len(events)), key=lambda i: events[i][1])  # max() keeps the first maximum
            frame, score = events[best]
            if score < threshold:
                break
            kept.append((frame, c, score))
            events.pop(best)
            if method == "soft":
                for e in events:
                    if abs(e[0] - frame) <= window:
                        e[1] *= (abs(e[0] - frame) / window) ** 2
            else:
                events = [e for e in events if abs(e[0] - frame) > window]
    return sorted(kept)
