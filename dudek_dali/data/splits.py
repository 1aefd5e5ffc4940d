"""Dataset splits by match: the official SN-BAS-2025 split and a seeded random split."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal, TypeVar

Split = Literal["train", "valid", "test", "challenge"]
SPLITS: tuple[str, ...] = ("train", "valid", "test", "challenge")

# Where SN-BAS-2025's games live: <league>/<season>/<match> = england_efl/2019-2020/<match>.
OFFICIAL_LEAGUE, OFFICIAL_SEASON = "england_efl", "2019-2020"
# Match folder names of SN-BAS-2025.
OFFICIAL_SPLITS: dict[str, tuple[str, ...]] = {
    "train": (
        "2019-10-01 - Leeds United - West Bromwich",
        "2019-10-01 - Hull City - Sheffield Wednesday",
        "2019-10-01 - Brentford - Bristol City",
        "2019-10-01 - Blackburn Rovers - Nottingham Forest",
    ),
    "valid": ("2019-10-01 - Middlesbrough - Preston North End",),
    "test": ("2019-10-01 - Stoke City - Huddersfield Town", "2019-10-01 - Reading - Fulham"),
    "challenge": (
        "2019-10-02 - Cardiff City - Queens Park Rangers",
        "2019-10-01 - Wigan Athletic - Birmingham City",
    ),
}
_SPLIT_OF = {match: split for split, matches in OFFICIAL_SPLITS.items() for match in matches}

T = TypeVar("T")


def official_split_of(match: str) -> Split | None:
    """The official split a match folder name belongs to, or None for other games."""
    return _SPLIT_OF.get(match.strip())  # type: ignore[return-value]


def official_game_ids(split: Split) -> list[str]:
    """``league/season/match`` of every game of an official split (what submissions name them)."""
    check_split(split)
    return [f"{OFFICIAL_LEAGUE}/{OFFICIAL_SEASON}/{match}" for match in OFFICIAL_SPLITS[split]]


def check_split(split: str) -> Split:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    return split  # type: ignore[return-value]


def official_split(games: Sequence[T], split: Split, *, match_of=lambda g: g.match) -> list[T]:
    """The games of ``split`` by the official SN-BAS-2025 assignment of match folders."""
    check_split(split)
    return [g for g in games if official_split_of(match_of(g)) == split]


def random_split(games: Sequence[T], counts: Sequence[int], *, seed: int) -> list[list[T]]:
    """Shuffle whole games with ``seed`` and cut them into groups of the given sizes.

    Splitting by game (never by clip) keeps frames of one match out of two groups. The input
    order does not matter: games are sorted by their string form before the shuffle, so the
    same set of games and seed always gives the same groups.
    """
    if any(c < 0 for c in counts) or sum(counts) > len(games):
        raise ValueError(f"cannot split {len(games)} games into groups of {list(counts)}")
    ordered = sorted(games, key=lambda g: getattr(g, "url_local", str(g)))
    random.Random(seed).shuffle(ordered)
    groups, start = [], 0
    for count in counts:
        groups.append(ordered[start : start + count])
        start += count
    return groups
