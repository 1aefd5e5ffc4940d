"""Fixtures and helpers for the DALI pipeline tests: small synthetic datasets whose frames carry
their own index in their pixels, in both layouts, in match folders whose names contain spaces.

The datasets are made once per test session (a few seconds) and copied when a test damages files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from dudek_dali.data.games import Game, discover_games
from dudek_dali.data.synthetic import SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.pipelines.graph import IMAGENET_MEAN, IMAGENET_STD

# Keyframes every 60 frames: a clip starting mid-GOP must be decoded forward from a keyframe.
KEYFRAME_INTERVAL = 60


def _cuda() -> bool:
    return torch.cuda.is_available()


DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param(
        "gpu",
        id="gpu",
        marks=[pytest.mark.gpu, pytest.mark.skipif(not _cuda(), reason="needs a CUDA GPU")],
    ),
]


def synth(root: Path, **options) -> Path:
    config = SynthConfig(stamp_frame_index=True, keyframe_interval=KEYFRAME_INTERVAL, **options)
    synthesize_dataset(root, config, progress=False)
    return root


@pytest.fixture(scope="session")
def bas_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 BAS games of 300 frames (12 s) each, VP9, labelled."""
    return synth(tmp_path_factory.mktemp("bas") / "data", layout="bas", games=2, minutes=0.2)


@pytest.fixture(scope="session")
def broadcast_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1 broadcast game: two halves of 150 frames, VP9, labelled with the 17 action classes."""
    return synth(tmp_path_factory.mktemp("broadcast") / "data", layout="broadcast", games=1, minutes=0.2)


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
