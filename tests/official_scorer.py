"""The official 2025 team-mAP computation, rebuilt around the ``SoccerNet`` package's ``average_mAP``.

This follows SoccerNet's ``sn-teamspotting`` evaluation step by step (dense 2-hour matrices at
25 fps, "not shown" ground truth = -1, absent predictions = -1, last write wins, the "closest"
matrices, team weighting by ground-truth column sums) and leaves the AP itself to the package, so
our fast implementation is compared against the real thing, not against a second copy of itself.
"""

from __future__ import annotations

import numpy as np
from SoccerNet.Evaluation.ActionSpotting import average_mAP

from dudek_dali.data.labels import BAS

FPS = 25
ROWS = 120 * 60 * FPS


def columns(*, team: bool) -> dict[str, int]:
    if not team:
        return {label: i for i, label in enumerate(BAS.classes)}
    # The official order interleaves teams: PASS-left, PASS-right, DRIVE-left, ...
    return {
        f"{label}-{side}": 2 * i + k
        for i, label in enumerate(BAS.classes)
        for k, side in enumerate(("left", "right"))
    }


def _key(entry: dict, team: bool) -> str:
    return f"{entry['label']}-{entry['team']}" if team else entry["label"]


def dense_truth(labels: dict, *, team: bool) -> np.ndarray:
    cols = columns(team=team)
    matrix = np.zeros((ROWS, len(cols)))
    for a in labels["annotations"]:
        frame = min(int(FPS * (int(a["position"]) / 1000)), ROWS - 1)
        if int(a["gameTime"][0]) == 1:
            matrix[frame, cols[_key(a, team)]] = -1 if a.get("visibility") == "not shown" else 1
    return matrix


def dense_predictions(predictions: dict, *, team: bool) -> np.ndarray:
    cols = columns(team=team)
    matrix = np.zeros((ROWS, len(cols))) - 1
    for p in predictions["predictions"]:
        frame = min(int(FPS * (int(p["position"]) / 1000)), ROWS - 1)
        matrix[frame, cols[_key(p, team)]] = p["confidence"]
    return matrix


def closest(target: np.ndarray) -> np.ndarray:
    out = np.zeros(target.shape) - 1
    for c in range(target.shape[1]):
        idx = np.where(target[:, c] != 0)[0].tolist()
        if not idx:
            continue
        idx = [-idx[0], *idx, 2 * out.shape[0]]
        for i in range(1, len(idx) - 1):
            start = max(0, (idx[i - 1] + idx[i]) // 2)
            stop = min(out.shape[0], (idx[i] + idx[i + 1]) // 2)
            out[start:stop, c] = target[idx[i], c]
    return out


def official_scores(labels: list[dict], predictions: list[dict], *, delta_s: int = 1) -> dict:
    """``team_map``, ``team_per_class`` (12), ``column_aps`` (24, interleaved), ``map``, ``per_class``."""
    out = {}
    for team in (True, False):
        targets = [dense_truth(doc, team=team) for doc in labels]
        detections = [dense_predictions(doc, team=team) for doc in predictions]
        closests = [closest(t) for t in targets]
        m, per_class, *_ = average_mAP(
            targets, detections, closests, framerate=FPS, deltas=np.array([delta_s])
        )
        per_class = np.asarray(per_class)
        if team:
            weights = sum(t.sum(axis=0) for t in targets)
            weighted = per_class * weights
            team_per_class = [
                (weighted[2 * i] + weighted[2 * i + 1]) / (weights[2 * i] + weights[2 * i + 1])
                for i in range(12)
            ]
            out.update(team_map=np.mean(team_per_class), team_per_class=team_per_class, column_aps=per_class)
        else:
            out.update(map=m, per_class=per_class)
    return out
