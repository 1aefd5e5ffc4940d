"""A trained model restored from a checkpoint, ready to spot: ``dudek_dali.load_model(...).spot(video)``.

Inference must cut windows the way the model was trained to see video: clip length, frame stride
and input size are part of the model's config (:class:`~dudek_dali.model.TDeedConfig`), so they
come with the weights. Checkpoints written before the config held stride and input size still
load: those two are then read from the training options stored beside the weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dudek_dali.data.labels import LabelSet, label_set_named
from dudek_dali.errors import CheckpointError
from dudek_dali.model.checkpoint import read_checkpoint
from dudek_dali.model.config import TDeedConfig

if TYPE_CHECKING:
    import torch

    from dudek_dali.inference.events import SpotConfig, Spotted
    from dudek_dali.inference.scoring import InferenceConfig
    from dudek_dali.sources import Source
    from dudek_dali.spotting.spotted import SpottedEvent

DEFAULT_OVERLAP = 0.85  # of the clip: the seed's 68 of 80


@dataclass(frozen=True)
class TrainedModel:
    """The network (eval mode, on ``device``), its config (how it reads video: clip length, stride,
    input size), its label set, and where it came from."""

    net: torch.nn.Module
    config: TDeedConfig
    label_set: LabelSet
    device: torch.device
    checkpoint: str = ""

    @property
    def clip_frames(self) -> int:
        return self.config.clip_frames

    @property
    def stride(self) -> int:
        return self.config.stride

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of the frames the model takes."""
        return self.config.input_size

    def windows(
        self, *, overlap: int | None = None, batch_size: int = 4, flip_tta: bool = False
    ) -> InferenceConfig:
        """Windows cut as the model was trained; ``overlap`` defaults to 85% of the clip (68 of 80)."""
        from dudek_dali.inference.scoring import InferenceConfig

        return InferenceConfig(
            clip_frames=self.clip_frames,
            stride=self.stride,
            overlap=overlap if overlap is not None else round(self.clip_frames * DEFAULT_OVERLAP),
            batch_size=batch_size,
            size=self.size,
            flip_tta=flip_tta,
        )

    def spot(
        self,
        video: Path | str,
        *,
        threshold: float = 0.2,
        source: Source | str = "auto",
        overlap: int | None = None,
        batch_size: int = 4,
    ) -> list[SpottedEvent]:
        """The events in ``video`` (any container, codec and frame rate FFmpeg reads), in the
        video's own time and frame numbers, in time order; nothing is written.

        ``threshold`` is the lowest confidence listed; ``source`` where frames come from (a name
        is resolved on the model's device).
        """
        from dudek_dali.inference.events import SpotConfig
        from dudek_dali.sources import as_source

        config = SpotConfig(threshold=threshold, overlap=overlap, batch_size=batch_size)
        chosen = as_source(source, device=self.device, job="read")
        return self.spotted(video, config=config, source=chosen).events

    def spotted(self, video: Path | str, *, config: SpotConfig, source: Source) -> Spotted:
        """:meth:`spot`, with how the events were found (reader, times, frame rate)."""
        from dudek_dali.inference.events import spot_events

        windows = self.windows(overlap=config.overlap, batch_size=config.batch_size)
        return spot_events(
            video, self.net, windows=windows, label_set=self.label_set, threshold=config.threshold,
            source=source,
        )  # fmt: skip


def load_model(checkpoint: Path | str, *, device: str | torch.device | None = None) -> TrainedModel:
    """The model a checkpoint holds (weights loaded whole, eval mode), on ``device`` (default auto:
    CUDA when visible). Accepts this project's checkpoints and dude-k's (converted on reading)."""
    import torch

    from dudek_dali.devices import resolve_device
    from dudek_dali.model.tdeed import create_model
    from dudek_dali.model.weights import load_weights

    device = device if isinstance(device, torch.device) else resolve_device(device or "auto")
    payload = read_checkpoint(checkpoint, kind="model")
    config = model_config_of(payload, checkpoint)
    net = create_model(config)
    load_weights(net, payload["model"], mode="whole")
    return TrainedModel(
        net=net.to(device).eval(),
        config=config,
        label_set=label_set_named(str(payload.get("label_set") or "bas")),
        device=device,
        checkpoint=str(checkpoint),
    )


def model_config_of(payload: Mapping[str, Any], checkpoint: Path | str) -> TDeedConfig:
    """The model config a checkpoint payload holds (``pretrained`` off: the weights come from the file)."""
    stored = payload.get("model_config")
    if not stored:
        raise CheckpointError(
            f"{checkpoint}: holds bare weights without their T-DEED config; use a dudek checkpoint"
        )
    values = dict(stored)
    train = payload.get("train_config") or {}
    # Written before the model's config held them: the training options stored beside the weights.
    values.setdefault("stride", int(train.get("stride", 2)))
    values.setdefault("input_size", tuple(train.get("input_size", (224, 224))))
    return TDeedConfig.from_dict({**values, "pretrained": False})
