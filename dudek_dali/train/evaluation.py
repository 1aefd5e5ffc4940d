"""``--eval_metric map``: team-mAP@1 of the current weights on the whole validation games.

The whole-game inference lives in :mod:`dudek_dali.spotting.inference` (sliding windows over
every frame, post-processing, the official metric); this module only adapts a training run to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudek_dali.errors import DudekError

if TYPE_CHECKING:
    from dudek_dali.train.loop import ValidationResult
    from dudek_dali.train.run import TrainingRun


def require_map_evaluation(video_source: str) -> None:
    """Fail before training when ``--eval_metric map`` cannot run in this installation."""
    try:
        from dudek_dali.spotting.inference import evaluate_model  # noqa: F401
    except ImportError as err:
        raise DudekError(
            f"--eval_metric map needs dudek_dali.spotting.inference ({err}); use --eval_metric loss"
        ) from None


def evaluate_map(run: TrainingRun, *, video_source: str) -> ValidationResult:
    """team-mAP@1 (and mAP@1, per-class AP) of ``run.eval_net`` on ``run.val_games``.

    Windows overlap as in training (``--overlap``), without augmentation or flip TTA.
    """
    from dudek_dali.spotting.inference import evaluate_model
    from dudek_dali.train.loop import ValidationResult

    config = run.config
    net = run.eval_net
    was_training = net.training
    net.eval()
    try:
        scores = evaluate_model(
            net,
            run.val_games,
            device=run.device,
            decode_device={"dali-gpu": "gpu", "frames": "frames"}.get(video_source, "cpu"),
            clip_frames=config.clip_frames_count,
            overlap=config.overlap,
            stride=config.stride,
            size=config.input_size,
            batch_size=config.val_batch_size,
            progress=config.progress,
        )
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
