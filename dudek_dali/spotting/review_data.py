"""What a review page shows, as one JSON document: the events, the labels and how they match.

The marks come from :func:`~dudek_dali.spotting.metric.match_game`, the metric's own matching at
the challenge's 1 s tolerance (within ±0.5 s): a prediction is a *hit* when team-mAP@1 counts it
as a true positive, *wrong team* when only mAP@1 (team ignored) does, else a *false alarm*; a
label is *found* when a prediction is paired with it, else *missed*. The page's confidence filter
acts as a scorer's threshold: a prediction counts when its confidence reaches it, and a label
stays found while its paired prediction counts. So the page never matches anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dudek_dali.data.annotations import Annotation
from dudek_dali.data.labels import BAS, LabelSet
from dudek_dali.spotting.metric import match_game
from dudek_dali.spotting.spot_folder import SpotFolder

TOLERANCE_S = 1.0  # the challenge's delta: a prediction matches within half of it either side


def review_document(
    folder: SpotFolder,
    *,
    video_url: str,
    video_name: str,
    annotations: Sequence[Annotation] | None = None,
    labels_name: str | None = None,
    label_set: LabelSet = BAS,
) -> dict[str, Any]:
    """The page's data: ``events`` sorted by time, ``labels`` (None without ground truth)."""
    predictions = sorted(folder.predictions, key=lambda p: (p.position_ms, p.label, p.side))
    record = folder.record
    events = [
        {
            "ms": p.position_ms,
            "label": p.label,
            "team": p.side,  # "" from a model without teams
            "conf": round(p.confidence, 6),
            "frame": folder.frames.get((p.position_ms, p.label, p.side)),
        }  # fmt: skip
        for p in predictions
    ]
    document: dict[str, Any] = {
        "game": folder.name,
        "video": video_url,
        "videoName": video_name,
        "classes": list(label_set.classes),
        "threshold": record.threshold if record else None,
        "model": record.model if record else None,
        "duration": record.frames / record.fps if record else None,
        "toleranceS": TOLERANCE_S,
        "events": events,
        "labels": None,
    }
    if annotations is None:
        return document
    scored = [a for a in annotations if a.half == 1]  # BAS games are one video: "1 - mm:ss"
    kwargs = {"label_set": label_set, "tolerance_s": TOLERANCE_S, "game": folder.name}
    team = match_game(scored, predictions, **kwargs)
    no_team = match_game(scored, predictions, team_aware=False, **kwargs)
    for event, label, any_team in zip(events, team.label_of, no_team.label_of, strict=True):
        event["truth"] = int(label)
        event["match"] = "hit" if label >= 0 else "wrong team" if any_team >= 0 else "false alarm"
    document["labels"] = {
        "file": labels_name,
        "events": [
            {
                "ms": a.position_ms,
                "label": a.label,
                "team": a.team.value,
                "visibility": a.visibility,
                "pred": int(found),
            }  # fmt: skip
            for a, found in zip(scored, team.prediction_of, strict=True)
        ],
    }
    return document
