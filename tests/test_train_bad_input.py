"""Bad input stops a run in ``setup``, before any training, with a one-line error naming the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from train_fixtures import tiny_config

from dudek_dali.errors import CheckpointError, DatasetError, DudekError
from dudek_dali.model import TDeedConfig, create_model
from dudek_dali.model import checkpoint as ckpt
from dudek_dali.train.setup import setup


def tiny_model_checkpoint(path: Path, *, kind: str = "model", **model_options) -> Path:
    """A checkpoint as the trainer writes it, of a tiny T-DEED with ``model_options``."""
    config = TDeedConfig(features_model_name="regnety_002", clip_frames=8, **model_options)
    model = create_model(config)
    payload = {
        "format": ckpt.FORMAT,
        "kind": kind,
        "model": model.state_dict(),
        "model_config": config.to_dict(),
    }
    return ckpt.write_checkpoint(path, payload)


def assert_fails_before_training(error: pytest.ExceptionInfo, out: Path, *needles: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    # Nothing was written: no checkpoint, no TensorBoard folder.
    assert not out.exists() or not any(out.iterdir())


def test_missing_checkpoint(synth_bas: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no such.pt"
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", model_checkpoint_path=missing))
    assert_fails_before_training(error, tmp_path / "out", str(missing), "not found")


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all", b"PK\x03\x04 truncated zip"])
def test_corrupt_checkpoint(synth_bas: Path, tmp_path: Path, content: bytes) -> None:
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(content)
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", model_checkpoint_path=corrupt))
    assert_fails_before_training(error, tmp_path / "out", str(corrupt), "not a readable checkpoint")


def test_truncated_real_checkpoint(synth_bas: Path, tmp_path: Path) -> None:
    whole = tiny_model_checkpoint(tmp_path / "whole.pt")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", model_checkpoint_path=truncated))
    assert_fails_before_training(error, tmp_path / "out", str(truncated))


def test_checkpoint_of_another_architecture(synth_bas: Path, tmp_path: Path) -> None:
    other = tiny_model_checkpoint(tmp_path / "one level.pt", n_layers=1)
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", model_checkpoint_path=other))
    assert_fails_before_training(error, tmp_path / "out", str(other), "n_layers=1")


def test_bare_state_dict_of_another_architecture(synth_bas: Path, tmp_path: Path) -> None:
    # The seed saved plain state dicts: no config to compare, so the weight loader names the mismatch.
    model = create_model(TDeedConfig(features_model_name="regnety_002", clip_frames=8, n_layers=1))
    bare = tmp_path / "seed style.pt"
    torch.save(model.state_dict(), bare)
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", model_checkpoint_path=bare))
    assert_fails_before_training(error, tmp_path / "out", str(bare), "missing")


def test_resume_from_checkpoint_of_another_class_count(synth_bas: Path, tmp_path: Path) -> None:
    # A pretraining state (35 outputs) cannot be resumed as a BAS run (25 outputs).
    other = tiny_model_checkpoint(tmp_path / "pretrain.last.pt", kind="training", num_outputs=35)
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", resume=other))
    assert_fails_before_training(error, tmp_path / "out", str(other), "num_outputs=35", "25")


def test_resume_from_a_model_only_checkpoint(synth_bas: Path, tmp_path: Path) -> None:
    model_only = tiny_model_checkpoint(tmp_path / "best.pt")
    with pytest.raises(CheckpointError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", resume=model_only))
    assert_fails_before_training(error, tmp_path / "out", str(model_only), "last.pt")


def test_empty_training_set(synth_bas: Path, tmp_path: Path) -> None:
    root = shutil.copytree(synth_bas, tmp_path / "unlabelled")
    for labels in root.rglob("Labels-ball.json"):
        labels.unlink()  # every game now looks like a challenge game
    with pytest.raises(DatasetError) as error:
        setup(tiny_config(root, tmp_path / "out"))
    assert_fails_before_training(error, tmp_path / "out", str(root), "no labelled bas games")


def test_official_split_without_validation_game(synth_bas: Path, tmp_path: Path) -> None:
    root = shutil.copytree(synth_bas, tmp_path / "no valid")
    shutil.rmtree(next(root.rglob("*Middlesbrough*")))
    with pytest.raises(DatasetError) as error:
        setup(tiny_config(root, tmp_path / "out"))
    assert_fails_before_training(error, tmp_path / "out", "no validation game", "--split random")


def test_clip_longer_than_every_video(synth_bas: Path, tmp_path: Path) -> None:
    # 61 frames at stride 2 span 121 video frames; the synthetic videos have 120.
    with pytest.raises(DatasetError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", clip_frames_count=61))
    assert_fails_before_training(error, tmp_path / "out", "121 video frames", "longest: 120 frames")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_decode_on_gpu_without_cuda(synth_bas: Path, tmp_path: Path) -> None:
    with pytest.raises(DudekError) as error:
        setup(tiny_config(synth_bas, tmp_path / "out", source="dali-gpu", device="auto"))
    needles = ("--source dali-gpu decodes on the GPU", "no CUDA device")
    assert_fails_before_training(error, tmp_path / "out", *needles)
