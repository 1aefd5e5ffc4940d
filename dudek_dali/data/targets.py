"""The one target encoder every loader shares (DALI on GPU or CPU, frame folders).

A loader only reports *which original frames it delivered* and *whether the clip was flipped*;
this module turns that, plus the game's annotations, into per-frame targets:

* ``classes`` (T,) int64 in ``0..2N``: 0 is background, otherwise the team-doubled class.
* ``displacement`` (T,) float32: for a labelled frame, the signed offset in clip frames from
  that frame to its event (``frame_index + displacement == event_index``); 0 for background.

An event at clip position ``i`` labels clip frames ``i - d .. i + d`` (``d`` = ``displacement``).
An event's clip position is ``round((event_frame - first_frame) / stride)``; events just outside
the clip still label the frames within ``d`` of them, so edge frames get the right offsets.

**Overlap rule.** When the ranges of two events overlap, each frame takes the event nearest to
it in clip frames; on a tie the earlier event wins. Padding frames (frame number -1) are always
background with displacement 0.

**Flip.** A horizontal flip mirrors the pitch, so left and right swap: the class index goes
through :attr:`LabelSet.flip_permutation`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from dudek_dali.data.annotations import Annotation
from dudek_dali.data.labels import SIDES, LabelSet, Team


@dataclass(frozen=True)
class EventTable:
    """A video's events as arrays sorted by frame: ``frames`` and team-doubled ``outputs`` (1..2N)."""

    frames: np.ndarray
    outputs: np.ndarray

    @classmethod
    def from_annotations(
        cls, annotations: Sequence[Annotation], *, label_set: LabelSet, fps: float, key: str = ""
    ) -> EventTable:
        """Build the table for one video.

        A team that is "not applicable" (some broadcast events) gets a side chosen by a hash of
        ``key`` and the event, so it is random across events but the same in every epoch.
        """
        frames = np.array([a.frame(fps) for a in annotations], dtype=np.int64)
        outputs = np.array(
            [label_set.output_index(a.label, _side(a, key)) for a in annotations], dtype=np.int64
        )
        order = np.argsort(frames, kind="stable")
        return cls(frames=frames[order], outputs=outputs[order])

    def __len__(self) -> int:
        return len(self.frames)

    def in_range(self, first: int, last: int) -> np.ndarray:
        """Indices of the events whose frame lies in ``first..last`` (inclusive)."""
        lo, hi = np.searchsorted(self.frames, [first, last + 1])
        return np.arange(lo, hi)


def _side(annotation: Annotation, key: str) -> Team:
    if annotation.team in SIDES:
        return annotation.team
    digest = hashlib.blake2b(f"{key}|{annotation.half}|{annotation.position_ms}|{annotation.label}".encode())
    return SIDES[digest.digest()[0] & 1]


class ClipTargets(NamedTuple):
    classes: np.ndarray  # (T,) int64
    displacement: np.ndarray  # (T,) float32


@dataclass(frozen=True)
class TargetEncoder:
    """Turns delivered frame numbers + flip flags into per-frame class and displacement targets."""

    label_set: LabelSet
    displacement: int = 4

    def __post_init__(self) -> None:
        if self.displacement < 0:
            raise ValueError(f"displacement must be >= 0, got {self.displacement}")

    def encode(
        self, events: EventTable, frame_numbers: np.ndarray, *, stride: int, flipped: bool = False
    ) -> ClipTargets:
        """Targets of one clip whose frames are ``frame_numbers`` (-1 marks padding at the tail)."""
        frame_numbers = np.asarray(frame_numbers, dtype=np.int64)
        length = len(frame_numbers)
        classes = np.zeros(length, dtype=np.int64)
        offsets = np.zeros(length, dtype=np.float32)
        valid = frame_numbers >= 0
        if not valid.any() or len(events) == 0:
            return ClipTargets(classes, offsets)
        first = int(frame_numbers[0])
        reach = (self.displacement + 1) * stride  # events this far outside still label edge frames
        chosen = events.in_range(first - reach, first + (length - 1) * stride + reach)
        if len(chosen) == 0:
            return ClipTargets(classes, offsets)
        # Clip position of each event (round half up), then the offset of every frame to every event.
        position = np.floor((events.frames[chosen] - first) / stride + 0.5).astype(np.int64)
        delta = position[None, :] - np.arange(length)[:, None]  # (T, E)
        distance = np.where(np.abs(delta) <= self.displacement, np.abs(delta), np.iinfo(np.int64).max)
        nearest = np.argmin(distance, axis=1)  # argmin takes the first (earliest) event on ties
        hit = (distance[np.arange(length), nearest] != np.iinfo(np.int64).max) & valid
        event_outputs = events.outputs[chosen]
        if flipped:
            event_outputs = self.label_set.flip_permutation[event_outputs]
        classes[hit] = event_outputs[nearest[hit]]
        offsets[hit] = delta[np.arange(length), nearest][hit]
        return ClipTargets(classes, offsets)
