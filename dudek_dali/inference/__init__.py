"""Inference: a trained model reading whole games through a video source.

:func:`load_model` restores a :class:`TrainedModel` from a checkpoint; its ``spot(video)`` returns
the events of any video. :mod:`.scoring` slides the model's windows over every video of a game
(:func:`evaluate_model`, :func:`predict_games`), :mod:`.spot` is ``dudek spot`` (events and the
files written for them), :mod:`.submit` is ``dudek submit``, :mod:`.overlay` draws events on the
video. What needs only numpy (post-processing, the metric, the submission format, plots) is
:mod:`dudek_dali.spotting`, below this room.
"""

from dudek_dali.inference.events import SpotConfig, Spotted, spot_events
from dudek_dali.inference.model import TrainedModel, load_model
from dudek_dali.inference.scoring import (
    Evaluation,
    InferenceConfig,
    VideoScores,
    evaluate_model,
    predict_game,
    predict_games,
    score_game,
)
from dudek_dali.inference.spot import SpotResult, spot_video, spot_videos
from dudek_dali.inference.submit import SubmissionSummary, create_submission

__all__ = [
    "Evaluation",
    "InferenceConfig",
    "SpotConfig",
    "SpotResult",
    "Spotted",
    "SubmissionSummary",
    "TrainedModel",
    "VideoScores",
    "create_submission",
    "evaluate_model",
    "load_model",
    "predict_game",
    "predict_games",
    "score_game",
    "spot_events",
    "spot_video",
    "spot_videos",
]
