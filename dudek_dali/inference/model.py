"""A trained model restored from a checkpoint, ready to spot: ``dudek_dali.load_model(...).spot(video)``.

Inference must cut windows the way the model was trained to see video: clip length, frame stride
and input size are part of the model's config, so they come with the weights. Both model families
load here (:mod:`dudek_dali.model.families`): T-DEED (team-doubled outputs and a displacement) and
E2E-Spot (no team); each is run on a whole game as its family is best run (window overlap, peak
suppression: :func:`~dudek_dali.model.families.inference_defaults`), and a model without teams
spots events without one rather than inventing it. Checkpoints written before T-DEED's config held
stride and input size still load: those two are then read from the training options stored
beside the weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dudek_dali.data.labels import LabelSet, label_set_named
from dudek_dali.model.checkpoint import read_checkpoint
from dudek_dali.model.families import (
    ModelConfig,
    checkpoint_config,
    create_model_from_checkpoint,
    family_of,
    has_teams,
    inference_defaults,
)

if TYPE_CHECKING:
    import torch

    from dudek_dali.inference.events import SpotConfig, Spotted
    from dudek_dali.inference.scoring import InferenceConfig
    from dudek_dali.sources import Source
    from dudek_dali.spotting.spotted import SpottedEvent


@dataclass(frozen=True)
class TrainedModel:
    """The network (eval mode, on ``device``), its config (how it reads video: clip length, stride,
    input size), its label set (without teams for a model whose outputs carry none), and where it
    came from."""

    net: torch.nn.Module
    config: ModelConfig
    label_set: LabelSet
    device: torch.device
    checkpoint: str = ""

    @property
    def family(self) -> str:
        return family_of(self.config)

    @property
    def clip_frames(self) -> int:
        return self.config.clip_frames

    @property
    def stride(self) -> int:
        return self.config.stride

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of the frames the model takes."""
        return tuple(self.config.input_size)  # type: ignore[return-value]

    def windows(
        self,
        *,
        overlap: int | None = None,
        batch_size: int = 4,
        flip_tta: bool = False,
        read_ahead: int | None = None,
    ) -> InferenceConfig:
        """Windows cut as the model was trained, scored and suppressed as its family is best run
        (``overlap`` default: T-DEED 85% of the clip, the seed's 68 of 80; E2E-Spot half, OSL's)."""
        from dudek_dali.inference.scoring import InferenceConfig
        from dudek_dali.spotting.pipeline import PostprocessConfig

        defaults = inference_defaults(self.config)
        suppression = PostprocessConfig(
            method=defaults["nms"], window=defaults["nms_window"], apply_displacement=defaults["displacement"]
        )
        return InferenceConfig(
            clip_frames=self.clip_frames,
            stride=self.stride,
            overlap=overlap if overlap is not None else defaults["overlap"],
            batch_size=batch_size,
            size=self.size,
            flip_tta=flip_tta,
            postprocess=suppression,
            outputs=self.label_set,
            read_ahead=read_ahead,
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
        is resolved on the model's device). A model without teams gives events whose team is None.
        """
        from dudek_dali.inference.events import SpotConfig
        from dudek_dali.sources import as_source

        config = SpotConfig(threshold=threshold, overlap=overlap, batch_size=batch_size)
        chosen = as_source(source, device=self.device, job="read")
        return self.spotted(video, config=config, source=chosen).events

    def spotted(self, video: Path | str, *, config: SpotConfig, source: Source) -> Spotted:
        """:meth:`spot`, with how the events were found (reader, times, frame rate)."""
        from dudek_dali.inference.events import spot_events

        windows = self.windows(
            overlap=config.overlap, batch_size=config.batch_size, read_ahead=config.read_ahead
        )
        return spot_events(
            video, self.net, windows=windows, label_set=self.label_set, threshold=config.threshold,
            source=source,
        )  # fmt: skip


def load_model(
    checkpoint: Path | str, *, device: str | torch.device | None = None, trust_pickle: bool = False
) -> TrainedModel:
    """The model a checkpoint holds (weights loaded whole, eval mode), on ``device`` (default auto:
    CUDA when visible). ``checkpoint`` is this project's ``.pt`` or Hub folder, ``hf://ORG/NAME``,
    dude-k's checkpoint or OpenSportsLab's E2E-Spot (converted on reading); ``trust_pickle`` loads
    a ``.pt`` that needs arbitrary Python objects (refused otherwise: it could run code)."""
    import torch

    from dudek_dali.devices import resolve_device

    device = device if isinstance(device, torch.device) else resolve_device(device or "auto")
    payload = read_checkpoint(checkpoint, kind="model", trust_pickle=trust_pickle)
    config = checkpoint_config(payload, checkpoint)
    net = create_model_from_checkpoint(payload, checkpoint)
    return TrainedModel(
        net=net.to(device).eval(),
        config=config,
        label_set=label_set_named(str(payload.get("label_set") or "bas"), teams=has_teams(config)),
        device=device,
        checkpoint=str(checkpoint),
    )
