"""``dudek preview``: one delivered clip rendered as a video with its per-frame targets written on it.

What a person sees is what the model gets: the delivered (augmented) pixels, un-normalised,
one output frame per clip frame, captioned with the original frame number and the frame's
target (class + team, and the displacement to its event), plus "flipped" when mirrored. Any
video source renders through the same code, since every loader yields the same
:class:`~dudek_dali.clips.ClipBatch`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dudek_dali.clips.augment import AugmentConfig
from dudek_dali.clips.batch import ClipBatch
from dudek_dali.clips.pixels import to_pixels
from dudek_dali.clips.sampling import SamplingConfig
from dudek_dali.data.games import Layout, Resolution, find_game, find_games
from dudek_dali.data.labels import LabelSet
from dudek_dali.data.video_write import write_video
from dudek_dali.errors import DatasetError
from dudek_dali.sources import AUTO, Source, as_source, create_clip_loader

# encoders per output suffix, the first this PyAV build has: H.264 where it has libx264
_CODECS = {".mp4": ("libx264", "mpeg4"), ".mkv": ("libx264", "mpeg4"), ".webm": ("libvpx-vp9",)}
PREVIEW_SUFFIXES: tuple[str, ...] = tuple(_CODECS)


@dataclass(frozen=True)
class Preview:
    """What :func:`preview_clip` rendered."""

    path: Path
    game: str
    frame_numbers: list[int]
    stride: int
    labelled_frames: int
    flipped: bool
    source: str
    seconds: float


def caption(label_set: LabelSet, *, frame_number: int, target: int, displacement: float) -> str:
    """``frame 1234  PASS left  d=+2`` (or ``background`` / ``padding``)."""
    if frame_number < 0:
        return "padding"
    if target == 0:
        return f"frame {frame_number}  background"
    label, team = label_set.decode(target)
    return f"frame {frame_number}  {label} {team.value}  d={displacement:+.0f}"


def _draw(image: np.ndarray, lines: list[str]) -> np.ndarray:
    from PIL import Image, ImageDraw

    canvas = Image.fromarray(image)
    draw = ImageDraw.Draw(canvas)
    y = canvas.height - 14 * len(lines) - 4
    for line in lines:
        draw.rectangle([0, y - 1, min(canvas.width, 7 * len(line) + 6), y + 12], fill=(0, 0, 0))
        draw.text((3, y), line, fill=(255, 255, 0))
        y += 14
    return np.asarray(canvas)


def check_preview_path(out: Path | str) -> Path:
    out = Path(out)
    if out.suffix.lower() not in _CODECS:
        raise DatasetError(f"{out}: a preview must end in .mp4, .mkv or .webm")
    return out


def render_clip(batch: ClipBatch, index: int, *, label_set: LabelSet, out: Path, fps: float) -> Path:
    """Write clip ``index`` of ``batch`` to ``out`` (.mp4, .mkv or .webm), atomically."""
    out = check_preview_path(out)
    frames = to_pixels(batch.frames[index])  # (T, H, W, 3)
    lines = [
        [
            caption(
                label_set,
                frame_number=int(batch.frame_numbers[index, t]),
                target=int(batch.classes[index, t]),
                displacement=float(batch.displacement[index, t]),
            )
        ]
        for t in range(len(frames))
    ]
    if bool(batch.flipped[index]):
        lines = [["flipped (teams swapped)", *frame_lines] for frame_lines in lines]
    import av

    codec = next(c for c in _CODECS[out.suffix.lower()] if c in av.codecs_available)
    height, width = frames.shape[1:3]
    drawn = (_draw(image, text) for image, text in zip(frames, lines, strict=True))
    write_video(out, drawn, codec=codec, rate=round(fps), size=(width, height))
    return out


def preview_clip(
    dataset: Path | str,
    out: Path | str,
    *,
    game: str | None = None,
    clip_frames: int = 80,
    stride: int = 2,
    augment: bool = False,
    source: Source | str = AUTO,
    layout: Layout = "bas",
    resolution: Resolution = 224,
    seed: int = 0,
) -> Preview:
    """Render the first planned clip of a game of ``dataset`` (see the module docstring).

    For a labelled game the clip is drawn so that it holds an event (as ``even_choice_proba=1``
    would), so the targets are visible; ``augment`` applies the training augmentations.
    """
    out = check_preview_path(out)
    chosen = find_game(find_games(dataset, layout=layout, resolution=resolution), game)
    resolved = as_source(source, device=None, job="train").for_games([chosen])
    started = time.perf_counter()
    sampling = SamplingConfig(
        clip_frames=clip_frames,
        stride=stride,
        overlap=0,
        epoch_size=1,
        even_choice_proba=1.0 if chosen.is_labelled else 0.0,
        seed=seed,
        augment=AugmentConfig() if augment else AugmentConfig.off(),
    )
    with create_clip_loader([chosen], sampling, source=resolved, batch_size=1) as loader:
        batch = next(iter(loader))
    render_clip(batch, 0, label_set=chosen.label_set, out=out, fps=25.0 / stride)
    return Preview(
        path=out,
        game=chosen.url_local,
        frame_numbers=[int(n) for n in batch.frame_numbers[0]],
        stride=stride,
        labelled_frames=int((batch.classes[0] > 0).sum()),
        flipped=bool(batch.flipped[0]),
        source=resolved.name,
        seconds=time.perf_counter() - started,
    )
