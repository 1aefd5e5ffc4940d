"""T-DEED runs in reduced precision with plain torch ops: bf16 on CPU, fp16/bf16 on CUDA."""

from __future__ import annotations

import pytest
import torch

from dudek_dali.model import TDeedConfig, create_model
from dudek_dali.train.loss import tdeed_loss

# Small: oneDNN's bf16 convolutions are slow on CPU (several seconds for 16 frames of 32x32).
TINY = TDeedConfig(features_model_name="regnety_002", clip_frames=4, num_outputs=5, n_layers=1)


def _batch(device: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    frames = torch.randn(2, 4, 3, 32, 32, device=device)
    classes = torch.randint(0, 5, (2, 4), device=device)
    displacement = torch.randint(-2, 3, (2, 4), device=device).float()
    return frames, classes, displacement


def _autocast_step(device: str, dtype: torch.dtype) -> None:
    model = create_model(TINY).to(device).train()
    frames, classes, displacement = _batch(device)
    with torch.autocast(device, dtype=dtype):
        out = model(frames)
        loss = tdeed_loss(out.class_logits, out.displacement, classes, displacement)
    assert out.class_logits.dtype == dtype  # the heads really ran in reduced precision
    loss.total.backward()
    assert torch.isfinite(loss.total)
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert len(grads) == sum(1 for p in model.parameters() if p.requires_grad)
    assert all(torch.isfinite(g).all() for g in grads)
    assert model.class_head.weight.grad.abs().sum() > 0


def test_bf16_autocast_forward_and_backward_on_cpu() -> None:
    _autocast_step("cpu", torch.bfloat16)


def test_bf16_weights_match_fp32_on_cpu() -> None:
    model = create_model(TINY).eval()
    frames = _batch("cpu")[0]
    with torch.no_grad():
        reference = model(frames).class_logits
        low = model.to(torch.bfloat16)(frames.bfloat16()).class_logits
    assert low.dtype == torch.bfloat16
    torch.testing.assert_close(low.float(), reference, atol=0.1 * reference.abs().max().item(), rtol=0)


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.gpu
@cuda
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_autocast_forward_and_backward_on_cuda(dtype: torch.dtype) -> None:
    _autocast_step("cuda", dtype)


@pytest.mark.gpu
@cuda
def test_cuda_matches_cpu_in_fp32() -> None:
    model = create_model(TINY).eval()
    frames = _batch("cpu")[0]
    with torch.no_grad():
        expected = model(frames).class_logits
        got = model.cuda()(frames.cuda()).class_logits.cpu()
    # cuDNN may use TF32 for fp32 convolutions, hence a tolerance relative to the logits' scale.
    torch.testing.assert_close(got, expected, atol=0.02 * expected.abs().max().item(), rtol=0)
