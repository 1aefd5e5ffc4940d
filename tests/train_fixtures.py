"""Fixtures for the trainer tests: a small synthetic SN-BAS-2025 dataset and tiny training options.

The dataset holds the first two official match folders (train, valid; names with spaces),
4.8 s of VP9 video each, made once per test session: with 8-frame clips at stride 2 and no
overlap a game has 7 windows, so an epoch can cover all of them. The options give a model that
trains a step in well under a second on a 2-core CPU: regnety_002 on 8-frame clips of 64x64.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.train.config import TrainConfig

TINY: dict[str, Any] = {
    "features_model_name": "regnety_002",
    "pretrained": False,
    "clip_frames_count": 8,
    "input_size": (64, 64),
    "train_batch_size": 2,
    "val_batch_size": 2,
    "enforce_val_epoch_size": 2,
    "num_threads": 1,
    "video_source": "dali-cpu",
    "device": "cpu",
    "progress": False,
    "eval_metric": "loss",
}


_DATASETS: dict[str, Path] = {}


def synth_bas_dataset(factory: pytest.TempPathFactory) -> Path:
    """Official train + valid games of 120 frames (4.8 s) with two events each; made once per session.

    Test modules wrap it in their own session fixture (``synth_bas``).
    """
    if "bas" not in _DATASETS:
        root = factory.mktemp("train-synth") / "sn bas 2025"  # a space in the root too
        config = SynthConfig(layout="bas", games=2, minutes=0.08, events_per_minute=30, seed=0)
        synthesize_dataset(root, config, progress=False)
        _DATASETS["bas"] = root
    return _DATASETS["bas"]


def synth_broadcast_dataset(factory: pytest.TempPathFactory) -> Path:
    """Two broadcast games (halves of 120 frames, 17 action classes); made once per session."""
    if "broadcast" not in _DATASETS:
        root = factory.mktemp("train-synth") / "broadcast videos"
        config = SynthConfig(layout="broadcast", games=2, minutes=0.16, events_per_minute=30, seed=0)
        synthesize_dataset(root, config, progress=False)
        _DATASETS["broadcast"] = root
    return _DATASETS["broadcast"]


def tiny_config(root: Path, out: Path, *, command: str = "train", **overrides: Any) -> TrainConfig:
    """A tiny run writing its checkpoint and logs under ``out``."""
    options = {**TINY, "save_as": out / "model.pt", "log_dir": out / "runs", **overrides}
    if command == "train-challenge":
        options = {k: v for k, v in options.items() if k not in ("enforce_val_epoch_size", "eval_metric")}
    return TrainConfig.for_command(command, dataset_path=root, **options)
