"""One thing ``dudek doctor`` checked: what it found, whether that is a problem, and the fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["ok", "note", "problem"]


@dataclass(frozen=True)
class Finding:
    """``subject`` (a component or a video), what was found, and for a problem the one-line fix."""

    subject: str
    level: Level
    text: str
    fix: str | None = None

    @property
    def is_problem(self) -> bool:
        return self.level == "problem"

    def line(self) -> str:
        fix = f" -> fix: {self.fix}" if self.fix else ""
        return f"[{self.level}] {self.subject}: {self.text}{fix}"

    def to_json(self) -> dict:
        return asdict(self)


def ok(subject: str, text: str) -> Finding:
    return Finding(subject, "ok", text)


def note(subject: str, text: str, fix: str | None = None) -> Finding:
    return Finding(subject, "note", text, fix)


def problem(subject: str, text: str, fix: str) -> Finding:
    return Finding(subject, "problem", text, fix)
