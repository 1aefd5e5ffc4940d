"""End to end: a tiny T-DEED overfits one batch with the project's loss, optimizer and schedule."""

from __future__ import annotations

import pytest
import torch

from dudek_dali.model import TDeedConfig, create_model
from dudek_dali.train.loss import tdeed_loss
from dudek_dali.train.schedule import create_optimizer, create_scheduler

STEPS = 30


@pytest.mark.slow  # 30 optimizer steps of a 8M-parameter model: ~20 s or more on 2 busy cores
def test_loss_falls_when_overfitting_one_batch() -> None:
    torch.manual_seed(0)
    config = TDeedConfig(features_model_name="regnety_002", clip_frames=8, num_outputs=5, n_layers=1)
    model = create_model(config).train()
    frames = torch.randn(1, 8, 3, 16, 16)
    classes = torch.zeros(1, 8, dtype=torch.long)
    classes[0, 1:4], classes[0, 5:8] = 3, 1  # two events, each labelling 3 frames
    displacement = torch.zeros(1, 8)
    displacement[0, 1:4] = displacement[0, 5:8] = torch.tensor([1.0, 0.0, -1.0])
    optimizer = create_optimizer(model, lr=1e-3)
    scheduler = create_scheduler(optimizer, warmup_steps=3, total_steps=STEPS)
    losses = []
    for _ in range(STEPS):
        out = model(frames)
        loss = tdeed_loss(out.class_logits, out.displacement, classes, displacement)
        optimizer.zero_grad()
        loss.total.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.total.item())
    assert losses[-1] < 0.25 * losses[0], losses
    model.eval()
    with torch.no_grad():
        predicted = model(frames).class_logits.argmax(dim=-1)
    assert (predicted == classes).float().mean() >= 0.9
