"""Frame sizes: always (height, width) in code, and ``HxW`` wherever a user types one.

One order everywhere (tensors are ``(..., H, W)``, DALI resizes to ``resize_y, resize_x``,
``--input-size 224x398`` means 224 rows of 398 pixels), so no call site has to swap. The only
``width x height`` spellings left are the ones the outside world fixes: video headers and the
``398x224`` that SoccerNet and video tools print.
"""

from __future__ import annotations

import re

Size = tuple[int, int]  # (height, width)

_SIZE = re.compile(r"^\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?$")


def parse_size(text: str | Size) -> Size:
    """``"224x398"`` -> ``(224, 398)`` (height x width); ``"224"`` is a square. Tuples pass through."""
    if isinstance(text, tuple):
        return check_size(text)
    match = _SIZE.match(str(text))
    if not match or int(match.group(1)) == 0 or (match.group(2) is not None and int(match.group(2)) == 0):
        raise ValueError(
            f"size must be HEIGHTxWIDTH with positive sides, or one number for a square (e.g. 224x224), "
            f"got {text!r}"
        )
    height = int(match.group(1))
    return height, int(match.group(2) or height)


def check_size(size: tuple[int, ...], *, minimum: int = 1) -> Size:
    """``size`` as a (height, width) pair of ints, both at least ``minimum``."""
    if len(size) != 2 or min(int(v) for v in size) < minimum:
        raise ValueError(f"size must be (height, width) with both sides >= {minimum}, got {tuple(size)}")
    return int(size[0]), int(size[1])


def format_size(size: Size) -> str:
    """``(224, 398)`` -> ``"224x398"``."""
    return f"{size[0]}x{size[1]}"
