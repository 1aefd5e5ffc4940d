"""Spot folders to review, made by the real ``spot_video``, and ground truth with known mistakes.

A stamped synthetic game is spotted by :class:`GradedOracle`, which knows every event and gives
each class its own confidence, so the spotted events are the game's labels (checked here, event
for event). The labels the review is given are a copy with known changes, so every count the page
shows is known in advance without asking the matching code:

* ``dropped`` labels removed: their predictions become false alarms;
* ``flipped`` labels given the other team: their predictions are "wrong team", the labels missed;
* ``added`` labels where nothing of their class and team happens: missed.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import torch
from oracle import FrameIndexOracle, Output

from dudek_dali.data.annotations import read_labels
from dudek_dali.data.games import Game, discover_games
from dudek_dali.data.labels import BAS
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.inference import SpotConfig, TrainedModel, spot_video
from dudek_dali.model.config import TDeedConfig

CLIP = 16
# softmax(L, 0 x 24) = p  <=>  L = log(24 p / (1 - p)): PASS 0.30, DRIVE 0.35, ..., GOAL 0.85
CLASS_CONFIDENCE = torch.tensor([0.30 + 0.05 * c for c in range(BAS.num_classes)])


class GradedOracle(FrameIndexOracle):
    """The frame-index oracle, each class answered with its own confidence (PASS least sure)."""

    def forward(self, frames: torch.Tensor) -> Output:
        out = super().forward(frames)
        index = out.class_logits.argmax(-1)  # 0 background, 1..12 left, 13..24 right
        p = CLASS_CONFIDENCE[(index - 1).clamp(min=0) % BAS.num_classes]
        logits = torch.zeros_like(out.class_logits)
        logits.scatter_(
            -1, index[..., None], torch.where(index > 0, torch.log(24 * p / (1 - p)), 20.0)[..., None]
        )
        return Output(logits, out.displacement)


@dataclass(frozen=True)
class ReviewCase:
    spot_dir: Path
    game: Game
    labels: Path  # the changed copy
    expected: dict[str, int]  # hits, wrong_team, false_alarms, found, missed
    missed_ms: list[int]  # positions of the labels that no prediction finds


def make_review_case(
    tmp: Path,
    *,
    minutes: float = 0.5,
    dropped: int = 2,
    flipped: int = 1,
    added: int = 2,
    overlay: bool = True,
) -> ReviewCase:
    """Synthesise, spot, write spot.json and the changed labels under ``tmp``."""
    root = tmp / "data"
    synthesize_dataset(
        root,
        SynthConfig(games=1, minutes=minutes, stamp_frame_index=True, events_per_minute=30),
        progress=False,
    )
    (game,) = discover_games(root).games
    model = TrainedModel(
        net=GradedOracle(game, stride=2), config=TDeedConfig(clip_frames=CLIP), label_set=BAS,
        device=torch.device("cpu"), checkpoint="graded-oracle.pt",
    )  # fmt: skip
    video = game.videos[0].path
    config = SpotConfig(overlap=0)  # overlap averages a model's noise; an oracle has none
    result = spot_video(video, model, out=tmp / "spot", config=config, overlay=overlay)
    truth = read_labels(game.labels.path).raw["annotations"]
    spotted = sorted((e.time_s, e.label, e.team) for e in result.events)
    labelled = sorted((int(a["position"]) / 1000, a["label"], a["team"]) for a in truth)
    assert [s[1:] for s in spotted] == [t[1:] for t in labelled], "the oracle spots every event"
    assert all(
        abs(s[0] - t[0]) <= 0.041 for s, t in zip(spotted, labelled, strict=True)
    )  # stride 2: <= 1 frame
    assert json.loads((result.out_dir / "spot.json").read_text())["video"] == str(video.resolve())
    labels, missed_ms = _changed_labels(truth, dropped=dropped, flipped=flipped, added=added)
    changed = tmp / "changed labels" / "Labels-ball.json"
    changed.parent.mkdir()
    changed.write_text(json.dumps({"UrlLocal": game.url_local, "annotations": labels}))
    n = len(truth)
    expected = {"hits": n - dropped - flipped, "wrong_team": flipped, "false_alarms": dropped,
                "found": n - dropped - flipped, "missed": added + flipped}  # fmt: skip
    return ReviewCase(result.out_dir, game, changed, expected, missed_ms)


def _changed_labels(
    truth: list[dict], *, dropped: int, flipped: int, added: int
) -> tuple[list[dict], list[int]]:
    chosen = list(range(1, len(truth), 3))  # every third event: apart from each other
    chosen = chosen[:: max(1, len(chosen) // (dropped + flipped))]  # spread over the game
    drop, flip = set(chosen[:dropped]), set(chosen[dropped : dropped + flipped])
    assert len(drop) + len(flip) == dropped + flipped, "too few events to change"
    labels, missed = [], []
    for i, a in enumerate(truth):
        if i in flip:
            a = {**a, "team": "right" if a["team"] == "left" else "left"}
            missed.append(int(a["position"]))
        if i not in drop:
            labels.append(a)
    for k in range(added):  # half-way between two events (>= 0.8 s from either), a class of neither
        before, after = truth[k * (len(truth) - 1) // added], truth[k * (len(truth) - 1) // added + 1]
        position = (int(before["position"]) + int(after["position"])) // 2
        label = next(c for c in BAS.classes if c not in (before["label"], after["label"]))
        seconds = position // 1000
        labels.append({"gameTime": f"1 - {seconds // 60:02d}:{seconds % 60:02d}", "label": label,
                       "position": str(position), "team": "left", "visibility": "visible"})  # fmt: skip
        missed.append(position)
    return labels, sorted(missed)


def copy_as_game(video: Path, labels: Path, root: Path, match: str = "2020-01-01 - Reviewed - Game") -> Path:
    """A one-game dataset (SN-BAS-2025 layout) holding ``video`` as 224p.mp4 and ``labels``."""
    folder = root / "england_efl" / "2019-2020" / match
    folder.mkdir(parents=True)
    shutil.copy(video, folder / "224p.mp4")
    shutil.copy(labels, folder / "Labels-ball.json")
    return folder


def page_data(page: Path) -> dict:
    """The JSON a review page embeds."""
    found = re.search(
        r'<script id="review-data" type="application/json">(.*?)</script>', page.read_text(), re.S
    )
    assert found is not None
    return json.loads(found.group(1))
