"""Pixels of a synthetic video: a panning pitch, wandering players and the events' signatures.

Everything costly is precomputed once per video (a pitch texture wider than the frame, a
small bank of noise images), so a frame is one slice-and-add plus a few small patches.

An event at frame ``f`` shows its class's signature on frames ``f-6 .. f+6`` with opacity
``1 - |d| / 7`` (1 at ``f``): with every second frame sampled that is +-3 clip frames, most of
the +-4 frames the targets label, and the opacity ramp marks the exact frame. The signature
lies in the left half of the frame for team left and in the right half for team right
(centred for "not applicable"), far enough from the middle that a random crop of 0.9 never
moves it across: a horizontal flip really swaps the team. It is drawn in screen coordinates
(it does not pan with the pitch) so its side never changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from dudek_dali.data.labels import LabelSet, Team
from dudek_dali.data.synthetic.plan import PlannedEvent
from dudek_dali.data.synthetic.signatures import blend_signature
from dudek_dali.data.synthetic.stamp import band_height, draw_frame_index

SIGNATURE_HALF_LIFE = 6  # frames either side of the event frame that show the signature
SIGNATURE_SIZE = 0.4  # of the frame height
SIDE_MARGIN = 0.12  # of the width: keep signatures inside a 0.9 random crop
MIDDLE_GAP = 0.08  # of the width: signatures stay this far from the halfway line of the frame
PAN_RANGE = 0.3  # of the width: how far the camera pans across the pitch texture
NOISE_LEVELS = 6  # temporal noise amplitude (grey levels)
N_PLAYERS = 10
_NOISE_BANK = 8
_GRASS = ((52, 118, 46), (64, 136, 56))
_LINE = (225, 230, 225)
_PLAYER_COLOURS = ((30, 40, 120), (110, 25, 30))


@dataclass(frozen=True)
class _Sprite:
    """A drawn signature: which class, where, and at which opacity, per frame."""

    class_index: int
    side: int  # -1 team left, +1 team right, 0 not applicable (where the team bar goes)
    top: int
    left: int
    event_frame: int


class VideoRenderer:
    """Renders the frames of one synthetic video, deterministically for its seed."""

    def __init__(
        self,
        *,
        width: int,
        height: int,
        n_frames: int,
        events: Sequence[PlannedEvent],
        label_set: LabelSet,
        seed: np.random.SeedSequence,
        stamp_frame_index: bool = False,
    ) -> None:
        self.width, self.height, self.n_frames = width, height, n_frames
        self.stamp_frame_index = stamp_frame_index
        rng = np.random.default_rng(seed)
        self._texture = _pitch_texture(rng, width + int(PAN_RANGE * width), height)
        self._noise = rng.integers(0, NOISE_LEVELS, size=(_NOISE_BANK, height, width, 3), dtype=np.uint8)
        self._noise_of_frame = rng.integers(0, _NOISE_BANK, size=n_frames)
        self._pan = _camera_pan(rng, n_frames, self._texture.shape[1] - width)
        self._players = _player_tracks(rng, n_frames, self._texture.shape[1], height)
        self._sprite_size = round(SIGNATURE_SIZE * height)
        self._sprites = self._place_sprites(rng, events, label_set)

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(self.n_frames):
            yield self.frame(i)

    def frame(self, i: int) -> np.ndarray:
        """Frame ``i`` as a fresh H x W x 3 uint8 RGB array."""
        x0 = self._pan[i]
        out = np.add(self._texture[:, x0 : x0 + self.width], self._noise[self._noise_of_frame[i]])
        self._draw_players(out, i, x0)
        for sprite in self._sprites.get(i, ()):
            alpha = 1.0 - abs(i - sprite.event_frame) / (SIGNATURE_HALF_LIFE + 1)
            blend_signature(
                out,
                sprite.class_index,
                top=sprite.top,
                left=sprite.left,
                size=self._sprite_size,
                alpha=alpha,
                side=sprite.side,
            )
        if self.stamp_frame_index:
            draw_frame_index(out, i)
        return out

    def _draw_players(self, out: np.ndarray, i: int, x0: int) -> None:
        w, h = max(3, round(0.025 * self.width)), max(6, round(0.07 * self.height))
        xs, ys = self._players
        for p in range(N_PLAYERS):
            left, top = int(xs[p, i]) - x0, int(ys[p, i])
            if -w < left < self.width:
                out[top : top + h, max(left, 0) : left + w] = _PLAYER_COLOURS[p % 2]

    def _place_sprites(
        self, rng: np.random.Generator, events: Sequence[PlannedEvent], label_set: LabelSet
    ) -> dict[int, list[_Sprite]]:
        size, width = self._sprite_size, self.width
        top_min = band_height(self.height) + round(0.04 * self.height)
        top_max = round(0.96 * self.height) - size
        left_ranges = {
            Team.LEFT: (round(SIDE_MARGIN * width), round((0.5 - MIDDLE_GAP) * width) - size),
            Team.RIGHT: (round((0.5 + MIDDLE_GAP) * width), round((1 - SIDE_MARGIN) * width) - size),
        }
        by_frame: dict[int, list[_Sprite]] = {}
        for event in events:
            top = int(rng.integers(top_min, top_max + 1))
            if event.team in left_ranges:
                lo, hi = left_ranges[event.team]
                left = int(rng.integers(lo, hi + 1))
            else:
                left = (width - size) // 2
            side = {Team.LEFT: -1, Team.RIGHT: 1}.get(event.team, 0)
            sprite = _Sprite(label_set.class_index(event.label), side, top, left, event.frame)
            for f in range(event.frame - SIGNATURE_HALF_LIFE, event.frame + SIGNATURE_HALF_LIFE + 1):
                if 0 <= f < self.n_frames:
                    by_frame.setdefault(f, []).append(sprite)
        return by_frame


def _pitch_texture(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Mown grass stripes with grain, a halfway line, a centre circle and a touchline."""
    stripe = max(8, width // 12)
    columns = (np.arange(width) // stripe) % 2
    texture = np.array(_GRASS, dtype=np.int16)[columns][None].repeat(height, axis=0)
    texture += rng.integers(-10, 11, size=(height, width, 1), dtype=np.int16)
    thick = max(2, height // 110)
    texture[:, width // 2 - thick // 2 : width // 2 - thick // 2 + thick] = _LINE
    y, x = np.ogrid[:height, :width]
    radius = np.hypot(x - width / 2, y - 0.58 * height)
    texture[np.abs(radius - 0.22 * height) < thick / 2 + 0.5] = _LINE
    touchline = round(0.14 * height)
    texture[touchline : touchline + thick] = _LINE
    # Leave headroom for the temporal noise, which is added without saturation.
    return np.clip(texture, 0, 255 - NOISE_LEVELS).astype(np.uint8)


def _camera_pan(rng: np.random.Generator, n_frames: int, max_offset: int) -> np.ndarray:
    """Horizontal camera offset per frame: a slow sinusoidal pan over the texture."""
    period = rng.uniform(15, 30) * 25  # frames
    phase = rng.uniform(0, 2 * np.pi)
    t = np.arange(n_frames)
    return np.round(max_offset / 2 * (1 + np.sin(2 * np.pi * t / period + phase))).astype(int)


def _player_tracks(rng: np.random.Generator, n_frames: int, world_width: int, height: int) -> np.ndarray:
    """Smooth wandering positions (world x, screen y) of the player blobs, per frame."""
    t = np.arange(n_frames)[None]
    cx = rng.uniform(0.05, 0.95, size=(N_PLAYERS, 1)) * world_width
    cy = rng.uniform(0.25, 0.8, size=(N_PLAYERS, 1)) * height
    ax, ay = rng.uniform(0.03, 0.12, size=(2, N_PLAYERS, 1)) * np.array([[[world_width]], [[height]]])
    px, py = rng.uniform(4, 12, size=(2, N_PLAYERS, 1)) * 25
    fx, fy = rng.uniform(0, 2 * np.pi, size=(2, N_PLAYERS, 1))
    xs = cx + ax * np.sin(2 * np.pi * t / px + fx)
    ys = cy + ay * np.sin(2 * np.pi * t / py + fy)
    return np.stack([xs, ys])
