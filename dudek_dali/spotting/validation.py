"""Check a submission against the challenge format and name every problem (game and entry)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.data.labels import BAS, LabelSet
from dudek_dali.errors import SubmissionError
from dudek_dali.spotting.submission import RESULTS_FILE, load_submission_files, parse_results


@dataclass(frozen=True)
class SubmissionReport:
    """What :func:`check_submission` found: problems, and counts for a one-line summary."""

    problems: list[str]
    num_games: int
    num_predictions: int


def check_submission(
    path: Path | str, *, label_set: LabelSet = BAS, expected_games: Iterable[str] | None = None
) -> SubmissionReport:
    """Validate a zip or folder: layout, JSON, every entry (strictly), and optionally which games exist."""
    try:
        source = load_submission_files(path)
    except SubmissionError as err:
        return SubmissionReport(problems=[str(err)], num_games=0, num_predictions=0)
    problems = list(source.problems)
    count = 0
    for game in sorted(source.files):
        predictions, found = parse_results(game, source.files[game], label_set=label_set, strict=True)
        problems += found
        count += len(predictions)
    for game in sorted(set(expected_games or ()) - set(source.files)):
        problems.append(f"{game}: missing {RESULTS_FILE} (game expected in this submission)")
    if not source.files and not problems:
        problems.append(f"{path}: no <league>/<season>/<match>/{RESULTS_FILE} inside")
    return SubmissionReport(problems=problems, num_games=len(source.files), num_predictions=count)


def validate_submission(
    path: Path | str, *, label_set: LabelSet = BAS, expected_games: Iterable[str] | None = None
) -> list[str]:
    """Every problem of a submission, each naming the game and the entry; empty when it is valid."""
    return check_submission(path, label_set=label_set, expected_games=expected_games).problems
