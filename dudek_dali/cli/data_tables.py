"""rich tables for ``dudek info``."""

from __future__ import annotations

from rich.table import Table

from dudek_dali.data.labels import SIDES, LabelSet
from dudek_dali.data.summary import DatasetSummary


def classes_table(label_set: LabelSet) -> Table:
    table = Table(title=f"{label_set.name}: {label_set.num_outputs} outputs (0 = background)")
    table.add_column("index", justify="right")
    table.add_column("output")
    for index, name in enumerate(label_set.output_names()):
        table.add_row(str(index), name)
    return table


def games_table(summary: DatasetSummary) -> Table:
    hours, rest = divmod(int(summary.total_duration_s), 3600)
    folders = sorted({g.url_local.rpartition("/")[0] for g in summary.games})
    where = folders[0] if len(folders) == 1 else f"{len(folders)} league/season folders"
    table = Table(title=f"{len(summary.games)} games in {where}, {hours} h {rest // 60:02d} min of video")
    table.add_column("match" if len(folders) == 1 else "game", min_width=18)
    for column in ("split", "length", "fps", "frames", "video", "events"):
        table.add_column(
            column, justify="left" if column in ("split", "video") else "right", no_wrap=column != "video"
        )
    for g in summary.games:
        minutes, seconds = divmod(int(g.duration_s), 60)
        table.add_row(
            g.url_local.rpartition("/")[2] if len(folders) == 1 else g.url_local,
            g.split,
            f"{minutes}:{seconds:02d}",
            "/".join(f"{f:g}" for f in g.fps),
            str(g.num_frames),
            f"{g.resolution} {g.codec}",
            "unlabelled" if g.num_annotations is None else str(g.num_annotations),
        )
    return table


def label_counts_table(summary: DatasetSummary) -> Table:
    table = Table(title="annotations per class and team")
    table.add_column("class")
    for team in SIDES:
        table.add_column(team.value, justify="right")
    table.add_column("n/a", justify="right")
    table.add_column("total", justify="right")
    for label in summary.label_set.classes:
        counts = [summary.counts[(label, t)] for t in ("left", "right", "not applicable")]
        table.add_row(label, *map(str, counts), str(sum(counts)))
    return table
