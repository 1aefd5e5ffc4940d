"""What each synthetic game holds: its real-looking name and folder, its events, its label file.

Planning is cheap and depends only on the config and the game's index, never on how many
games are made, so game ``i`` is identical whether 3 or 30 games are synthesised and a
summary can be rebuilt without rendering a pixel.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from dudek_dali.data.annotations import Visibility
from dudek_dali.data.games import label_file_name, video_names
from dudek_dali.data.labels import ACTION_SPOTTING, BAS, SIDES, LabelSet, Team
from dudek_dali.data.splits import OFFICIAL_LEAGUE, OFFICIAL_SEASON, OFFICIAL_SPLITS, Split
from dudek_dali.data.synthetic.config import EVENT_MARGIN, FPS, MS_PER_FRAME, SPREAD_GAP, SynthConfig

BROADCAST_LEAGUE, BROADCAST_SEASON = "england_epl", "2015-2016"
NOT_SHOWN_FRACTION = 0.05
NOT_APPLICABLE_FRACTION = 0.1  # broadcast only: events with no team (drawn at the centre)

# Official games first, interleaved so that a few games already cover every split.
_OFFICIAL_ORDER: tuple[tuple[Split, int], ...] = (
    ("train", 0),
    ("valid", 0),
    ("test", 0),
    ("train", 1),
    ("challenge", 0),
    ("test", 1),
    ("train", 2),
    ("challenge", 1),
    ("train", 3),
)
# Championship 2019-20 clubs that are not in the official games, for the extra labelled games.
_EXTRA_EFL_TEAMS = ("Barnsley", "Charlton Athletic", "Derby County", "Luton Town", "Millwall", "Swansea City")
_EPL_TEAMS = (
    "Chelsea", "Burnley", "Arsenal", "Liverpool", "Everton", "Swansea",
    "Stoke City", "Southampton", "Watford", "Tottenham", "Newcastle Utd", "West Ham",
)  # fmt: skip
_KICK_OFFS = ("15-00", "17-30", "18-00", "20-45")


@dataclass(frozen=True)
class PlannedEvent:
    """One event as its label file states it; ``half`` is the 1-based video it lies in."""

    half: int
    frame: int
    label: str
    team: Team
    visibility: Visibility

    @property
    def position_ms(self) -> int:
        return self.frame * MS_PER_FRAME

    def annotation(self) -> dict[str, str]:
        seconds = self.position_ms // 1000
        return {
            "gameTime": f"{self.half} - {seconds // 60:02d}:{seconds % 60:02d}",
            "label": self.label,
            "position": str(self.position_ms),
            "team": self.team.value,
            "visibility": self.visibility,
        }


@dataclass(frozen=True)
class GamePlan:
    """A synthetic game: where it goes, which split it plays, and its events."""

    index: int
    league: str
    season: str
    match: str
    split: Split | None
    label_set: LabelSet
    label_file: str | None  # None for challenge games, which ship without labels
    videos: tuple[str, ...]
    frames_per_video: int
    events: tuple[PlannedEvent, ...]
    extra_fields: tuple[tuple[str, str], ...] = ()

    @property
    def relative_dir(self) -> str:
        return f"{self.league}/{self.season}/{self.match}"

    def label_json(self) -> dict[str, Any]:
        """The label file's content, with the real files' fields."""
        data: dict[str, Any] = {"UrlLocal": f"{self.relative_dir}/", "UrlYoutube": ""}
        data.update(dict(self.extra_fields))
        data["annotations"] = [e.annotation() for e in self.events]
        return data


def plan_game(config: SynthConfig, index: int) -> GamePlan:
    """The plan of game ``index`` (0-based) of a dataset made with ``config``."""
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, index, 0]))
    if config.layout == "bas":
        match, split = bas_match(index)
        league, season, label_set = OFFICIAL_LEAGUE, OFFICIAL_SEASON, BAS
        # Nothing we know of reads "halftime"; real files carry it, so ours do too.
        extra: tuple[tuple[str, str], ...] = (("halftime", "1"),)
    else:
        match, split, extra = broadcast_match(index)
        league, season, label_set = BROADCAST_LEAGUE, BROADCAST_SEASON, ACTION_SPOTTING
    events = plan_events(
        rng,
        label_set=label_set,
        # Rounded per video, so that no video gets more events than its length allows.
        events_per_video=round(config.events_per_minute * config.minutes / config.videos_per_game),
        n_videos=config.videos_per_game,
        frames_per_video=config.frames_per_video,
        with_not_applicable=config.layout == "broadcast",
    )
    return GamePlan(
        index=index,
        league=league,
        season=season,
        match=match,
        split=split,
        label_set=label_set,
        label_file=None if split == "challenge" else label_file_name(config.layout),
        videos=video_names(config.layout, config.resolution),
        frames_per_video=config.frames_per_video,
        events=events,
        extra_fields=extra,
    )


def bas_match(index: int) -> tuple[str, Split | None]:
    """Match folder name and official split of BAS game ``index``; extra games have no split."""
    if index < len(_OFFICIAL_ORDER):
        split, k = _OFFICIAL_ORDER[index]
        return OFFICIAL_SPLITS[split][k], split
    k = index - len(_OFFICIAL_ORDER)
    pairs = list(itertools.permutations(_EXTRA_EFL_TEAMS, 2))
    home, away = pairs[k % len(pairs)]
    # Three games a day: (date, pair) is unique for every k.
    date = dt.date(2019, 10, 19) + dt.timedelta(days=k // 3)
    return f"{date.isoformat()} - {home} - {away}", None


def broadcast_match(index: int) -> tuple[str, None, tuple[tuple[str, str], ...]]:
    """Match folder name and the Labels-v2 game fields of broadcast game ``index``."""
    pairs = list(itertools.permutations(_EPL_TEAMS, 2))
    home, away = pairs[(index * 7) % len(pairs)]
    date = dt.date(2015, 8, 8) + dt.timedelta(days=index // 2)
    kick_off = _KICK_OFFS[index % len(_KICK_OFFS)]
    score = f"{index % 4} - {(index * 5 // 3) % 3}"
    name = f"{date.isoformat()} - {kick_off} {home} {score} {away}"
    fields = (
        ("gameAwayTeam", away),
        ("gameDate", f"{date:%d/%m/%Y} - {kick_off.replace('-', ':')}"),
        ("gameHomeTeam", home),
        ("gameScore", score),
    )
    return name, None, fields


def plan_events(
    rng: np.random.Generator,
    *,
    label_set: LabelSet,
    events_per_video: int,
    n_videos: int,
    frames_per_video: int,
    with_not_applicable: bool,
) -> tuple[PlannedEvent, ...]:
    """Events spread over the videos, >= MIN_EVENT_GAP frames apart, sorted by (half, frame).

    A game with at least ``num_classes`` events holds every class (the rest are drawn
    uniformly), and both sides (plus "not applicable" for broadcasts) appear whenever there
    are enough events: a short game is still a fair test of every output. Uniform classes keep
    the task learnable in minutes of CPU training; real BAS is dominated by PASS and DRIVE.
    """
    n_classes = label_set.num_classes
    n_events = events_per_video * n_videos
    labels = list(rng.permutation(n_classes)[: min(n_events, n_classes)])
    labels += list(rng.integers(0, n_classes, size=max(0, n_events - n_classes)))
    rng.shuffle(labels)
    teams = _plan_teams(rng, n_events, with_not_applicable=with_not_applicable)
    hidden = rng.random(n_events) < NOT_SHOWN_FRACTION
    events, k = [], 0
    for video in range(n_videos):
        for frame in _spread_frames(rng, events_per_video, frames_per_video):
            visibility: Visibility = "not shown" if hidden[k] else "visible"
            events.append(PlannedEvent(video + 1, frame, label_set.classes[labels[k]], teams[k], visibility))
            k += 1
    return tuple(events)


def _plan_teams(rng: np.random.Generator, n: int, *, with_not_applicable: bool) -> list[Team]:
    teams = [SIDES[i] for i in rng.integers(0, 2, size=n)]
    required = list(SIDES)
    if with_not_applicable:
        teams = [
            Team.NOT_APPLICABLE if u < NOT_APPLICABLE_FRACTION else t
            for t, u in zip(teams, rng.random(n), strict=True)
        ]
        required.append(Team.NOT_APPLICABLE)
    if n < len(required):
        return teams
    for team in required:  # every kind appears: replace one of a team that has several
        if team not in teams:
            plentiful = [i for i, t in enumerate(teams) if teams.count(t) > 1]
            teams[plentiful[int(rng.integers(len(plentiful)))]] = team
    return teams


def _spread_frames(rng: np.random.Generator, count: int, n_frames: int) -> list[int]:
    """``count`` sorted frames >= MIN_EVENT_GAP apart, at least EVENT_MARGIN - 2 from both ends.

    Frames are drawn SPREAD_GAP apart, then each moves (by at most 2) to the nearest frame
    whose position SoccerNet's float formula maps back to it exactly.
    """
    slack = n_frames - 2 * EVENT_MARGIN - (count - 1) * SPREAD_GAP
    if count and slack < 1:
        raise ValueError(f"cannot fit {count} events {SPREAD_GAP} frames apart into {n_frames} frames")
    offsets = np.sort(rng.integers(0, max(slack, 1), size=count))
    return [nearest_exact_frame(EVENT_MARGIN + int(o) + i * SPREAD_GAP) for i, o in enumerate(offsets)]


def nearest_exact_frame(frame: int) -> int:
    """The frame nearest ``frame`` (ties: later) whose position survives SoccerNet's formula.

    Positions are written as ``frame * 40`` ms, as in real files, but in floating point
    ``int(position / 1000 * 25)`` gives ``frame - 1`` for about 7% of frames (8120 ms ->
    202, not 203). Events only go where the label file's position means the drawn frame,
    whichever way a reader converts it. Runs of such frames are at most 4 long below 2**20.
    """
    for shift in (0, 1, -1, 2, -2, 3, -3):
        candidate = frame + shift
        if candidate >= 0 and int(candidate * MS_PER_FRAME / 1000 * FPS) == candidate:
            return candidate
    raise AssertionError(f"no exact frame near {frame}")  # unreachable for frames < 2**20
