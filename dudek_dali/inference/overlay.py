"""``dudek spot --overlay``: the video re-encoded as H.264 with every spotted event drawn on it.

Each event is shown for a second either side of its time as a caption such as
``SHOT · left team · 0.65`` (class, the side of the pitch of the team that performed it,
confidence), fading with the distance to the event, in a box at the bottom on that team's side
(a model without teams: ``SHOT · 0.65``, centred).
The font is Pillow's bundled TrueType face at 5.5% of the video height (12 px at 224p, 40 px at
720p), so a caption reads at a glance at any resolution. Every source frame becomes one output
frame (same count, same size, the source's average frame rate), so frame ``n`` of the overlay is
frame ``n`` of the video: the frame numbers of ``events.csv`` point into both.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

from dudek_dali.data.video_write import write_video
from dudek_dali.errors import VideoError
from dudek_dali.spotting.spotted import SpottedEvent

SHOW_S = 1.0  # seconds either side of an event
FONT_FRACTION = 0.055  # caption font size, as a fraction of the video height
_X264 = {"preset": "veryfast", "crf": "23"}
_BOX = (0, 0, 0)
_LEFT, _RIGHT, _NO_TEAM = (80, 160, 255), (255, 110, 90), (120, 220, 120)


def write_overlay(video: Path, events: Sequence[SpottedEvent], out: Path) -> Path:
    """Write ``out`` (H.264 MP4) from ``video`` with ``events`` drawn on; atomically."""
    import av

    events = sorted(events, key=lambda e: e.time_s)
    try:
        with av.open(str(video)) as source:
            stream = source.streams.video[0]
            stream.thread_type = "AUTO"
            rate = stream.average_rate or stream.guessed_rate or Fraction(25)
            size = (stream.codec_context.width, stream.codec_context.height)
            frames = _drawn(source.decode(stream), events, Fraction(stream.time_base), rate)
            write_video(out, frames, codec="h264", rate=rate, size=size, options=_X264)
    except av.FFmpegError as err:
        raise VideoError(f"{video}: cannot write the overlay ({err})") from None
    return Path(out)


def _drawn(decoded, events: list[SpottedEvent], base: Fraction, rate: Fraction):
    """Every decoded frame as RGB, with the events within a second of it drawn on."""
    times = np.array([e.time_s for e in events])
    first = None
    for index, frame in enumerate(decoded):
        first = frame.pts if first is None else first
        t = float((frame.pts - first) * base) if frame.pts is not None else index / float(rate)
        near = np.flatnonzero(np.abs(times - t) <= SHOW_S) if len(times) else []
        image = frame.to_ndarray(format="rgb24")
        yield _draw(image, [events[i] for i in near], t) if len(near) else image


def _draw(image: np.ndarray, events: list[SpottedEvent], t: float) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    canvas = Image.fromarray(image)
    draw = ImageDraw.Draw(canvas)
    size = max(12, round(canvas.height * FONT_FRACTION))
    font = ImageFont.load_default(size=size)  # Pillow's bundled TrueType face (Pillow >= 10.1)
    pad, line = max(2, size // 4), round(size * 1.35)
    taken: list[list[tuple[int, int]]] = []  # per row up from the bottom: the spans of its boxes
    for event in events:
        fade = 1.0 - abs(event.time_s - t) / (SHOW_S * 1.05)
        base = {"left": _LEFT, "right": _RIGHT}.get(event.team or "", _NO_TEAM)
        colour = tuple(int(c * fade + 60 * (1 - fade)) for c in base)
        side = f" · {event.team} team" if event.team else ""  # a model without teams invents none
        text = f"{event.label}{side} · {event.confidence:.2f}"
        width = round(draw.textlength(text, font=font)) + 2 * pad
        if event.team == "left":
            x = pad
        elif event.team == "right":
            x = max(pad, canvas.width - width - pad)
        else:
            x = max(pad, (canvas.width - width) // 2)
        # the lowest row where the box overlaps no other: broadcasts put the score at the top
        free = (i for i, spans in enumerate(taken) if all(x > b or x + width < a for a, b in spans))
        row = next(free, None)
        if row is None:
            row = len(taken)
            taken.append([])
        taken[row].append((x, x + width))
        y = canvas.height - pad - line * (row + 1)
        draw.rectangle([x, y, x + width, y + line - 1], fill=_BOX)
        draw.text((x + pad, y + line / 2), text, fill=colour, font=font, anchor="lm")
    return np.asarray(canvas)
