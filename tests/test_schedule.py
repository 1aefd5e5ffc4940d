"""Warm-up + cosine schedule that settles at its floor, and the AdamW parameter groups."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
import torch
from torch import nn

from dudek_dali.model import TDeedConfig, create_model
from dudek_dali.train.schedule import create_optimizer, create_scheduler, lr_factor

WARMUP, TOTAL = 10, 50


@pytest.mark.parametrize("floor", [0.0, 0.05])
def test_factor_at_the_landmarks(floor: float) -> None:
    def f(step: int) -> float:
        return lr_factor(step, warmup_steps=WARMUP, total_steps=TOTAL, min_lr_ratio=floor)

    assert f(0) == 0.0
    assert f(WARMUP // 2) == pytest.approx(0.5)
    assert f(WARMUP) == 1.0
    assert f((WARMUP + TOTAL) // 2) == pytest.approx(floor + (1 - floor) / 2)  # cosine midpoint
    assert f(TOTAL) == floor
    assert f(TOTAL + 1) == floor and f(10 * TOTAL) == floor


def test_factor_rises_in_warm_up_then_never_rises_again() -> None:
    values = [
        lr_factor(s, warmup_steps=WARMUP, total_steps=TOTAL, min_lr_ratio=0.1) for s in range(3 * TOTAL)
    ]
    warm, decay = values[: WARMUP + 1], values[WARMUP:]
    assert all(a < b for a, b in pairwise(warm))
    assert all(a >= b for a, b in pairwise(decay))
    assert all(a > b for a, b in pairwise(decay[: TOTAL - WARMUP + 1]))


def test_no_warm_up_starts_at_the_peak() -> None:
    assert lr_factor(0, warmup_steps=0, total_steps=TOTAL) == 1.0


def test_scheduler_drives_the_optimizer() -> None:
    param = nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=0.4)
    scheduler = create_scheduler(optimizer, warmup_steps=WARMUP, total_steps=TOTAL, min_lr_ratio=0.25)
    seen = []
    for _ in range(TOTAL + 5):
        seen.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert max(seen) == pytest.approx(0.4)
    assert seen[WARMUP] == pytest.approx(0.4)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1)  # floor after the last step
    assert seen[TOTAL:] == pytest.approx([0.1] * 5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"warmup_steps": 50, "total_steps": 50}, "warmup_steps must lie in"),
        ({"warmup_steps": 0, "total_steps": 0}, "total_steps must be >= 1"),
        ({"warmup_steps": 0, "total_steps": 5, "min_lr_ratio": 1.5}, "min_lr_ratio must lie in"),
    ],
)
def test_bad_schedules_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lr_factor(0, **kwargs)


def test_optimizer_skips_decay_on_biases_norms_and_positional_encoding() -> None:
    model = create_model(TDeedConfig(features_model_name="regnety_002", clip_frames=4, n_layers=1))
    model.backbone.features.stem.requires_grad_(False)
    optimizer = create_optimizer(model, lr=1e-3)
    assert isinstance(optimizer, torch.optim.AdamW)
    decay_of = {id(p): g["weight_decay"] for g in optimizer.param_groups for p in g["params"]}
    names = dict(model.named_parameters())
    assert decay_of[id(names["class_head.weight"])] == 0.01
    assert decay_of[id(names["class_head.bias"])] == 0.0
    assert decay_of[id(names["pos_encoding"])] == 0.0
    assert decay_of[id(names["temporal.bottleneck.norm.weight"])] == 0.0
    assert id(names["backbone.features.stem.conv.weight"]) not in decay_of  # frozen
    assert len(decay_of) == sum(p.requires_grad for p in model.parameters())
    assert math.isclose(optimizer.param_groups[0]["lr"], 1e-3)


def test_warm_up_can_start_above_zero_as_dudek_does() -> None:
    def f(step: int) -> float:
        return lr_factor(step, warmup_steps=WARMUP, total_steps=TOTAL, warmup_start_factor=0.01)

    assert f(0) == pytest.approx(0.01)  # torch's LinearLR(start_factor=0.01), dude-k's warm-up
    assert f(WARMUP // 2) == pytest.approx(0.01 + 0.99 / 2)
    assert f(WARMUP) == 1.0
    reference = torch.optim.lr_scheduler.LinearLR(
        torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), start_factor=0.01, total_iters=WARMUP
    )
    for step in range(WARMUP):
        assert f(step) == pytest.approx(reference.get_last_lr()[0])
        reference.optimizer.step()
        reference.step()
    with pytest.raises(ValueError, match="warmup_start_factor"):
        lr_factor(0, warmup_steps=WARMUP, total_steps=TOTAL, warmup_start_factor=1.5)
