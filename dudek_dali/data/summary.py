"""Per-dataset statistics: durations, frame rates and annotation counts per class and team."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet, Team
from dudek_dali.data.splits import official_split_of


@dataclass(frozen=True)
class GameSummary:
    url_local: str
    split: str
    duration_s: float
    fps: tuple[float, ...]
    num_frames: int
    resolution: str
    codec: str
    num_annotations: int | None  # None: unlabelled game


@dataclass(frozen=True)
class DatasetSummary:
    games: list[GameSummary]
    label_set: LabelSet
    counts: Counter  # (label, team value) -> number of annotations

    @property
    def total_duration_s(self) -> float:
        return sum(g.duration_s for g in self.games)

    def count(self, label: str, team: Team) -> int:
        return self.counts[(label, team.value)]


def summarize(games: Sequence[Game], label_set: LabelSet) -> DatasetSummary:
    counts: Counter = Counter()
    rows = []
    for game in games:
        annotations = game.labels.annotations if game.labels else []
        counts.update((a.label, a.team.value) for a in annotations)
        first = game.videos[0].info
        rows.append(
            GameSummary(
                url_local=game.url_local,
                split=official_split_of(game.match) or "-",
                duration_s=sum(v.info.duration_s for v in game.videos),
                fps=tuple(round(v.info.fps, 3) for v in game.videos),
                num_frames=game.num_frames,
                resolution=f"{first.width}x{first.height}",
                codec=first.codec,
                num_annotations=len(annotations) if game.labels else None,
            )
        )
    return DatasetSummary(games=rows, label_set=label_set, counts=counts)
