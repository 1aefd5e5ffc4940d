"""From a game's window predictions to the predictions a submission lists (brief section 3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dudek_dali.data.labels import LabelSet
from dudek_dali.spotting.aggregate import aggregate_windows
from dudek_dali.spotting.predictions import SCORER_FPS, Prediction, frame_to_position_ms
from dudek_dali.spotting.suppression import SUPPRESSION_METHODS, Detections, SuppressionMethod, suppress


@dataclass(frozen=True)
class PostprocessConfig:
    """Post-processing options. ``window`` is in original frames (12 = 0.48 s at 25 fps)."""

    apply_displacement: bool = True
    method: SuppressionMethod = "soft"
    window: int = 12
    threshold: float = 0.01

    def __post_init__(self) -> None:
        if self.method not in SUPPRESSION_METHODS:
            raise ValueError(f"method must be one of {SUPPRESSION_METHODS}, got {self.method!r}")
        if self.window < 1:
            raise ValueError(f"window must be at least 1 frame, got {self.window}")
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")


def detections_to_predictions(
    detections: Detections, *, label_set: LabelSet, fps: float = SCORER_FPS
) -> list[Prediction]:
    """Predictions for detections whose ``classes`` are foreground columns (team-doubled index - 1)."""
    positions = frame_to_position_ms(detections.frames, fps=fps)
    predictions = []
    for position, column, score in zip(
        positions.tolist(), detections.classes.tolist(), detections.scores.tolist(), strict=True
    ):
        label, team = label_set.decode(column + 1)
        predictions.append(
            Prediction(label=label, team=team, position_ms=position, confidence=min(score, 1.0))
        )
    return predictions


def postprocess_game(
    scores: np.ndarray,
    displacements: np.ndarray,
    frame_numbers: np.ndarray,
    *,
    num_frames: int,
    label_set: LabelSet,
    config: PostprocessConfig | None = None,
    fps: float = SCORER_FPS,
) -> list[Prediction]:
    """Aggregate windows (W, T, 2N+1), suppress per class, and list the kept peaks as predictions."""
    config = config or PostprocessConfig()
    if scores.shape[-1] != label_set.num_outputs:
        raise ValueError(
            f"scores have {scores.shape[-1]} outputs; {label_set.name} needs {label_set.num_outputs}"
        )
    per_frame = aggregate_windows(
        scores,
        displacements,
        frame_numbers,
        num_frames=num_frames,
        apply_displacement=config.apply_displacement,
    )
    detections = suppress(
        per_frame[:, 1:], method=config.method, window=config.window, threshold=config.threshold
    )
    return detections_to_predictions(detections, label_set=label_set, fps=fps)
