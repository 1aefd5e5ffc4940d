"""rich tables for ``dudek synth``."""

from __future__ import annotations

from rich.table import Table

from dudek_dali.data.labels import Team
from dudek_dali.data.synthetic import SynthSummary


def synth_games_table(summary: SynthSummary) -> Table:
    cfg = summary.config
    what = "reused (same options)" if summary.reused else f"written in {summary.seconds:.1f} s"
    table = Table(
        title=f"{summary.root}: {len(summary.games)} synthetic {cfg.layout} games, "
        f"{cfg.resolution}p {cfg.codec}, seed {cfg.seed}, {what}"
    )
    for column in ("game", "split", "videos", "duration", "events"):
        table.add_column(column, justify="right" if column in ("duration", "events") else "left")
    for game in summary.games:
        minutes, seconds = divmod(round(game.duration_s), 60)
        table.add_row(
            str(game.path.relative_to(summary.root)),
            game.split or "-",
            ", ".join(v.name for v in game.videos),
            f"{minutes}:{seconds:02d}",
            str(len(game.events)) if game.label_file else "unlabelled",
        )
    return table


def synth_counts_table(summary: SynthSummary) -> Table:
    counts = summary.class_team_counts()
    teams = [Team.LEFT, Team.RIGHT] + ([Team.NOT_APPLICABLE] if summary.config.layout == "broadcast" else [])
    table = Table(title="labelled events per class and team")
    table.add_column("class")
    for team in teams:
        table.add_column(team.value, justify="right")
    table.add_column("total", justify="right")
    for label in summary.label_set.classes:
        row = [counts[(label, team)] for team in teams]
        table.add_row(label, *map(str, row), str(sum(row)))
    return table
