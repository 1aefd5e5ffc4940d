"""Render one delivered clip as a video with its per-frame targets written on it.

What a person sees is what the model gets: the delivered (augmented) pixels, un-normalised,
one output frame per clip frame, captioned with the original frame number and the frame's
target (class + team, and the displacement to its event), plus "flipped" when mirrored.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dudek_dali.data.labels import LabelSet
from dudek_dali.pipelines.batch import ClipBatch
from dudek_dali.pipelines.graph import IMAGENET_MEAN, IMAGENET_STD

# container format and codec per output suffix; H.264 when this PyAV build has libx264
_FORMATS = {".mp4": ("mp4", ("libx264", "mpeg4")), ".mkv": ("matroska", ("libx264", "mpeg4"))}
_FORMATS[".webm"] = ("webm", ("libvpx-vp9",))


def caption(label_set: LabelSet, *, frame_number: int, target: int, displacement: float) -> str:
    """``frame 1234  PASS left  d=+2`` (or ``background`` / ``padding``)."""
    if frame_number < 0:
        return "padding"
    if target == 0:
        return f"frame {frame_number}  background"
    label, team = label_set.decode(target)
    return f"frame {frame_number}  {label} {team.value}  d={displacement:+.0f}"


def pixels(frame_chw) -> np.ndarray:
    """A delivered (C, H, W) normalised frame as (H, W, 3) uint8."""
    image = frame_chw.detach().float().cpu().permute(1, 2, 0).numpy()
    image = image * np.array(IMAGENET_STD) * 255 + np.array(IMAGENET_MEAN) * 255
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


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


def render_clip(batch: ClipBatch, index: int, *, label_set: LabelSet, out: Path, fps: float) -> Path:
    """Write clip ``index`` of ``batch`` to ``out`` (.mp4, .mkv or .webm), atomically."""
    import av

    out = Path(out)
    if out.suffix.lower() not in _FORMATS:
        raise ValueError(f"{out}: the preview must be .mp4, .mkv or .webm")
    container_format, codecs = _FORMATS[out.suffix.lower()]
    codec = next(c for c in codecs if c in av.codecs_available)
    frames = batch.frames[index]
    height, width = frames.shape[-2:]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with av.open(str(tmp), "w", format=container_format) as container:
            stream = container.add_stream(codec, rate=round(fps))
            stream.width, stream.height = width - width % 2, height - height % 2
            stream.pix_fmt = "yuv420p"
            for t in range(frames.shape[0]):
                lines = [
                    caption(
                        label_set,
                        frame_number=int(batch.frame_numbers[index, t]),
                        target=int(batch.classes[index, t]),
                        displacement=float(batch.displacement[index, t]),
                    )
                ]
                if bool(batch.flipped[index]):
                    lines.insert(0, "flipped (teams swapped)")
                image = _draw(pixels(frames[t]), lines)[: stream.height, : stream.width]
                container.mux(
                    stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24"))
                )
            container.mux(stream.encode(None))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
