"""Training on a CUDA device with DALI decoding on the GPU (skipped without CUDA).

The same tiny run as on the CPU, with frames decoded by NVDEC straight into CUDA tensors and the
model under autocast: bf16 by default on CUDA, fp16 with a gradient scaler on request.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from train_fixtures import tiny_config

from dudek_dali.model import checkpoint as ckpt
from dudek_dali.train.api import train_model

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]


@pytest.mark.parametrize(("precision", "scaled"), [("auto", False), ("fp16", True)])
def test_gpu_decode_and_autocast(synth_bas: Path, tmp_path: Path, precision: str, scaled: bool) -> None:
    losses: list[float] = []
    config = tiny_config(
        synth_bas, tmp_path, source="dali-gpu", device="cuda", precision=precision,
        nr_epochs=2, enforce_train_epoch_size=4, checkpoint_every_steps=1,
    )  # fmt: skip
    run = train_model(config, on_step=lambda run, record: losses.append(record.loss))
    assert run.device.type == "cuda"
    assert run.autocast_dtype == (torch.float16 if scaled else torch.bfloat16)
    assert len(losses) == 4 and all(math.isfinite(loss) for loss in losses)
    saved = ckpt.read_checkpoint(tmp_path / "model.last.pt", kind="training")
    assert (saved["scaler"] is not None) == scaled
    assert all(t.device.type == "cpu" for t in saved["model"].values())
