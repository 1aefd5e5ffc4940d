"""Class vocabularies, teams and the team-doubled output index map.

The seed's key change to T-DEED: no team head. A clip's per-frame class target has
``2N + 1`` entries: 0 is background, ``1..N`` are (class, left) and ``N+1..2N`` are
(class, right). A horizontal flip mirrors the pitch, so it swaps left and right.

A model without teams (E2E-Spot) has ``N + 1`` outputs: background and one per class. Its label
set is the same vocabulary :meth:`~LabelSet.without_teams`: it decodes an output to a class and no
team, and a flip leaves its outputs where they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

import numpy as np

BAS_CLASSES: tuple[str, ...] = (
    "PASS",
    "DRIVE",
    "HEADER",
    "HIGH PASS",
    "OUT",
    "CROSS",
    "THROW IN",
    "SHOT",
    "BALL PLAYER BLOCK",
    "PLAYER SUCCESSFUL TACKLE",
    "FREE KICK",
    "GOAL",
)

ACTION_SPOTTING_CLASSES: tuple[str, ...] = (
    "Penalty",
    "Kick-off",
    "Goal",
    "Substitution",
    "Offside",
    "Shots on target",
    "Shots off target",
    "Clearance",
    "Ball out of play",
    "Throw-in",
    "Foul",
    "Indirect free-kick",
    "Direct free-kick",
    "Corner",
    "Yellow card",
    "Red card",
    "Yellow->red card",
)


class Team(str, Enum):
    """The side of the pitch a team attacks from, as written in SoccerNet label files."""

    LEFT = "left"
    RIGHT = "right"
    NOT_APPLICABLE = "not applicable"

    def flipped(self) -> Team:
        """The team a horizontal flip turns this one into (left <-> right)."""
        if self is Team.LEFT:
            return Team.RIGHT
        if self is Team.RIGHT:
            return Team.LEFT
        return self

    @classmethod
    def parse(cls, value: str) -> Team:
        """Parse a label file's team string; raises ``ValueError`` naming the bad value."""
        try:
            return cls(value.strip().lower())
        except (ValueError, AttributeError):
            allowed = ", ".join(repr(t.value) for t in cls)
            raise ValueError(f"unknown team {value!r} (expected one of {allowed})") from None


SIDES: tuple[Team, Team] = (Team.LEFT, Team.RIGHT)


@dataclass(frozen=True)
class LabelSet:
    """A class vocabulary and its output layout: team-doubled ``2N + 1``, or ``N + 1`` without teams."""

    name: str
    classes: tuple[str, ...]
    teams: bool = True

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def num_outputs(self) -> int:
        """Outputs of the class head: background + N left + N right (without teams: + N)."""
        return (2 if self.teams else 1) * len(self.classes) + 1

    def without_teams(self) -> LabelSet:
        """The same classes for a model whose outputs carry no team (background + one per class)."""
        return LabelSet(self.name, self.classes, teams=False)

    @cached_property
    def _class_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def class_index(self, label: str) -> int:
        """Index of ``label`` in :attr:`classes`; ``ValueError`` for an unknown label."""
        try:
            return self._class_index[label]
        except KeyError:
            raise ValueError(f"unknown {self.name} label {label!r}") from None

    def output_index(self, label: str, team: Team | None) -> int:
        """Output index (1-based; 0 is background) of an event (``team`` is ignored without teams)."""
        if not self.teams:
            return 1 + self.class_index(label)
        if team not in SIDES:
            raise ValueError(f"team must be left or right to index an output, got {team.value!r}")
        offset = 1 if team is Team.LEFT else 1 + self.num_classes
        return offset + self.class_index(label)

    def decode(self, index: int) -> tuple[str, Team | None]:
        """Inverse of :meth:`output_index` (the team is None without teams)."""
        if not 1 <= index < self.num_outputs:
            raise ValueError(f"output index {index} is background or out of range 1..{self.num_outputs - 1}")
        side, cls = divmod(index - 1, self.num_classes)
        return self.classes[cls], SIDES[side] if self.teams else None

    def output_names(self) -> list[str]:
        """Names of the outputs in index order (``background``, ``PASS-left``, ... or ``PASS``, ...)."""
        if not self.teams:
            return ["background", *self.classes]
        names = ["background"]
        for team in SIDES:
            names += [f"{c}-{team.value}" for c in self.classes]
        return names

    @cached_property
    def flip_permutation(self) -> np.ndarray:
        """``perm`` such that ``target[..., perm]`` is the target of the mirrored clip.

        Index arrays map the same way: a flipped clip's class index is ``perm[index]``.
        The permutation is an involution (applying it twice is the identity).
        """
        n = self.num_classes
        perm = np.arange(self.num_outputs)
        if not self.teams:
            return perm  # nothing to swap
        perm[1 : n + 1] = np.arange(n + 1, 2 * n + 1)
        perm[n + 1 :] = np.arange(1, n + 1)
        return perm


BAS = LabelSet("bas", BAS_CLASSES)
ACTION_SPOTTING = LabelSet("action_spotting", ACTION_SPOTTING_CLASSES)
LABEL_SETS: dict[str, LabelSet] = {s.name: s for s in (BAS, ACTION_SPOTTING)}


def label_set_named(name: str, *, teams: bool = True) -> LabelSet:
    """The label set called ``name`` (``bas``, ``action_spotting``), as checkpoints store it;
    ``teams=False`` for a model whose outputs carry no team."""
    try:
        found = LABEL_SETS[name]
    except KeyError:
        raise ValueError(f"unknown label set {name!r}; known: {', '.join(LABEL_SETS)}") from None
    return found if teams else found.without_teams()
