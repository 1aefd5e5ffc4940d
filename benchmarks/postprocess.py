"""Post-processing and metric speed on a full game: the fast code vs the references, side by side.

    python benchmarks/postprocess.py [--frames 150000] [--nms-reference-frames 15000] [--json out.json]

The model outputs are synthetic but shaped like real inference: windows of 80 clip frames at
stride 2 with an overlap of 68 (a new window every 24 original frames), 25 outputs (background +
12 classes x 2 teams), an event every 1-5 s with peaked scores and noisy displacements. The
references are the loop versions in ``tests/reference_spotting.py`` and, for the metric, the
``SoccerNet`` package's ``average_mAP`` driven as the official evaluation does
(``tests/official_scorer.py``). The NMS references are too slow for a whole game: they run on
the first ``--nms-reference-frames`` frames and the time is scaled up linearly (marked "extrap.");
their cost grows faster than linearly, so the extrapolation flatters them. The official metric
time always includes building its dense matrices from the JSON documents (that is how it works);
ours is shown both from the JSON documents and from already-parsed predictions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from official_scorer import official_scores  # noqa: E402
from reference_spotting import reference_aggregate, reference_nms  # noqa: E402

from dudek_dali.data.annotations import Annotation  # noqa: E402
from dudek_dali.data.labels import BAS, Team  # noqa: E402
from dudek_dali.spotting import (  # noqa: E402
    Prediction,
    aggregate_windows,
    detections_to_predictions,
    evaluate_spotting,
    results_document,
    suppress,
)

CLIP_LEN, STRIDE, OVERLAP = 80, 2, 68


def synthetic_game(num_frames: int, *, seed: int) -> dict[str, np.ndarray]:
    """Window outputs (scores, displacements, frame_numbers) and the events they were drawn from."""
    rng = np.random.default_rng(seed)
    events = np.cumsum(rng.integers(25, 125, size=num_frames // 25 + 1))
    events = events[events < num_frames]
    outputs = rng.integers(1, BAS.num_outputs, size=len(events))
    step = (CLIP_LEN - OVERLAP) * STRIDE
    frame_numbers = np.arange(0, num_frames, step)[:, None] + STRIDE * np.arange(CLIP_LEN)
    frame_numbers[frame_numbers >= num_frames] = -1
    nearest = _nearest(events, frame_numbers)
    offset = (events[nearest] - frame_numbers) / STRIDE  # clip frames to the nearest event
    near = (np.abs(offset) <= 4) & (frame_numbers >= 0)
    logits = rng.normal(0.0, 1.0, frame_numbers.shape + (BAS.num_outputs,)).astype(np.float32)
    logits[..., 0] += 6.0
    w, t = np.nonzero(near)
    logits[w, t, outputs[nearest[w, t]]] += 7.0 - np.abs(offset[w, t])
    scores = np.exp(logits - logits.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    noise = rng.normal(0.0, 0.3, frame_numbers.shape)
    displacements = np.where(near, offset + noise, noise).astype(np.float32)
    return {
        "scores": scores,
        "displacements": displacements,
        "frame_numbers": frame_numbers,
        "events": events,
        "outputs": outputs,
    }


def _nearest(events: np.ndarray, frames: np.ndarray) -> np.ndarray:
    right = np.clip(np.searchsorted(events, frames), 0, len(events) - 1)
    left = np.clip(right - 1, 0, len(events) - 1)
    return np.where(np.abs(events[left] - frames) <= np.abs(events[right] - frames), left, right)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_postprocess(game: dict[str, np.ndarray], num_frames: int, nms_reference_frames: int) -> list[dict]:
    args = (game["scores"], game["displacements"], game["frame_numbers"])
    fast_s, fast = timed(lambda: aggregate_windows(*args, num_frames=num_frames))
    ref_s, ref = timed(lambda: reference_aggregate(*args, num_frames=num_frames, stride=STRIDE))
    rows = [_row("aggregate windows", fast_s, ref_s, False, float(np.abs(fast - ref).max()))]
    part = fast[:nms_reference_frames, 1:]
    scale = num_frames / len(part)
    for method in ("soft", "hard"):
        fast_s, detections = timed(lambda m=method: suppress(fast[:, 1:], method=m))
        part_fast = suppress(part, method=method)
        ref_s, ref_kept = timed(lambda m=method: reference_nms(part, window=12, threshold=0.01, method=m))
        same = [(f, c) for f, c, _ in ref_kept] == list(
            zip(part_fast.frames.tolist(), part_fast.classes.tolist(), strict=True)
        )
        diff = (
            float(np.abs(np.array([s for *_, s in ref_kept]) - part_fast.scores).max())
            if same
            else float("nan")
        )
        rows.append(_row(f"{method}-NMS ({len(detections)} kept)", fast_s, ref_s * scale, scale > 1, diff))
    return rows


def bench_metric(games: list[dict[str, np.ndarray]], predictions: list[list[Prediction]]) -> list[dict]:
    """End to end from the JSON documents, and the scoring alone once the inputs are parsed."""
    label_docs = [_label_document(g) for g in games]
    prediction_docs = [results_document(f"l/s/game {i}", p) for i, p in enumerate(predictions)]
    end_to_end_s, fast = timed(lambda: evaluate_spotting(*_parsed(label_docs, prediction_docs)))
    parsed = _parsed(label_docs, prediction_docs)
    scoring_s, _ = timed(lambda: evaluate_spotting(*parsed))
    ref_s, ref = timed(lambda: official_scores(label_docs, prediction_docs))
    diff = max(abs(fast.team.value - ref["team_map"]), abs(fast.no_team.value - ref["map"]))
    n = sum(len(d["predictions"]) for d in prediction_docs)
    name = f"team-mAP + mAP, {len(games)} games, {n} preds"
    return [
        _row(f"{name}, from JSON", end_to_end_s, ref_s, False, diff),
        _row(f"{name}, scoring only", scoring_s, ref_s, False, diff),
    ]


def _label_document(game: dict[str, np.ndarray]) -> dict:
    annotations = []
    for frame, output in zip(game["events"].tolist(), game["outputs"].tolist(), strict=True):
        label, team = BAS.decode(output)
        ms = frame * 40
        annotations.append(
            {
                "gameTime": f"1 - {ms // 60000:02d}:{ms // 1000 % 60:02d}",
                "label": label,
                "position": str(ms),
                "team": team.value,
                "visibility": "visible",
            }
        )
    return {"annotations": annotations}


def _parsed(label_docs: list[dict], prediction_docs: list[dict]) -> tuple[dict, dict]:
    truth = {
        f"g{i}": [
            Annotation(
                half=1,
                position_ms=int(a["position"]),
                label=a["label"],
                team=Team(a["team"]),
                visibility=a["visibility"],
                game_time=a["gameTime"],
            )
            for a in doc["annotations"]
        ]
        for i, doc in enumerate(label_docs)
    }
    preds = {
        f"g{i}": [
            Prediction(p["label"], Team(p["team"]), int(p["position"]), p["confidence"])
            for p in doc["predictions"]
        ]
        for i, doc in enumerate(prediction_docs)
    }
    return truth, preds


def _row(name: str, fast_s: float, ref_s: float, extrapolated: bool, max_diff: float) -> dict:
    return {
        "step": name,
        "fast_s": fast_s,
        "reference_s": ref_s,
        "reference_extrapolated": extrapolated,
        "speedup": ref_s / fast_s,
        "max_abs_diff": max_diff,
    }


def print_table(rows: list[dict]) -> None:
    print(f"{'step':<62}{'fast (s)':>10}{'reference (s)':>22}{'speed-up':>10}{'max |diff|':>12}")
    for r in rows:
        ref = f"{r['reference_s']:.3f}" + (" extrap." if r["reference_extrapolated"] else "")
        print(f"{r['step']:<62}{r['fast_s']:>10.3f}{ref:>22}{r['speedup']:>9.0f}x{r['max_abs_diff']:>12.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150_000, help="frames per game (25 fps)")
    parser.add_argument(
        "--nms-reference-frames", type=int, default=15_000, help="frames the slow NMS reference runs on"
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args()
    games = [synthetic_game(args.frames, seed=s) for s in (0, 1)]
    print(
        f"game: {args.frames} frames, {games[0]['scores'].shape[0]} windows of {CLIP_LEN} at stride {STRIDE} "
        f"(overlap {OVERLAP}), {BAS.num_outputs} outputs, {len(games[0]['events'])} events"
    )
    rows = bench_postprocess(games[0], args.frames, args.nms_reference_frames)
    predictions = []
    for g in games:
        per_frame = aggregate_windows(
            g["scores"], g["displacements"], g["frame_numbers"], num_frames=args.frames
        )
        predictions.append(detections_to_predictions(suppress(per_frame[:, 1:]), label_set=BAS))
    rows += bench_metric(games, predictions)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"frames": args.frames, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
