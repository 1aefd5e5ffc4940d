"""``--eval_metric map``: team-mAP@1 of the current weights on the whole validation games.

The whole-game inference lives in :mod:`dudek_dali.inference` (sliding windows over every frame,
post-processing, the official metric); this module only adapts a training run to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudek_dali.inference.scoring import InferenceConfig, evaluate_model
from dudek_dali.train.records import ValidationResult

if TYPE_CHECKING:
    from dudek_dali.train.run import TrainingRun


def inference_config(run: TrainingRun) -> InferenceConfig:
    """Windows as in training (``--overlap``), without augmentation or flip TTA."""
    c = run.config
    return InferenceConfig(
        clip_frames=c.model.clip_frames,
        stride=c.model.stride,
        overlap=c.sampling.overlap,
        batch_size=c.data.val_batch_size,
        size=c.model.input_size,
    )


def evaluate_map(run: TrainingRun) -> ValidationResult:
    """team-mAP@1 (and mAP@1, per-class AP) of ``run.eval_net`` on ``run.val_games``."""
    net = run.eval_net
    was_training = net.training
    net.eval()
    try:
        scores = evaluate_model(
            net, run.val_games, inference_config(run), source=run.val_source, progress=run.config.run.progress
        ).scores
    finally:
        net.train(was_training)
    per_class = {f"{label}": ap for label, ap in scores.team.per_class.items()}
    for label, sides in scores.team.per_class_team.items():
        per_class.update({f"{label}-{side}": ap for side, ap in sides.items()})
    return ValidationResult(
        metric="map",
        value=float(scores.team.value),
        team_map_at1=float(scores.team.value),
        map_at1=float(scores.no_team.value),
        per_class={k: float(v) for k, v in per_class.items()},
    )
