"""ModelEma averages float weights and buffers and copies integer ones."""

from __future__ import annotations

import torch
from torch import nn

from dudek_dali.train.ema import ModelEma


def _net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))


def test_update_is_an_exponential_average() -> None:
    model = _net()
    ema = ModelEma(model, decay=0.9)
    start = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    model(torch.randn(8, 3))  # moves the BatchNorm statistics and its counter
    with torch.no_grad():
        model[0].weight.add_(1.0)
    ema.update(model)
    now = model.state_dict()
    for name, value in ema.state_dict().items():
        if value.is_floating_point():
            torch.testing.assert_close(value, 0.9 * start[name] + 0.1 * now[name])
        else:
            assert torch.equal(value, now[name]) and not torch.equal(value, start[name])


def test_average_is_detached_and_round_trips() -> None:
    model = _net()
    ema = ModelEma(model, decay=0.5)
    assert not any(p.requires_grad for p in ema.module.parameters())
    assert not ema.module.training
    with torch.no_grad():
        model[0].bias.fill_(2.0)
    ema.update(model)
    other = ModelEma(_net(), decay=0.5)
    other.load_state_dict(ema.state_dict())
    torch.testing.assert_close(other.module[0].bias, ema.module[0].bias)
    assert not torch.equal(ema.module[0].bias, model[0].bias)


def test_update_reads_no_state_dict_and_launches_fused_kernels(monkeypatch) -> None:
    """One fused lerp over every float tensor per step, not a state_dict and a kernel per tensor."""
    model = _net()
    ema = ModelEma(model, decay=0.9)
    ema.update(model)  # pairs the tensors once
    calls = []
    monkeypatch.setattr(nn.Module, "state_dict", lambda *a, **k: calls.append("state_dict") or {})
    real_lerp = torch._foreach_lerp_
    monkeypatch.setattr(torch, "_foreach_lerp_", lambda *a: calls.append("lerp") or real_lerp(*a))
    monkeypatch.setattr(torch.Tensor, "lerp_", lambda *a, **k: calls.append("per-tensor lerp"))
    before = ema.module[0].weight.clone()
    with torch.no_grad():
        model[0].weight.add_(1.0)
    ema.update(model)
    assert calls == ["lerp"]
    torch.testing.assert_close(ema.module[0].weight, 0.9 * before + 0.1 * model[0].weight)
