"""One spotted event as the challenge submission writes it, and frame <-> position conversion.

SoccerNet's scorer turns a position back into a frame as ``int(25 * (position_ms / 1000))``. The
naive ``frame * 40`` ms lands one frame early for about 5% of frames (``29 * 40 = 1160`` ms gives
``28.999...``), so :func:`frame_to_position_ms` picks the smallest whole millisecond that the
scorer maps back to the intended frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dudek_dali.data.labels import Team

SCORER_FPS = 25
"""Frame rate of SoccerNet's scorer grid (positions are converted to frames at this rate)."""


@dataclass(frozen=True)
class Prediction:
    """A spotted event: ``position_ms`` from the start of the game's video, ``confidence`` in 0..1.

    ``team`` is None for a model whose outputs carry no team (E2E-Spot): nothing is invented.
    """

    label: str
    team: Team | None
    position_ms: int
    confidence: float
    half: int = 1

    def frame(self, fps: float = SCORER_FPS) -> int:
        """The frame SoccerNet's scorer puts this prediction on (same formula as for labels)."""
        return int(fps * (self.position_ms / 1000))

    @property
    def game_time(self) -> str:
        return game_time(self.position_ms, half=self.half)

    @property
    def side(self) -> str:
        """``left`` / ``right``, or ``""`` without a team."""
        return self.team.value if self.team is not None else ""

    def to_json(self) -> dict[str, object]:
        """The entry of ``results_spotting.json`` (position and half as strings, as SoccerNet writes them);
        a prediction without a team has no ``team`` key."""
        entry: dict[str, object] = {
            "gameTime": self.game_time,
            "label": self.label,
            "position": str(self.position_ms),
            "half": str(self.half),
            "team": self.side,
            "confidence": float(self.confidence),
        }
        if self.team is None:
            del entry["team"]
        return entry


def game_time(position_ms: int, *, half: int = 1) -> str:
    """``"1 - mm:ss"`` for a position; minutes keep counting past 99 (BAS games run ~102 min)."""
    seconds = int(position_ms) // 1000
    return f"{half} - {seconds // 60:02d}:{seconds % 60:02d}"


def frame_to_position_ms(frames: np.ndarray, *, fps: float = SCORER_FPS) -> np.ndarray:
    """Whole-millisecond positions that SoccerNet's ``int(fps * (ms / 1000))`` maps back to ``frames``."""
    frames = np.asarray(frames, dtype=np.int64)
    position = np.ceil(frames * 1000.0 / fps).astype(np.int64)
    # Float rounding in the scorer's formula can still land one frame early: step one ms later.
    early = (fps * (position / 1000)).astype(np.int64) < frames
    position = position + early
    if np.any((fps * (position / 1000)).astype(np.int64) != frames):
        raise AssertionError("frame_to_position_ms: no whole millisecond maps back to some frame")
    return position
