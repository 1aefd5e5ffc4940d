"""TensorBoard logging of a training run (rank 0 only; other ranks get a logger that does nothing).

Scalars: ``train/loss``, ``train/ce``, ``train/displacement``, ``train/lr`` per optimizer step;
per epoch ``epoch/*`` (losses, validation loss or team-mAP@1, clips/s, data-wait fraction) and
``ap/<class>`` per class. Images: ``augmented/clip`` shows frames of the first training clip after
augmentation (un-normalised) with each frame's target written on it, so what the model is asked
to predict can be checked by eye.

With ``--use_wandb`` the same scalars also go to Weights & Biases (:mod:`.wandb_logger`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.pixels import to_pixels

if TYPE_CHECKING:
    from dudek_dali.clips.batch import ClipBatch
    from dudek_dali.data.labels import LabelSet
    from dudek_dali.train.wandb_logger import WandbRun


class RunLogger:
    """A SummaryWriter for the main process; every method is a no-op elsewhere.

    ``wandb`` (main process, ``--use_wandb``) receives every scalar the writer gets.
    """

    def __init__(self, log_dir: Path | None, *, wandb: WandbRun | None = None) -> None:
        self.log_dir = log_dir
        self._writer = None
        self._wandb = wandb
        if log_dir is not None:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(log_dir=str(log_dir))

    def scalars(self, values: Mapping[str, float], step: int) -> None:
        if self._writer is None and self._wandb is None:
            return
        finite = {
            tag: float(value) for tag, value in values.items() if value is not None and np.isfinite(value)
        }
        if self._writer is not None:
            for tag, value in finite.items():
                self._writer.add_scalar(tag, value, step)
        if self._wandb is not None and finite:
            self._wandb.scalars(finite, step)

    def text(self, tag: str, text: str, step: int = 0) -> None:
        if self._writer is not None:
            self._writer.add_text(tag, text, step)

    def config(self, config: Mapping) -> None:
        self.text("config", "```\n" + json.dumps(dict(config), indent=2, default=str) + "\n```")

    def clip_frames(self, batch: ClipBatch, label_set: LabelSet, step: int, *, max_frames: int = 8) -> None:
        """The first clip of ``batch`` as a grid of frames, each captioned with its target."""
        if self._writer is None:
            return
        images = captioned_frames(batch, label_set, max_frames=max_frames)
        self._writer.add_images("augmented/clip", images, step, dataformats="NHWC")

    def flush(self) -> None:
        if self._writer is not None:
            self._writer.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._wandb is not None:
            self._wandb.finish()
            self._wandb = None


def frame_caption(class_index: int, displacement: float, label_set: LabelSet) -> str:
    if class_index == 0:
        return "background"
    label, team = label_set.decode(class_index)
    return f"{label}-{team.value} d={displacement:+.0f}"


def captioned_frames(batch: ClipBatch, label_set: LabelSet, *, max_frames: int = 8) -> np.ndarray:
    """(N, H, W, 3) uint8: up to ``max_frames`` frames of clip 0, labelled frames first, in time order."""
    from PIL import Image, ImageDraw

    classes = batch.classes[0].cpu().numpy()
    shifts = batch.displacement[0].cpu().numpy()
    labelled = np.flatnonzero(classes > 0)
    others = np.linspace(0, len(classes) - 1, num=max_frames).round().astype(int)
    chosen = sorted(set(labelled[:max_frames].tolist()) | set(others.tolist()))[:max_frames]
    pixels = to_pixels(batch.frames[0, chosen])
    out = []
    for image, index in zip(pixels, chosen, strict=True):
        canvas = Image.fromarray(np.ascontiguousarray(image))
        draw = ImageDraw.Draw(canvas)
        frame_number = int(batch.frame_numbers[0, index])
        text = f"#{frame_number} {frame_caption(int(classes[index]), float(shifts[index]), label_set)}"
        draw.rectangle((0, 0, canvas.width, 11), fill=(0, 0, 0))
        draw.text((2, 0), text, fill=(255, 255, 0))
        out.append(np.asarray(canvas))
    return np.stack(out)
