"""Whole-game inference: slide windows over every video of a game, post-process, list predictions.

The windows come from the whole-game reader of a resolved :class:`~dudek_dali.sources.Source`
(:func:`dudek_dali.sources.create_game_reader`: DALI, frame folders or PyAV; with ``auto``, the
first source of its chain that reads the game), which decodes each video once from front to back
(no re-seeking per window) and pads the tail window, so the whole game, its last frames included,
is covered. Scores are softmax probabilities over the ``2N + 1``
outputs; with ``flip_tta`` each window is also run mirrored and its team columns swapped back
before averaging. Post-processing (window averaging, displacement, soft-NMS) is numpy.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.game_reader import GameReaderConfig
from dudek_dali.data.games import Game
from dudek_dali.data.labels import LabelSet
from dudek_dali.errors import DatasetError
from dudek_dali.inference.tta import merge_flip_tta
from dudek_dali.sizes import Size
from dudek_dali.sources import AUTO, Source, as_source, create_game_reader
from dudek_dali.spotting.metric import SpottingScores, evaluate_spotting
from dudek_dali.spotting.pipeline import PostprocessConfig, postprocess_game
from dudek_dali.spotting.predictions import Prediction

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class InferenceConfig:
    """How windows are cut and scored. ``overlap`` trades time for smoother scores: 68 of 80
    (the seed's choice) scores every sampled frame ~7 times; 40 halves the work. ``outputs`` is the
    model's output layout (a label set without teams for E2E-Spot); None: the games' own,
    team-doubled. ``read_ahead``: :class:`~dudek_dali.clips.GameReaderConfig`'s."""

    clip_frames: int = 80
    stride: int = 2
    overlap: int = 68
    batch_size: int = 4
    size: Size = (224, 224)  # (height, width)
    flip_tta: bool = False
    postprocess: PostprocessConfig = field(default_factory=PostprocessConfig)
    outputs: LabelSet | None = None
    read_ahead: int | None = None  # batches read ahead in a thread (None: where a core is spare)

    def reader_config(self) -> GameReaderConfig:
        return GameReaderConfig(
            clip_frames=self.clip_frames, stride=self.stride, overlap=self.overlap,
            batch_size=self.batch_size, read_ahead=self.read_ahead,
        )  # fmt: skip


@dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate_model` computes: the scores and the predictions they were computed from."""

    scores: SpottingScores
    predictions: dict[str, list[Prediction]]


@dataclass(frozen=True)
class VideoScores:
    """Raw window outputs of one video, before post-processing."""

    half: int
    num_frames: int  # on the 25 fps grid the frame numbers count in
    scores: np.ndarray  # (W, T, 2N+1) probabilities
    displacement: np.ndarray  # (W, T) in clip frames
    frame_numbers: np.ndarray  # (W, T), -1 = padding
    source: str = ""  # the reader that decoded it
    decode_seconds: float = 0.0  # waiting for the reader (decode, resize, window assembly)
    model_seconds: float = 0.0  # the forward passes (with the copies to the model's device)


def score_game(
    model: torch.nn.Module, game: Game, *, config: InferenceConfig, source: Source | str = AUTO
) -> list[VideoScores]:
    """Run ``model`` (on the device its weights are on) on every window of every video of ``game``,
    read by the first source of ``source``'s chain that reads the game (a name is resolved on the
    model's device)."""
    import torch

    device = model_device(model)
    chosen = as_source(source, device=device, job="read").for_games([game])
    reader = create_game_reader(game, config.reader_config(), source=chosen, size=config.size)
    per_video: dict[int, list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]] = {}
    clocks: dict[int, dict[str, float]] = {}  # per video: decode and model seconds
    with reader, torch.inference_mode(), _autocast(device):
        batches = iter(reader)
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            waited = time.perf_counter() - started
            if batch is None:
                break
            started = time.perf_counter()
            frames = batch.frames.to(device, non_blocking=True)
            scores, displacement = _forward(model, frames)
            if config.flip_tta:
                flipped_scores, flipped_displacement = _forward(model, frames.flip(-1))
                scores = merge_flip_tta(scores, flipped_scores, label_set=config.outputs or game.label_set)
                displacement = (displacement + flipped_displacement) / 2
            # Kept on the device: one copy per video below, not a synchronising .cpu() per batch.
            video = _video_index(reader, batch)
            per_video.setdefault(video, []).append(
                (scores.float(), displacement.float(), batch.frame_numbers)
            )
            clock = clocks.setdefault(video, {"decode": 0.0, "model": 0.0})
            clock["decode"] += waited
            clock["model"] += time.perf_counter() - started
    return [
        _video_scores(game, reader, v, parts, chosen.name, clocks[v])
        for v, parts in sorted(per_video.items())
    ]


def _video_scores(game: Game, reader, video: int, parts: list, source: str, clock: dict) -> VideoScores:
    import torch

    started = time.perf_counter()
    scores, displacement, numbers = (torch.cat([p[i] for p in parts]).cpu().numpy() for i in range(3))
    return VideoScores(
        half=game.videos[video].half,
        num_frames=reader.videos[video].num_frames,
        scores=scores,
        displacement=displacement,
        frame_numbers=numbers,
        source=source,
        decode_seconds=clock["decode"],
        model_seconds=clock["model"] + time.perf_counter() - started,
    )


def predict_game(
    model: torch.nn.Module, game: Game, *, config: InferenceConfig, source: Source | str = AUTO
) -> list[Prediction]:
    """The game's predictions, positions counted from the start of their half's video."""
    predictions: list[Prediction] = []
    for video in score_game(model, game, config=config, source=source):
        found = postprocess_game(
            video.scores,
            video.displacement,
            video.frame_numbers,
            num_frames=video.num_frames,
            label_set=config.outputs or game.label_set,
            config=config.postprocess,
        )
        predictions += [_with_half(p, video.half) for p in found]
    return predictions


def predict_games(
    model: torch.nn.Module,
    games: Sequence[Game],
    *,
    config: InferenceConfig,
    source: Source | str = AUTO,
    progress: bool = True,
) -> dict[str, list[Prediction]]:
    """Predictions of every game, keyed by ``url_local`` (``<league>/<season>/<match>``); a source
    name is resolved once, on the model's device."""
    source = as_source(source, device=model_device(model), job="read")
    was_training = model.training
    model.eval()
    try:
        return {
            game.url_local: predict_game(model, game, config=config, source=source)
            for game in _progress(games, progress, "inference")
        }
    finally:
        model.train(was_training)


def evaluate_model(
    model: torch.nn.Module,
    games: Sequence[Game],
    config: InferenceConfig,
    *,
    source: Source | str = AUTO,
    progress: bool = True,
) -> Evaluation:
    """team-mAP@1 and mAP@1 of ``model`` on the labelled ``games`` (whole-game inference)."""
    labelled = [g for g in games if g.labels is not None]
    if not labelled:
        raise DatasetError("no labelled games to evaluate")
    predictions = predict_games(
        model, labelled, config=config, source=source, progress=progress
    )
    truth = {g.url_local: g.labels.annotations for g in labelled}
    return Evaluation(evaluate_spotting(truth, predictions, label_set=labelled[0].label_set), predictions)


def model_device(model: torch.nn.Module) -> torch.device:
    """The device ``model`` computes on: its first parameter's or buffer's (the CPU without any)."""
    import torch

    tensor = next(itertools.chain(model.parameters(), model.buffers()), None)
    return tensor.device if tensor is not None else torch.device("cpu")


def _forward(model: torch.nn.Module, frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    out = model(frames)
    return out.class_logits.float().softmax(-1), out.displacement.float()


def _autocast(device: torch.device):
    import torch

    # bf16 on the GPU like training; the CPU stays in fp32 (bf16 matmuls are slow on most CPUs).
    return torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else nullcontext()


def _video_index(reader, batch) -> int:
    path = batch.videos[0]
    return next(i for i, v in enumerate(reader.videos) if v.path == path)


def _with_half(prediction: Prediction, half: int) -> Prediction:
    from dataclasses import replace

    return prediction if prediction.half == half else replace(prediction, half=half)


def _progress(items: Sequence, enabled: bool, what: str) -> Iterable:
    if not enabled:
        return items
    from rich.progress import track

    return track(items, description=what, transient=True)
