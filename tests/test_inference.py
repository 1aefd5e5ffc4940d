"""Whole-game inference end to end: DALI game reader -> model -> post-processing -> metric.

The model is an *oracle* that reads each frame's index from the pixels (the synthetic videos
carry it) and answers with the true targets, so a perfect pipeline must score team-mAP@1 = 1;
any frame-number mix-up, missed tail, wrong displacement sign or team swap costs points.
"""

from __future__ import annotations

import pytest
import torch
from oracle import FrameIndexOracle

from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.inference import InferenceConfig, evaluate_model, predict_game


@pytest.fixture(scope="module")
def stamped_game(tmp_path_factory):
    root = tmp_path_factory.mktemp("stamped")
    synthesize_dataset(
        root, SynthConfig(games=1, minutes=0.5, seed=3, stamp_frame_index=True), progress=False
    )
    (game,) = discover_games(root).games
    return game


def test_oracle_scores_perfectly_through_the_whole_pipeline(stamped_game):
    oracle = FrameIndexOracle(stamped_game, stride=2)
    config = InferenceConfig(clip_frames=16, overlap=4, stride=2, size=(224, 224), batch_size=4)
    evaluation = evaluate_model(oracle, [stamped_game], config, progress=False)
    _assert_perfect(evaluation.scores, stamped_game)
    assert set(evaluation.predictions) == {stamped_game.url_local}
    assert len(evaluation.predictions[stamped_game.url_local]) >= len(stamped_game.labels.annotations)


def test_predictions_cover_the_tail_and_never_pass_the_last_frame(stamped_game):
    oracle = FrameIndexOracle(stamped_game, stride=2)
    config = InferenceConfig(clip_frames=16, stride=2, overlap=4, batch_size=4)
    predictions = predict_game(oracle, stamped_game, config=config)
    last_event_ms = max(a.position_ms for a in stamped_game.labels.annotations)
    num_frames = stamped_game.videos[0].num_frames
    assert max(p.position_ms for p in predictions) >= last_event_ms - 40
    assert all(0 <= p.frame() < num_frames for p in predictions)
    assert all(p.half == 1 and 0 < p.confidence <= 1 for p in predictions)


def test_flip_tta_swaps_the_mirrored_teams_back(stamped_game):
    oracle = FrameIndexOracle(stamped_game, stride=2, flip_aware=True)
    config = InferenceConfig(clip_frames=16, overlap=4, stride=2, batch_size=4, flip_tta=True)
    _assert_perfect(evaluate_model(oracle, [stamped_game], config, progress=False).scores, stamped_game)


def _assert_perfect(scores, game) -> None:
    """Every action that occurs is found perfectly (an action without events scores 0 by definition)."""
    present = {a.label for a in game.labels.annotations}
    assert len(present) >= 6
    assert {label for label, ap in scores.team.per_class.items() if ap == pytest.approx(1.0)} == present
    assert {label for label, ap in scores.no_team.per_class.items() if ap == pytest.approx(1.0)} == present


def test_scores_leave_the_device_once_per_video_not_per_batch(stamped_game, monkeypatch):
    """On a GPU every ``.cpu()`` waits for the model; inference copies each video's scores once."""
    import sys

    from dudek_dali.inference import score_game

    copies = []
    real_cpu = torch.Tensor.cpu

    def cpu(self, *args, **kwargs):
        if sys._getframe(1).f_code.co_filename.endswith("inference/scoring.py"):
            copies.append(tuple(self.shape))
        return real_cpu(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "cpu", cpu)
    config = InferenceConfig(clip_frames=16, stride=2, overlap=4, batch_size=4)
    (video,) = score_game(FrameIndexOracle(stamped_game, stride=2), stamped_game, config=config)
    windows = video.scores.shape[0]
    assert windows > 3 * config.batch_size  # several batches...
    assert [c[0] for c in copies] == [windows] * 3  # ...one copy each of scores, displacement, frame numbers
