"""Helpers for the loader tests: devices and sources, loaders and readers from flat options, and
reading the frame index stamped into delivered pixels. The datasets themselves are fixtures in
``conftest.py``; tests copy them when they damage files.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import KEYFRAME_INTERVAL, synth  # noqa: F401  (re-exported for the tests)

from dudek_dali.clips import GameReaderConfig, SamplingConfig
from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD
from dudek_dali.data.games import Game, discover_games
from dudek_dali.data.synthetic import read_frame_index
from dudek_dali.pipelines import DaliGameReader, create_dali_loader
from dudek_dali.torchcodec import torchcodec_status


def _cuda() -> bool:
    return torch.cuda.is_available()


# Where the loaders deliver (a torch device): the CPU decodes with DALI's CPU backend, CUDA with NVDEC.
DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param(
        "cuda",
        id="gpu",
        marks=[pytest.mark.gpu, pytest.mark.skipif(not _cuda(), reason="needs a CUDA GPU")],
    ),
]


_TORCHCODEC = torchcodec_status(cuda=False)
_NO_TORCHCODEC = f"torchcodec cannot decode here: {_TORCHCODEC.problem}"
# torchcodec decoding on the CPU (FFmpeg) and on the GPU (NVDEC); batches land where it decodes.
TORCHCODEC = [
    pytest.param(
        "torchcodec-cpu",
        id="torchcodec-cpu",
        marks=pytest.mark.skipif(not _TORCHCODEC.available, reason=_NO_TORCHCODEC),
    ),
    pytest.param(
        "torchcodec-gpu",
        id="torchcodec-gpu",
        marks=[
            pytest.mark.gpu,
            pytest.mark.skipif(not _cuda(), reason="needs a CUDA GPU"),
            pytest.mark.skipif(not _TORCHCODEC.available, reason=_NO_TORCHCODEC),
        ],
    ),
]
# The readers that sample by time (any frame rate): PyAV and torchcodec.
TIME_READERS = [pytest.param("pyav", id="pyav"), *TORCHCODEC]


def delivered_on(source: str) -> str:
    """The torch device type a source's batches land on (DALI's are its device, :data:`DEVICES`)."""
    return "cuda" if source in ("cuda", "torchcodec-gpu") else "cpu"


_SAMPLING = {f.name for f in dataclasses.fields(SamplingConfig)}


def split_options(options: dict) -> tuple[SamplingConfig, dict]:
    """Flat test options -> (the SamplingConfig they describe, the loader's own options).

    ``enforce_epoch_size`` is the seed's name of ``SamplingConfig.epoch_size``.
    """
    options = dict(options)
    if "enforce_epoch_size" in options:
        options["epoch_size"] = options.pop("enforce_epoch_size")
    sampling = SamplingConfig(**{k: options.pop(k) for k in list(options) if k in _SAMPLING})
    return sampling, options


def dali_loader(games, device: str = "cpu", **options):
    """``create_dali_loader`` from flat options (sampling fields and loader fields mixed)."""
    sampling, rest = split_options(options)
    return create_dali_loader(games, sampling, device=device, **rest)


def torchcodec_loader(games, source: str = "torchcodec-cpu", **options):
    """``create_torchcodec_loader`` from flat options, decoding where ``source`` says."""
    from dudek_dali.torchcodec import create_torchcodec_loader

    sampling, rest = split_options(options)
    return create_torchcodec_loader(games, sampling, device=delivered_on(source), **rest)


def clip_loader(games, source: str, **options):
    """The clip loader of ``source``: DALI's on "cpu" / "cuda" (:data:`DEVICES`) or torchcodec's."""
    if source.startswith("torchcodec"):
        return torchcodec_loader(games, source, **options)
    return dali_loader(games, source, **options)


def game_reader(game: Game, config: GameReaderConfig, source: str):
    """The whole-game reader of ``source``: DALI's on "cpu" / "cuda", "pyav", or torchcodec's."""
    if source == "pyav":
        from dudek_dali.pyav import PyAVGameReader

        return PyAVGameReader(game, config)
    if source.startswith("torchcodec"):
        from dudek_dali.torchcodec import TorchcodecGameReader

        return TorchcodecGameReader(game, config, device=delivered_on(source))
    return DaliGameReader(game, config, device=source)


def frame_loader(games, **options):
    """``create_frame_loader`` from flat options (sampling fields and loader fields mixed)."""
    from dudek_dali.frames import create_frame_loader

    sampling, rest = split_options(options)
    return create_frame_loader(games, sampling, **rest)


def games_of(root: Path, layout: str = "bas", resolution: int = 224) -> list[Game]:
    found = discover_games(root, layout=layout, resolution=resolution)
    found.raise_for_problems()
    assert found.games, f"no games under {root}"
    return found.games


def labelled(games: list[Game]) -> list[Game]:
    return [g for g in games if g.is_labelled]


def copy_dataset(root: Path, dest: Path) -> Path:
    shutil.copytree(root, dest)
    return dest


def unnormalise(frame_chw: torch.Tensor) -> np.ndarray:
    """A delivered (C, H, W) ImageNet-normalised frame back to (H, W, C) 0..255 pixels."""
    pixels = frame_chw.detach().cpu().permute(1, 2, 0).numpy().astype(np.float64)
    return pixels * np.array(IMAGENET_STD) * 255 + np.array(IMAGENET_MEAN) * 255


def stamped_indices(clip_tchw: torch.Tensor) -> list[int]:
    """The frame index stamped into the pixels of every frame of a delivered clip."""
    return [read_frame_index(unnormalise(frame)) for frame in clip_tchw]
