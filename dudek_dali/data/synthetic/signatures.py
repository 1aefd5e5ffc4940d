"""Each class's visual signature: a distinct filled shape with its own colour.

Identity is carried by the *shape* and by a colour of its own: training applies hue jitter of
up to +-0.2 to a quarter of the clips, so colour alone would not always separate classes.
The shape is drawn on a dark square backdrop, so every colour (green ones too) stands out from
the pitch. The team is drawn twice: the signature sits in the team's half of the frame, and a
white bar marks the backdrop's edge on the team's side. A horizontal flip mirrors both, so it
swaps the team, and the bar lets a translation-invariant network tell the team locally.
Shapes are boolean masks on a square grid, drawn big so they survive 398x224 -> 112x112
resizing, random crops and lossy coding.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np


# One colour per class (hues evenly spread, alternating brightness so neighbours differ twice),
# bright enough to stand out from the green pitch and the dark players.
def _palette(n: int) -> tuple[tuple[int, int, int], ...]:
    import colorsys

    colours = []
    for k in range(n):
        r, g, b = colorsys.hsv_to_rgb(k / n, 0.85, 1.0 if k % 2 == 0 else 0.75)
        colours.append((round(255 * r), round(255 * g), round(255 * b)))
    return tuple(colours)


SIGNATURE_COLOURS: tuple[tuple[int, int, int], ...] = _palette(17)
TEAM_MARK = (255, 255, 255)  # a bar on the signature's edge that points to the team's side
BACKDROP = (16, 16, 16)  # behind the shape: contrast with the grass whatever the class colour

_Shape = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (y, x) in [-1, 1] -> mask


def _ring(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    r = np.hypot(x, y)
    return (r <= 0.95) & (r >= 0.55)


_SHAPES: tuple[_Shape, ...] = (
    lambda y, x: np.hypot(x, y) <= 0.95,  # disc
    lambda y, x: (abs(x) <= 0.68) & (abs(y) <= 0.68),  # square (small: unlike the disc)
    lambda y, x: (y <= 0.85) & (abs(x) <= (y + 0.95) / 2),  # triangle pointing up
    lambda y, x: abs(x) + abs(y) <= 0.95,  # diamond
    _ring,
    lambda y, x: (abs(x) <= 0.28) | (abs(y) <= 0.28),  # plus
    lambda y, x: (abs(x - y) <= 0.35) | (abs(x + y) <= 0.35),  # X
    lambda y, x: abs(y) <= 0.35,  # horizontal bar
    lambda y, x: abs(x) <= 0.35,  # vertical bar
    lambda y, x: (np.maximum(abs(x), abs(y)) <= 0.95) & (np.maximum(abs(x), abs(y)) >= 0.55),  # frame
    lambda y, x: (y >= -0.85) & (abs(x) <= (0.95 - y) / 2),  # triangle pointing down
    lambda y, x: (np.hypot(x, y) <= 0.95) & (y <= 0.1),  # upper half-disc
    lambda y, x: (np.hypot(x, y - 0.5) <= 0.42) | (np.hypot(x, y + 0.5) <= 0.42),  # two dots
    lambda y, x: (x * y >= 0) & (np.maximum(abs(x), abs(y)) <= 0.9),  # checker 2x2
    lambda y, x: ((x <= -0.3) | (y >= 0.4)) & (np.maximum(abs(x), abs(y)) <= 0.9),  # L
    lambda y, x: ((y <= -0.45) | (abs(x) <= 0.25)) & (np.maximum(abs(x), abs(y)) <= 0.9),  # T
    lambda y, x: (abs(x) + abs(y) <= 0.95) & (abs(x) + abs(y) >= 0.5),  # hollow diamond
)
MAX_CLASSES = len(_SHAPES)


@lru_cache(maxsize=64)
def signature_mask(class_index: int, size: int) -> np.ndarray:
    """``size`` x ``size`` boolean mask of class ``class_index``'s shape (read-only)."""
    if not 0 <= class_index < MAX_CLASSES:
        raise ValueError(f"no signature for class index {class_index} (have {MAX_CLASSES})")
    coords = (np.arange(size) + 0.5) / size * 2 - 1
    y, x = np.meshgrid(coords, coords, indexing="ij")
    mask = _SHAPES[class_index](y, x)
    mask.flags.writeable = False
    return mask


def signature_colour(class_index: int) -> np.ndarray:
    """RGB colour (float32) of class ``class_index``'s signature."""
    return np.array(SIGNATURE_COLOURS[class_index % len(SIGNATURE_COLOURS)], dtype=np.float32)


def blend_signature(
    frame: np.ndarray,
    class_index: int,
    *,
    top: int,
    left: int,
    size: int,
    alpha: float,
    side: int = 0,
) -> None:
    """Blend the signature into ``frame`` in place at ``(top, left)`` with opacity ``alpha``.

    ``side`` -1 / +1 adds the team bar on the left / right edge (0: none, "not applicable").
    """
    patch = frame[top : top + size, left : left + size]
    _blend_all(patch, BACKDROP, alpha)
    _blend(patch, signature_mask(class_index, size), signature_colour(class_index), alpha)
    if side:
        width = max(2, size // 5)
        _blend_all(patch[:, :width] if side < 0 else patch[:, size - width : size], TEAM_MARK, alpha)


def _blend(patch: np.ndarray, mask: np.ndarray, colour: np.ndarray, alpha: float) -> None:
    mask = mask[: patch.shape[0], : patch.shape[1]]
    patch[mask] = _mix(patch[mask], colour, alpha)


def _blend_all(region: np.ndarray, colour: tuple[int, int, int], alpha: float) -> None:
    """Blend a whole rectangle (a view into the frame): no mask to build or index with."""
    region[...] = _mix(region, np.array(colour, np.float32), alpha)


def _mix(pixels: np.ndarray, colour: np.ndarray, alpha: float) -> np.ndarray:
    return np.clip(pixels * (1.0 - alpha) + colour * alpha + 0.5, 0, 255).astype(np.uint8)
