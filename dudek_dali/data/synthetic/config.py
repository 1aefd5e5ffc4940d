"""Options of the synthetic SoccerNet dataset (see :mod:`dudek_dali.data.synthetic`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from dudek_dali.data.games import Layout, Resolution, check_layout, check_resolution

Codec = Literal["vp9", "h264"]
CODECS: tuple[str, ...] = ("vp9", "h264")
FPS = 25
MS_PER_FRAME = 1000 // FPS  # 40 ms exactly, so int(position / 1000 * 25) == frame
MIN_EVENT_GAP = 40  # frames (1.6 s): an event's signature and target window never overlap the next
SPREAD_GAP = MIN_EVENT_GAP + 4  # events are drawn this far apart, then nudged by <= 2 frames
EVENT_MARGIN = 8  # frames kept free at both ends of a video so every signature is whole
MAX_GAMES = 1000
MAX_MINUTES = 120.0


@dataclass(frozen=True)
class SynthConfig:
    """What :func:`~dudek_dali.data.synthetic.synthesize_dataset` writes.

    ``minutes`` is the footage of one game; the broadcast layout splits it into two halves of
    ``minutes / 2`` each. ``events_per_minute`` defaults to 20 (real BAS has about a dozen a
    minute): dense enough that a one-minute game covers all 12 classes, sparse enough
    (at most 34, just below ``60 * 25 / SPREAD_GAP``) that events are >= 1.6 s apart.

    ``keyframe_interval`` defaults to 250 frames (10 s), x264's default GOP and the order of
    real broadcast encodes: random access must decode up to 249 frames from the previous
    keyframe, which is exactly the cost the DALI pipelines have to be measured against.
    """

    layout: Layout = "bas"
    games: int = 3
    minutes: float = 1.0
    resolution: Resolution = 224
    seed: int = 0
    events_per_minute: float = 20.0
    keyframe_interval: int = 250
    stamp_frame_index: bool = False
    codec: Codec = "vp9"

    def __post_init__(self) -> None:
        check_layout(self.layout)
        check_resolution(self.resolution)
        if self.codec not in CODECS:
            raise ValueError(f"codec must be one of {CODECS}, got {self.codec!r}")
        if not 1 <= self.games <= MAX_GAMES:
            raise ValueError(f"games must be in 1..{MAX_GAMES}, got {self.games}")
        min_minutes = 0.1 if self.layout == "broadcast" else 0.05  # >= 3 s per video
        if not min_minutes <= self.minutes <= MAX_MINUTES:
            raise ValueError(
                f"minutes must be in {min_minutes}..{MAX_MINUTES} for {self.layout}, got {self.minutes}"
            )
        max_rate = 34.0  # just below 60 * FPS / SPREAD_GAP, so rounding never overfills a video
        if not 0 <= self.events_per_minute <= max_rate:
            raise ValueError(
                f"events_per_minute must be in 0..{max_rate} (events >= {MIN_EVENT_GAP} frames apart), "
                f"got {self.events_per_minute}"
            )
        if not 1 <= self.keyframe_interval <= 10_000:
            raise ValueError(f"keyframe_interval must be in 1..10000 frames, got {self.keyframe_interval}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")

    @property
    def videos_per_game(self) -> int:
        return 1 if self.layout == "bas" else 2

    @property
    def frames_per_video(self) -> int:
        return round(self.minutes * 60 * FPS / self.videos_per_game)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
