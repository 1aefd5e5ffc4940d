"""Per-class average precision exactly as SoccerNet's ``average_mAP`` computes it, without its loops.

SoccerNet's scorer works on dense per-game matrices (``120 * 60 * 25`` frames x classes):
ground truth is ``1`` (visible) or ``-1`` ("not shown"), predictions hold a confidence and ``-1``
where there is none. Writing an event into a cell overwrites what was there, and frames past the
end are clamped onto the last row. :class:`EventGrid` keeps only the written cells, with the same
semantics, so a game costs kilobytes instead of 35 MB.

Matching (``compute_class_scores``): ground-truth events are visited in frame order; each takes
the highest-scoring still-unmatched prediction within ``|frame distance| <= delta / 2`` (the
first in frame order on a tie). The official loop rescans every prediction for every event. Here
an event's choice can only depend on earlier events whose candidate ranges overlap its own, so
events are grouped into such chains and the k-th events of all chains are matched together in
one vectorised round; the number of rounds is the longest chain, not the number of events.

Average precision: precision and recall at 200 thresholds ``linspace(0, 1, 200)`` (a prediction
counts when ``confidence >= threshold``; 0/0 counts as 0), then 11-point interpolation
(``recall >= 0, 0.1, ..., 1``), summed in the same order as the official code so the results
agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SCORER_FRAMES = 120 * 60 * 25
"""Rows of SoccerNet's per-game matrix at 25 fps; later frames are clamped onto the last row."""

_THRESHOLDS = np.linspace(0, 1, 200)
_RECALL_LEVELS = np.arange(11) / 10


@dataclass(frozen=True)
class EventGrid:
    """The cells written into one game's scorer matrix: ``frames``, ``columns``, ``values`` (sorted)."""

    frames: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    writes: np.ndarray  # which write (its index in the arrays given to from_writes) each cell holds

    @classmethod
    def from_writes(
        cls, frames: np.ndarray, columns: np.ndarray, values: np.ndarray, *, num_frames: int = SCORER_FRAMES
    ) -> EventGrid:
        """Apply writes in order: clamp frames to the last row, the last write to a cell wins."""
        frames = np.minimum(np.asarray(frames, dtype=np.int64), num_frames - 1)
        columns = np.asarray(columns, dtype=np.int64)
        values = np.asarray(values, dtype=np.float64)
        key = columns * num_frames + frames
        # np.unique keeps the first occurrence: look at the writes backwards to keep the last.
        _, last = np.unique(key[::-1], return_index=True)
        keep = len(key) - 1 - last
        return cls(frames=frames[keep], columns=columns[keep], values=values[keep], writes=keep)

    def column_sums(self, num_columns: int) -> np.ndarray:
        """Sum of each column of the dense matrix (ground truth: visible minus "not shown" events)."""
        return np.bincount(self.columns, weights=self.values, minlength=num_columns).astype(np.float64)


def class_average_precisions(
    targets: Sequence[EventGrid],
    detections: Sequence[EventGrid],
    *,
    num_classes: int,
    delta_frames: float = 25,
) -> np.ndarray:
    """AP of each class pooled over games, equal to ``average_mAP(..., deltas=[delta])`` per class.

    ``targets[g]`` holds ground truth (non-zero cells are events), ``detections[g]`` the
    predictions (cells ``>= 0`` count, as in the official code). ``delta_frames`` is
    ``delta_seconds * 25``; a prediction matches an event within ``delta_frames / 2`` frames.
    """
    pairs = pair_cells(targets, detections, num_classes=num_classes, delta_frames=delta_frames)
    matched = pairs.partner >= 0
    return np.array(
        [
            _average_precision(
                pairs.scores[pairs.prediction_column == c],
                matched[pairs.prediction_column == c],
                int(np.sum(pairs.event_column == c)),
            )
            for c in range(num_classes)
        ]
    )


@dataclass(frozen=True)
class Pairing:
    """The official matching of every game's events and counted predictions.

    Each side is sorted by (game, column, frame); ``*_cell`` indexes the cells of its game's grid
    (:attr:`EventGrid.writes` leads back to the input). ``partner[i]`` is the event prediction
    ``i`` is a true positive for (an index into the ``event_*`` arrays), or -1.
    """

    event_cell: np.ndarray
    event_column: np.ndarray
    prediction_cell: np.ndarray
    prediction_column: np.ndarray
    scores: np.ndarray
    partner: np.ndarray


def pair_cells(
    targets: Sequence[EventGrid],
    detections: Sequence[EventGrid],
    *,
    num_classes: int,
    delta_frames: float = 25,
) -> Pairing:
    """Match events and predictions as ``compute_class_scores`` does, per game and column at once.

    Every (game, column) group is laid on one axis, far enough from the next group that no
    prediction falls within the radius of another group's event.
    """
    if len(targets) != len(detections):
        raise ValueError(f"{len(targets)} target grids but {len(detections)} detection grids")
    radius = int(np.floor(delta_frames / 2))
    span = SCORER_FRAMES + 2 * radius + 1
    event_cell, event_column, event_key, _ = _cells(targets, num_classes, span, events=True)
    cell, column, key, scores = _cells(detections, num_classes, span, events=False)
    events, predictions = np.argsort(event_key), np.argsort(key)  # keys are unique per side
    partner = pair_events(event_key[events], key[predictions], scores[predictions], radius=radius)
    return Pairing(
        event_cell=event_cell[events], event_column=event_column[events], prediction_cell=cell[predictions],
        prediction_column=column[predictions], scores=scores[predictions], partner=partner,
    )  # fmt: skip


def _cells(
    grids: Sequence[EventGrid], num_classes: int, span: int, *, events: bool
) -> tuple[np.ndarray, ...]:
    """(cell, column, axis key, value) of the cells that count: events (non-zero ground truth) or
    predictions (values >= 0)."""
    parts = [(np.zeros(0, np.int64),) * 3 + (np.zeros(0),)]
    for game, grid in enumerate(grids):
        cells = np.flatnonzero(grid.values != 0 if events else grid.values >= 0)
        columns = grid.columns[cells]
        key = (game * num_classes + columns) * span + grid.frames[cells]
        parts.append((cells, columns, key, grid.values[cells]))
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def match_events(gt: np.ndarray, preds: np.ndarray, scores: np.ndarray, *, radius: int) -> np.ndarray:
    """Which predictions the official greedy matching marks as true positives."""
    return pair_events(gt, preds, scores, radius=radius) >= 0


def pair_events(gt: np.ndarray, preds: np.ndarray, scores: np.ndarray, *, radius: int) -> np.ndarray:
    """For each prediction, the ground-truth event the official greedy matching pairs it with, or -1.

    ``gt`` and ``preds`` are sorted, unique positions on one axis; ``scores`` go with ``preds``.
    """
    partner = np.full(len(preds), -1, dtype=np.int64)
    if len(gt) == 0 or len(preds) == 0:
        return partner
    lo = np.searchsorted(preds, gt - radius, side="left")
    hi = np.searchsorted(preds, gt + radius, side="right")
    # Event i continues the chain of event i-1 when their candidate ranges share a prediction.
    joins = np.zeros(len(gt), dtype=bool)
    joins[1:] = hi[:-1] > lo[1:]
    index = np.arange(len(gt))
    chain_position = index - np.maximum.accumulate(np.where(joins, 0, index))
    offsets = np.arange(2 * radius + 1)
    for k in range(int(chain_position.max()) + 1):
        active = np.flatnonzero((chain_position == k) & (hi > lo))
        if len(active) == 0:
            continue
        candidates = lo[active, None] + offsets
        valid = candidates < hi[active, None]
        candidates = np.minimum(candidates, len(preds) - 1)
        valid &= partner[candidates] < 0
        best = np.where(valid, scores[candidates], -np.inf).argmax(axis=1)  # first max = earliest frame
        rows = np.arange(len(active))
        found = valid[rows, best]
        partner[candidates[rows, best][found]] = active[found]
    return partner


def _average_precision(scores: np.ndarray, matched: np.ndarray, num_events: int) -> float:
    order = np.argsort(scores, kind="stable")
    scores, matched = scores[order], matched[order]
    tp_from = np.concatenate([np.cumsum(matched[::-1])[::-1], [0]])  # true positives at or after i
    first = np.searchsorted(scores, _THRESHOLDS, side="left")  # first prediction >= threshold
    tp = tp_from[first]
    count = len(scores) - first
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(count > 0, tp / np.maximum(count, 1), 0.0)
        recall = tp / num_events if num_events else np.zeros(len(_THRESHOLDS))
    ap = 0.0
    for level in _RECALL_LEVELS:
        reached = recall >= level
        ap += float(precision[reached].max()) if reached.any() else 0.0
    return ap / 11
