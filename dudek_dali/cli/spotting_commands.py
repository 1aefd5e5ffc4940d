"""``dudek evaluate`` and ``dudek validate-submission``: score and check challenge submissions."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from dudek_dali.cli._app import app


class SplitOption(str, Enum):
    all = "all"
    train = "train"
    valid = "valid"
    test = "test"
    challenge = "challenge"


@app.command()
def evaluate(
    labels_root: Path = typer.Argument(
        ...,
        help="Folder holding <league>/<season>/<match>/Labels-ball.json (videos are not needed), "
        "or one Labels-ball.json.",
    ),
    predictions: Path = typer.Argument(
        ...,
        help="Submission zip, or a folder of <league>/<season>/<match>/results_spotting.json; "
        "with one label file, one results_spotting.json (as dudek spot writes it).",
    ),
    split: SplitOption = typer.Option(
        SplitOption.all, help="Score only the games of this official SN-BAS-2025 split (all: every game)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the table."),
    plots: Path | None = typer.Option(
        None, help="Write a per-class AP bar chart and a timeline per game (PNG) into this folder."
    ),
) -> None:
    """Score predictions with the official team-mAP@1 and mAP@1 (games present in both are scored)."""
    from dudek_dali.spotting.evaluate import evaluate_predictions

    report = evaluate_predictions(labels_root, predictions, split=split.value)
    _warn_unmatched(report.not_predicted, "labelled but not predicted")
    _warn_unmatched(report.not_labelled, f"predicted but not labelled ({split.value})")
    if as_json:
        typer.echo(json.dumps(report.scores.to_json(), indent=1))
    else:
        _print_table(report.scores)
    if plots is not None:
        from dudek_dali.spotting.plots import plot_evaluation

        written = plot_evaluation(plots, report.scores, report.truth, report.predictions)
        typer.secho(f"wrote {len(written)} plot(s) to {plots}", err=True)


@app.command("validate-submission")
def validate_submission(
    submission: Path = typer.Argument(..., help="Submission zip (or a folder of the same layout) to check."),
    split: SplitOption = typer.Option(
        SplitOption.all, help="Also require a results file for every game of this official split."
    ),
) -> None:
    """Check a submission against the challenge format; print every problem (exit 1 if any)."""
    from dudek_dali.data.splits import official_game_ids
    from dudek_dali.spotting import check_submission

    expected = None if split is SplitOption.all else official_game_ids(split.value)
    report = check_submission(submission, expected_games=expected)
    for problem in report.problems:
        typer.echo(problem)
    if report.problems:
        typer.secho(f"{len(report.problems)} problem(s) in {submission}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {submission} holds {report.num_games} games, {report.num_predictions} predictions")


def _warn_unmatched(games: list[str], what: str) -> None:
    if games:
        shown = ", ".join(games[:3]) + (f" (+{len(games) - 3} more)" if len(games) > 3 else "")
        typer.secho(
            f"note: {len(games)} game(s) {what}, not scored: {shown}", fg=typer.colors.YELLOW, err=True
        )


def _print_table(scores) -> None:
    from rich.console import Console
    from rich.table import Table

    from dudek_dali.spotting.metric import NO_TEAM_NOTE

    console = Console()
    title = f"SoccerNet ball action spotting, {len(scores.games)} game(s), delta {scores.tolerance_s:g} s"
    if scores.team is None:  # predictions without a team: mAP@1 alone
        table = Table(title=title)
        for name in ("class", "AP (no team)"):
            table.add_column(name, justify="left" if name == "class" else "right")
        for label, ap in scores.no_team.per_class.items():
            table.add_row(label, f"{ap * 100:.2f}")
        console.print(table)
        console.print(f"mAP@1:      {scores.no_team.value * 100:.2f}")
        console.print(NO_TEAM_NOTE, soft_wrap=True)
        return
    caption = "n: the official team weights (ground-truth events, visible minus 'not shown')"
    table = Table(title=title, caption=caption)
    for name in ("class", "team AP", "left AP", "right AP", "left n", "right n", "AP (no team)"):
        table.add_column(name, justify="left" if name == "class" else "right")
    for label, team_ap in scores.team.per_class.items():
        sides, weights = scores.team.per_class_team[label], scores.team.weights[label]
        table.add_row(
            label,
            f"{team_ap * 100:.2f}",
            f"{sides['left'] * 100:.2f}",
            f"{sides['right'] * 100:.2f}",
            f"{weights['left']:g}",
            f"{weights['right']:g}",
            f"{scores.no_team.per_class[label] * 100:.2f}",
        )
    console.print(table)
    console.print(f"team-mAP@1: {scores.team.value * 100:.2f}")
    console.print(f"mAP@1:      {scores.no_team.value * 100:.2f}")
