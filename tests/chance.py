"""The score of guessing: random per-frame probabilities through the real post-processing.

A trained model has to beat this on the same games; it is the honest floor for "above chance"
(an untrained network is no floor: its near-constant scores give almost no peaks at all).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dudek_dali.data.games import Game
from dudek_dali.spotting.metric import evaluate_spotting
from dudek_dali.spotting.pipeline import postprocess_game
from dudek_dali.spotting.predictions import Prediction


def chance_team_map(games: Sequence[Game], *, seed: int, stride: int = 2) -> float:
    """team-mAP@1 of softmax(N(0, 1)) scores on every ``stride``-th frame of every video."""
    rng = np.random.default_rng(seed)
    label_set = games[0].label_set
    predictions: dict[str, list[Prediction]] = {}
    for game in games:
        found: list[Prediction] = []
        for video in game.videos:
            frames = np.arange(0, video.num_frames, stride)
            logits = rng.normal(size=(1, len(frames), label_set.num_outputs))
            scores = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
            found += postprocess_game(
                scores,
                np.zeros((1, len(frames))),
                frames[None],
                num_frames=video.num_frames,
                label_set=label_set,
            )
        predictions[game.url_local] = found
    truth = {g.url_local: g.labels.annotations for g in games}
    return evaluate_spotting(truth, predictions, label_set=label_set).team.value
