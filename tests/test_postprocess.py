"""Post-processing: the vectorised code against the loop references in ``reference_spotting``."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_spotting import reference_aggregate, reference_nms

from dudek_dali.data.labels import BAS, Team
from dudek_dali.inference.tta import merge_flip_tta, unflip_scores
from dudek_dali.spotting import (
    PostprocessConfig,
    aggregate_windows,
    hard_nms,
    postprocess_game,
    soft_nms,
    suppress,
)


def _windows(
    rng, *, num_frames: int, clip_len: int, stride: int, step: int, classes: int = 5, first: int = 0
):
    """Sliding windows over a game with real-looking padding (-1) past its end."""
    starts = np.arange(first, num_frames, step * stride)
    frame_numbers = starts[:, None] + stride * np.arange(clip_len)
    frame_numbers[frame_numbers >= num_frames] = -1
    logits = rng.normal(0, 2, frame_numbers.shape + (classes,))
    scores = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    displacements = rng.normal(0, 2, frame_numbers.shape)
    return scores.astype(np.float32), displacements.astype(np.float32), frame_numbers


@pytest.mark.parametrize("apply_displacement", [True, False])
@pytest.mark.parametrize(
    ("num_frames", "clip_len", "stride", "step", "first"), [(301, 16, 2, 5, 0), (257, 8, 3, 3, 1)]
)
def test_aggregate_matches_reference(apply_displacement, num_frames, clip_len, stride, step, first):
    rng = np.random.default_rng(num_frames)
    scores, displacements, frames = _windows(
        rng, num_frames=num_frames, clip_len=clip_len, stride=stride, step=step, first=first
    )
    fast = aggregate_windows(
        scores, displacements, frames, num_frames=num_frames, apply_displacement=apply_displacement
    )
    slow = reference_aggregate(
        scores,
        displacements,
        frames,
        num_frames=num_frames,
        stride=stride,
        apply_displacement=apply_displacement,
    )
    assert fast.shape == (num_frames, scores.shape[-1])
    np.testing.assert_allclose(fast, slow, rtol=1e-5, atol=1e-7)


def test_displacement_moves_a_peak_at_full_resolution():
    # One window of 6 clip frames at stride 2 showing frames 10, 12, ..., 20.
    frames = (10 + 2 * np.arange(6))[None]
    scores = np.zeros((1, 6, 3), np.float32)
    scores[0, :, 0] = 1.0
    scores[0, 1] = [0.1, 0.9, 0.0]  # frame 12 sees class 1 ...
    displacements = np.zeros((1, 6), np.float32)
    displacements[0, 1] = 1.5  # ... and points 1.5 clip frames (3 frames) ahead: frame 15
    out = aggregate_windows(scores, displacements, frames, num_frames=30)
    assert out[15, 1] == pytest.approx(0.9)
    assert out[12, 1] == 0.0  # the evidence left frame 12 ...
    assert out[12, 0] == 0.0  # ... with its whole score vector
    assert out[13, 0] == pytest.approx(0.5)  # halfway between frame 12 (0) and frame 14 (1)
    assert out[:10, 0] == pytest.approx(np.ones(10))  # head copies the first sampled frame
    assert out[21:, 0] == pytest.approx(np.ones(9))  # tail copies the last one: the whole game is covered


def test_aggregate_averages_overlapping_windows():
    frames = np.array([[0, 2, 4], [2, 4, 6]])
    scores = np.zeros((2, 3, 2), np.float32)
    scores[0, 1, 1], scores[1, 0, 1] = 0.2, 0.6  # frame 2 seen twice
    out = aggregate_windows(scores, np.zeros((2, 3)), frames, num_frames=8)
    assert out[2, 1] == pytest.approx(0.4)
    assert out[1, 1] == pytest.approx(0.2)


def test_aggregate_rejects_bad_frame_numbers():
    scores = np.zeros((1, 3, 2), np.float32)
    with pytest.raises(ValueError, match="evenly spaced"):
        aggregate_windows(scores, np.zeros((1, 3)), np.array([[0, 2, 5]]), num_frames=10)
    with pytest.raises(ValueError, match=r"in 0\.\.9"):
        aggregate_windows(scores, np.zeros((1, 3)), np.array([[6, 8, 10]]), num_frames=10)
    with pytest.raises(ValueError, match="padding"):
        aggregate_windows(scores, np.zeros((1, 3)), np.full((1, 3), -1), num_frames=10)


def _nms_inputs(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frames, classes = int(rng.integers(1, 500)), int(rng.integers(1, 4))
    scores = rng.random((frames, classes)) ** int(rng.integers(1, 6))
    return np.round(scores, 1) if seed % 3 == 0 else scores  # coarse scores give many ties


@pytest.mark.parametrize("method", ["soft", "hard"])
@pytest.mark.parametrize("seed", range(12))
def test_nms_matches_reference(method, seed):
    scores = _nms_inputs(seed)
    window = 1 + seed
    fast = suppress(scores, method=method, window=window, threshold=0.01)
    slow = reference_nms(scores, window=window, threshold=0.01, method=method)
    assert list(zip(fast.frames.tolist(), fast.classes.tolist(), strict=True)) == [(f, c) for f, c, _ in slow]
    np.testing.assert_allclose(fast.scores, [s for *_, s in slow], rtol=1e-12)


def test_soft_nms_decays_neighbours_by_squared_distance():
    scores = np.zeros((40, 1))
    scores[20, 0], scores[26, 0], scores[35, 0] = 0.9, 0.8, 0.5
    kept = soft_nms(scores, window=12)
    assert kept.frames.tolist() == [20, 26, 35]
    # 20 is kept first and scales 26 by (6/12)^2; 35 (15 frames away) is untouched and kept next,
    # scaling 26 again by (9/12)^2 before 26 itself is kept.
    assert kept.scores.tolist() == pytest.approx([0.9, 0.8 * (6 / 12) ** 2 * (9 / 12) ** 2, 0.5])
    assert hard_nms(scores, window=12).frames.tolist() == [20, 35]


def test_suppress_validates_options():
    with pytest.raises(ValueError, match="method must be one of"):
        suppress(np.zeros((3, 1)), method="softer")
    with pytest.raises(ValueError, match="threshold must be positive"):
        suppress(np.zeros((3, 1)), threshold=0)
    with pytest.raises(ValueError, match=r"in \(0, 1\]"):
        PostprocessConfig(threshold=2.0)


def test_flip_tta_puts_team_columns_back():
    rng = np.random.default_rng(0)
    scores = rng.random((2, 4, BAS.num_outputs))
    left_pass = BAS.output_index("PASS", Team.LEFT)
    mirrored = scores[..., BAS.flip_permutation]  # what the model says about the mirrored clip
    assert mirrored[..., BAS.output_index("PASS", Team.RIGHT)] == pytest.approx(scores[..., left_pass])
    np.testing.assert_allclose(merge_flip_tta(scores, mirrored, label_set=BAS), scores)
    tensor = torch.from_numpy(scores)
    merged = merge_flip_tta(tensor, unflip_scores(tensor, label_set=BAS), label_set=BAS)
    np.testing.assert_allclose(merged.numpy(), scores)
    with pytest.raises(ValueError, match="needs 25"):
        unflip_scores(scores[..., :24], label_set=BAS)


def test_postprocess_game_spots_an_event():
    num_frames, event = 400, 203
    starts = np.arange(0, num_frames, 24)
    frames = starts[:, None] + 2 * np.arange(20)
    frames[frames >= num_frames] = -1
    scores = np.full(frames.shape + (BAS.num_outputs,), 0.001, np.float32)
    scores[..., 0] = 1 - 0.001 * (BAS.num_outputs - 1)
    goal_right = BAS.output_index("GOAL", Team.RIGHT)
    near = (np.abs(frames - event) <= 8) & (frames >= 0)
    scores[near, goal_right], scores[near, 0] = 0.7, 0.3 - 0.001 * (BAS.num_outputs - 2)
    displacements = np.where(near, (event - frames) / 2, 0.0)
    predictions = postprocess_game(scores, displacements, frames, num_frames=num_frames, label_set=BAS)
    best = max(predictions, key=lambda p: p.confidence)
    assert (best.label, best.team, best.frame()) == ("GOAL", Team.RIGHT, event)
    assert best.confidence == pytest.approx(0.7)
    assert all(p.confidence >= 0.01 for p in predictions)
