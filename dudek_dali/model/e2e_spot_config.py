"""E2E-Spot's options (the second model family, ``e2e-spot``), validated when the config is built.

E2E-Spot (Hong et al., 2022) as OpenSportsLab's ``opensportslib`` 0.3.3 trains it for SN-BAS
(config ``rny008_gsm`` + ``gru``): a timm RegNet with a Gate-Shift Module around ``conv1`` of every
block in all four stages, a bidirectional GRU over the clip's frames and a linear layer to
``N + 1`` class logits per frame (background + the N classes; no team, no displacement).

**Sampling.** OSL reads 25 fps video at ``extract_fps`` 2, which its stride rule turns into every
``int(25 / 2) = 12``-th frame (25/12 = 2.083 clip frames per second), resized to 224x398, in
clips of 100 sampled frames. ``stride``, ``input_size`` and ``clip_frames`` are therefore part of
this config: the network cannot be run on other frames than it was trained on.

**Timing.** OSL numbers sampled frames from 1 on its DALI path (the one its SN-BAS configs use):
the frame at video frame ``v`` is sampled frame ``v // stride + 1``, while an event at ``t``
seconds is put on sampled frame ``max(1, floor(t * fps / stride))`` (``floor(t * 25 / 12)`` for
SN-BAS). So the model learns to fire on the frame one sampled frame *before* the event's, and OSL
reports the scores of video frame ``k * stride`` at time ``(k + 1) * stride / fps``.
``frame_offset`` (1) records that shift between the frame seen and the frame reported; a model
trained on OSL's OpenCV path has 0. :meth:`E2ESpotConfig.osl_event_frame`,
:meth:`~E2ESpotConfig.output_index` and :meth:`~E2ESpotConfig.event_seconds` spell the
conventions out, and a test checks them against OSL's own label and prediction code.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from dudek_dali.model.config import (
    TemporalShiftMode,
    _require_int,
    check_shift_mode,
    check_timm_name,
    known_keys,
)

FAMILY = "e2e-spot"
VIDEO_FPS = 25.0  # SN-BAS video; other rates are resampled to it by the readers


@dataclass(frozen=True)
class E2ESpotConfig:
    """Everything that fixes the shapes of an :class:`~dudek_dali.model.e2e_spot.E2ESpot` and the
    frames it reads (see the module docstring).

    ``hidden_size`` is the GRU's per direction (OSL: the feature width, capped at 768);
    ``gru_layers`` is 1 for OSL's ``gru``, 3 for its ``deeper_gru``. ``num_outputs`` is ``N + 1``
    (13 for BAS). ``dropout`` is applied before the class head (OSL: 0.5). ``input_size`` is
    ``(height, width)``.
    """

    features_model_name: str = "regnety_008"
    temporal_shift_mode: TemporalShiftMode = "gsm"
    hidden_size: int = 768
    gru_layers: int = 1
    num_outputs: int = 13
    clip_frames: int = 100
    stride: int = 12
    input_size: tuple[int, int] = (224, 398)
    frame_offset: int = 1
    dropout: float = 0.5
    pretrained: bool = False

    def __post_init__(self) -> None:
        check_shift_mode(self.temporal_shift_mode)
        check_timm_name(self.features_model_name)
        for name in ("hidden_size", "gru_layers", "clip_frames", "stride"):
            _require_int(self, name, minimum=1)
        _require_int(self, "num_outputs", minimum=2)
        _require_int(self, "frame_offset", minimum=0)
        size = tuple(self.input_size)
        if len(size) != 2 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in size):
            raise ValueError(f"input_size must be (height, width) in pixels, got {self.input_size!r}")
        object.__setattr__(self, "input_size", size)
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout}")

    @property
    def teams(self) -> bool:
        """E2E-Spot's classes carry no team: outputs are background + one per class."""
        return False

    def osl_event_frame(self, seconds: float, *, fps: float = VIDEO_FPS) -> int:
        """OSL's 1-based sampled-frame number of an event at ``seconds``: ``max(1, floor(t*fps/stride))``."""
        return max(1, math.floor(seconds * fps / self.stride))

    def output_index(self, seconds: float, *, fps: float = VIDEO_FPS) -> int:
        """The 0-based sampled frame (video frame ``index * stride``) the model fires on for an event
        at ``seconds``."""
        return max(0, self.osl_event_frame(seconds, fps=fps) - self.frame_offset)

    def event_seconds(self, index: int, *, fps: float = VIDEO_FPS) -> float:
        """The time OSL reports for a detection on 0-based sampled frame ``index``."""
        return (index + self.frame_offset) * self.stride / fps

    def to_dict(self) -> dict[str, Any]:
        """Plain values (``input_size`` as a list): safe to store beside weights (no pickle)."""
        values = asdict(self)
        values["input_size"] = list(self.input_size)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> E2ESpotConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error (they mean another version wrote it)."""
        values = known_keys(values, cls, family="E2E-Spot")
        if "input_size" in values:
            values["input_size"] = tuple(values["input_size"])
        return cls(**values)
