"""Challenge submissions: ``<league>/<season>/<match>/results_spotting.json`` per game, zipped.

Writing is atomic (:func:`dudek_dali.files.write_atomic`), so an interrupted run never leaves a
half-written zip that looks valid. Reading accepts the zip or a folder of the
same layout and turns every malformed entry into a :class:`~dudek_dali.errors.SubmissionError`
naming the game and the entry; :func:`dudek_dali.spotting.validation.validate_submission`
collects every problem instead of stopping at the first.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dudek_dali.data.labels import BAS, LabelSet
from dudek_dali.errors import SubmissionError
from dudek_dali.files import write_atomic, write_json
from dudek_dali.spotting.entries import entry_problems, parse_entry
from dudek_dali.spotting.predictions import Prediction

RESULTS_FILE = "results_spotting.json"
_MAX_LISTED = 5


@dataclass
class SubmissionFiles:
    """The raw results files of a submission by game (``league/season/match``) and layout problems."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def results_document(url_local: str, predictions: Iterable[Prediction]) -> dict[str, Any]:
    """One game's ``results_spotting.json`` content, sorted by position.

    Zero-confidence rows are dropped. Of several predictions of one label and team on one scorer
    frame only the most confident is written: the scorer would keep just one of them anyway (the
    last in the file), and the validator reports such duplicates as problems.
    """
    best: dict[tuple[str, str, int], Prediction] = {}
    for p in predictions:
        if not (math.isfinite(p.confidence) and 0.0 <= p.confidence <= 1.0):
            raise ValueError(
                f"{url_local}: confidence {p.confidence!r} of {p.label}/{p.side} is outside 0..1"
            )
        key = (p.label, p.side, p.frame())
        if p.confidence > 0 and (key not in best or p.confidence > best[key].confidence):
            best[key] = p
    rows = sorted(best.values(), key=lambda p: (p.position_ms, p.label, p.side))
    return {"UrlLocal": url_local, "predictions": [p.to_json() for p in rows]}


def write_submission(path: Path | str, games: Mapping[str, Sequence[Prediction]]) -> Path:
    """Write a submission zip holding one ``results_spotting.json`` per game; returns ``path``."""

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for game in sorted(games):
                document = results_document(_game_key(game), games[game])
                zf.writestr(f"{_game_key(game)}/{RESULTS_FILE}", json.dumps(document, indent=1))

    return write_atomic(path, write)


def write_results_folder(root: Path | str, games: Mapping[str, Sequence[Prediction]]) -> list[Path]:
    """Write the unzipped layout under ``root`` (each file atomically); returns the files written."""
    written = []
    for game in sorted(games):
        target = Path(root, *_game_key(game).split("/"), RESULTS_FILE)
        written.append(write_json(target, results_document(_game_key(game), games[game]), indent=1))
    return written


def load_submission_files(path: Path | str) -> SubmissionFiles:
    """The results files of a zip or folder; raises :class:`SubmissionError` if it cannot be opened."""
    path = Path(path)
    if path.is_dir():
        return _folder_files(path)
    if not path.exists():
        raise SubmissionError(f"{path}: predictions not found")
    if not zipfile.is_zipfile(path):
        raise SubmissionError(f"{path}: not a zip file (corrupt or wrong format) and not a folder")
    return _zip_files(path)


def parse_results(
    game: str, data: bytes, *, label_set: LabelSet = BAS, strict: bool = False
) -> tuple[list[Prediction], list[str]]:
    """One game's predictions (in file order) and its problems, each naming the game and the entry."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return [], [f"{game}: {RESULTS_FILE} is not valid JSON ({err})"]
    if not isinstance(document, dict) or not isinstance(document.get("predictions"), list):
        return [], [f"{game}: {RESULTS_FILE} must be an object with a 'predictions' list"]
    problems = []
    if strict and document.get("UrlLocal") != game:
        problems.append(f"{game}: UrlLocal is {document.get('UrlLocal')!r}, expected {game!r}")
    predictions = []
    for i, entry in enumerate(document["predictions"]):
        found = entry_problems(entry, label_set=label_set, strict=strict)
        problems += [f"{game}: prediction {i}: {p}" for p in found]
        if not found:
            predictions.append(parse_entry(entry, label_set=label_set))
    if strict:
        problems += _duplicate_problems(game, document["predictions"], label_set)
    return predictions, problems


def read_predictions(path: Path | str, *, label_set: LabelSet = BAS) -> dict[str, list[Prediction]]:
    """Every game's predictions from a submission zip or folder; the first problems raise."""
    source = load_submission_files(path)
    games, problems = {}, list(source.problems)
    for game, data in source.files.items():
        games[game], found = parse_results(game, data, label_set=label_set)
        problems += found
    raise_problems(path, problems)
    return games


def raise_problems(path: Path | str, problems: list[str]) -> None:
    """Raise one :class:`SubmissionError` naming ``path`` and its first problems, if there are any."""
    if problems:
        more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
        raise SubmissionError(f"{path}: " + "; ".join(problems[:_MAX_LISTED]) + more)


def _game_key(game: str) -> str:
    parts = [p for p in game.replace("\\", "/").split("/") if p]
    if len(parts) != 3:
        raise ValueError(f"game id {game!r} must be '<league>/<season>/<match>'")
    return "/".join(parts)


def _zip_files(path: Path) -> SubmissionFiles:
    found = SubmissionFiles()
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            folders = {n.rstrip("/") for n in names if n.endswith("/") and n.count("/") == 3}
            listed = set()
            for name in names:
                if name.endswith("/"):
                    continue
                parts = name.split("/")
                if parts[-1] != RESULTS_FILE:
                    continue
                if len(parts) != 4:
                    found.problems.append(f"{name}: expected <league>/<season>/<match>/{RESULTS_FILE}")
                    continue
                game = "/".join(parts[:3])
                listed.add(game)
                try:
                    found.files[game] = zf.read(name)
                except (zipfile.BadZipFile, OSError, ValueError) as err:
                    found.problems.append(f"{game}: cannot read {RESULTS_FILE} from the zip ({err})")
    except (zipfile.BadZipFile, OSError) as err:
        raise SubmissionError(f"{path}: corrupt zip file ({err})") from None
    for folder in sorted(folders - listed):
        found.problems.append(f"{folder}: missing {RESULTS_FILE}")
    return found


def _folder_files(root: Path) -> SubmissionFiles:
    found = SubmissionFiles()
    for file in sorted(root.rglob(RESULTS_FILE)):
        parts = file.relative_to(root).parts
        if len(parts) != 4:
            found.problems.append(f"{file}: expected <league>/<season>/<match>/{RESULTS_FILE}")
            continue
        try:
            found.files["/".join(parts[:3])] = file.read_bytes()
        except OSError as err:
            found.problems.append(f"{file}: cannot read ({err})")
    for match_dir in sorted(p for p in root.glob("*/*/*") if p.is_dir()):
        game = "/".join(match_dir.relative_to(root).parts)
        if game not in found.files and not (match_dir / RESULTS_FILE).exists():
            found.problems.append(f"{game}: missing {RESULTS_FILE}")
    return found


def _duplicate_problems(game: str, entries: list[Any], label_set: LabelSet) -> list[str]:
    """Entries on one scorer frame with the same label and team: the scorer keeps only the last."""
    first_seen: dict[tuple[str, str, int], int] = {}
    problems = []
    for i, entry in enumerate(entries):
        if entry_problems(entry, label_set=label_set, strict=False):
            continue
        p = parse_entry(entry, label_set=label_set)
        key = (p.label, p.side, p.frame())
        if key in first_seen:
            problems.append(
                f"{game}: prediction {i}: same frame, label and team as prediction {first_seen[key]} "
                "(the scorer keeps only the last one)"
            )
        else:
            first_seen[key] = i
    return problems
