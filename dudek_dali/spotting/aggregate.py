"""Turn overlapping window predictions into one score per frame of the whole game.

Three steps, all vectorised (no Python loop over frames or windows):

1. **Average** every sampled frame's scores and displacements over the windows that saw it
   (one vectorised addition per clip position, so the only loop is over the T positions).
2. **Displace**: the model's displacement ``d`` is in *clip frames* (the training target is
   ``frame_index + d == event_index``, and clip frames are ``stride`` original frames apart), so
   sampled frame ``f`` sends its score vector to original frame ``f + rint(d * stride)``, clamped
   to the game. Moving at full resolution keeps the sub-stride part of the regression (``d = 0.5``
   at stride 2 is one frame). Where several frames land on one destination the maximum wins
   (per column); a sampled frame that nothing lands on scores 0 (its evidence moved away).
3. **Fill** the frames that are neither sampled nor a destination by linear interpolation
   between the nearest filled frames on either side, copying the first/last value beyond the
   ends so the game's head and tail are covered. Linear (rather than nearest or copy) keeps a
   peak on its own frame instead of creating a two-frame plateau whose tie soft-NMS would have to
   break arbitrarily.
"""

from __future__ import annotations

import numpy as np


def aggregate_windows(
    scores: np.ndarray,
    displacements: np.ndarray,
    frame_numbers: np.ndarray,
    *,
    num_frames: int,
    stride: int | None = None,
    apply_displacement: bool = True,
) -> np.ndarray:
    """Per-frame scores ``(num_frames, C)`` (float32) from windows of per-clip-frame predictions.

    ``scores`` (W, T, C) are probabilities, ``displacements`` (W, T) clip frames,
    ``frame_numbers`` (W, T) the original frame each clip frame shows (-1 for padding).
    ``stride`` (original frames between clip frames) is read off ``frame_numbers`` when omitted.
    """
    scores, displacements, frame_numbers = _check_inputs(scores, displacements, frame_numbers, num_frames)
    if not (frame_numbers >= 0).any():
        raise ValueError("aggregate_windows: every frame number is padding (-1)")
    stride = _stride(frame_numbers) if stride is None else stride
    sampled, mean_scores, mean_displacement = _average_per_frame(
        scores, displacements, frame_numbers, num_frames
    )
    if apply_displacement:
        destination = np.clip(
            sampled + np.rint(mean_displacement * stride).astype(np.int64), 0, num_frames - 1
        )
    else:
        destination = sampled
    out = np.zeros((num_frames, scores.shape[-1]), dtype=np.float64)
    targets, maxima = _max_per_group(destination, mean_scores)
    out[targets] = maxima
    known = np.zeros(num_frames, dtype=bool)
    known[sampled] = True
    known[targets] = True
    _fill_linear(out, known)
    return out.astype(np.float32)


def _check_inputs(
    scores: np.ndarray, displacements: np.ndarray, frame_numbers: np.ndarray, num_frames: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scores = np.asarray(scores)
    displacements = np.asarray(displacements, dtype=np.float64)
    frame_numbers = np.asarray(frame_numbers, dtype=np.int64)
    if scores.ndim != 3 or displacements.shape != scores.shape[:2] or frame_numbers.shape != scores.shape[:2]:
        raise ValueError(
            f"aggregate_windows: expected scores (W, T, C) with displacements and frame_numbers (W, T); got "
            f"{scores.shape}, {displacements.shape}, {frame_numbers.shape}"
        )
    if num_frames <= 0:
        raise ValueError(f"aggregate_windows: num_frames must be positive, got {num_frames}")
    if frame_numbers.max(initial=-1) >= num_frames or frame_numbers.min(initial=0) < -1:
        raise ValueError(
            f"aggregate_windows: frame numbers must be -1 (padding) or in 0..{num_frames - 1}, got "
            f"{frame_numbers.min()}..{frame_numbers.max()}"
        )
    return scores, displacements, frame_numbers


def _stride(frame_numbers: np.ndarray) -> int:
    """The one spacing between consecutive real frames of a window; 1 if no window has two."""
    both = (frame_numbers[:, 1:] >= 0) & (frame_numbers[:, :-1] >= 0)
    steps = np.unique((frame_numbers[:, 1:] - frame_numbers[:, :-1])[both])
    if len(steps) > 1 or (len(steps) == 1 and steps[0] <= 0):
        raise ValueError(
            f"aggregate_windows: clip frames must be evenly spaced, found steps {steps.tolist()}"
        )
    return int(steps[0]) if len(steps) else 1


def _average_per_frame(
    scores: np.ndarray, displacements: np.ndarray, frame_numbers: np.ndarray, num_frames: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sampled frames (sorted) with their mean scores and mean displacements over the windows."""
    valid = frame_numbers >= 0
    counts = np.bincount(frame_numbers[valid], minlength=num_frames)
    displacement_sums = np.bincount(frame_numbers[valid], weights=displacements[valid], minlength=num_frames)
    sums = np.zeros((num_frames, scores.shape[-1]), dtype=np.float64)
    # One clip position at a time: a vectorised add over all windows. Distinct window starts make the
    # frames of one position distinct, so plain fancy-index addition is exact; otherwise use add.at.
    for t in range(frame_numbers.shape[1]):
        rows = valid[:, t]
        frames = frame_numbers[rows, t]
        if np.all(np.diff(frames) > 0):
            sums[frames] += scores[rows, t]
        else:
            np.add.at(sums, frames, scores[rows, t].astype(np.float64))
    sampled = np.flatnonzero(counts)
    return sampled, sums[sampled] / counts[sampled, None], displacement_sums[sampled] / counts[sampled]


def _max_per_group(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    unique, starts = np.unique(keys[order], return_index=True)
    return unique, np.maximum.reduceat(values[order], starts, axis=0)


def _fill_linear(out: np.ndarray, known: np.ndarray) -> None:
    """Interpolate the rows of ``out`` that are not ``known`` in place (constant beyond the ends)."""
    anchors = np.flatnonzero(known)
    holes = np.flatnonzero(~known)
    if len(holes) == 0:
        return
    right = np.searchsorted(anchors, holes)
    left = np.clip(right - 1, 0, len(anchors) - 1)
    right = np.clip(right, 0, len(anchors) - 1)
    a, b = anchors[left], anchors[right]
    span = np.where(b > a, b - a, 1)
    weight = np.where(b > a, (holes - a) / span, 0.0)[:, None]
    out[holes] = out[a] * (1.0 - weight) + out[b] * weight
