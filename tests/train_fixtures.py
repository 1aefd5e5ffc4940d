"""Tiny training options for the trainer tests, by the command line's option names (the
datasets are ``conftest.py``'s ``synth_bas`` and ``synth_broadcast``): regnety_002 on 8-frame
clips of 64x64 trains a step in well under a second on a 2-core CPU.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dudek_dali.cli.train_options import TRAIN_OPTIONS, train_config
from dudek_dali.model.checkpoint import FORMAT, write_checkpoint
from dudek_dali.model.config import TDeedConfig
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
    "source": "dali-cpu",
    "device": "cpu",
    "progress": False,
    "eval_metric": "loss",
}


def tiny_config(root: Path, out: Path, *, command: str = "train", **overrides: Any) -> TrainConfig:
    """A tiny run writing its checkpoint and logs under ``out``."""
    offered = {o.name for o in TRAIN_OPTIONS if command in o.commands}
    tiny = {k: v for k, v in TINY.items() if k in offered}  # train-challenge has no validation options
    options = {**tiny, "save_as": out / "model.pt", "log_dir": out / "runs", **overrides}
    return train_config(command, {"dataset_path": root, **options})


def random_checkpoint(path: Path) -> Path:
    """A real (random-weights) regnety_002 T-DEED checkpoint of 8-frame 64x64 clips, as dudek train
    writes one."""
    import torch

    from dudek_dali.model.tdeed import create_model

    config = TDeedConfig(
        features_model_name="regnety_002", temporal_shift_mode="none", clip_frames=8, input_size=(64, 64)
    )
    torch.manual_seed(0)
    net = create_model(config)
    payload = {
        "format": FORMAT, "kind": "model", "model": net.state_dict(), "model_config": config.to_dict(),
        "label_set": "bas", "epoch": 0, "metric": {},
    }  # fmt: skip
    return write_checkpoint(path, payload)
