"""Spotting without a model: post-processing, the official team-mAP@1 metric, predictions, spotted
events, the challenge's submission format, and plots.

Everything here is numpy only: no torch, no model, no video reader (the architecture test checks
it), so ``dudek evaluate`` starts quickly and the metric sits low in the house, next to the data it
scores. Running a model over games is :mod:`dudek_dali.inference`.
"""

from dudek_dali.spotting.aggregate import aggregate_windows
from dudek_dali.spotting.average_precision import SCORER_FRAMES, EventGrid, class_average_precisions
from dudek_dali.spotting.metric import (
    MapResult,
    SpottingScores,
    TeamMapResult,
    evaluate_spotting,
    map_at1,
    team_map_at1,
)
from dudek_dali.spotting.pipeline import PostprocessConfig, detections_to_predictions, postprocess_game
from dudek_dali.spotting.predictions import SCORER_FPS, Prediction, frame_to_position_ms, game_time
from dudek_dali.spotting.submission import (
    RESULTS_FILE,
    load_submission_files,
    read_predictions,
    results_document,
    write_results_folder,
    write_submission,
)
from dudek_dali.spotting.suppression import Detections, hard_nms, soft_nms, suppress
from dudek_dali.spotting.validation import SubmissionReport, check_submission, validate_submission

__all__ = [
    "RESULTS_FILE",
    "SCORER_FPS",
    "SCORER_FRAMES",
    "Detections",
    "EventGrid",
    "MapResult",
    "PostprocessConfig",
    "Prediction",
    "SpottingScores",
    "SubmissionReport",
    "TeamMapResult",
    "aggregate_windows",
    "check_submission",
    "class_average_precisions",
    "detections_to_predictions",
    "evaluate_spotting",
    "frame_to_position_ms",
    "game_time",
    "hard_nms",
    "load_submission_files",
    "map_at1",
    "postprocess_game",
    "read_predictions",
    "results_document",
    "soft_nms",
    "suppress",
    "team_map_at1",
    "validate_submission",
    "write_results_folder",
    "write_submission",
]
