"""tdeed_loss against a hand-written per-frame computation."""

from __future__ import annotations

import math

import pytest
import torch

from dudek_dali.train.loss import tdeed_loss


def _reference(
    logits, displacement, target, displacement_target, *, fg, ce_w, d_w
) -> tuple[float, float, float]:
    """Loops over frames; ``target`` is a list of per-frame probability lists."""
    b, t, c = logits.shape
    ce = 0.0
    for i in range(b):
        for j in range(t):
            row = [float(v) for v in logits[i, j]]
            log_z = math.log(sum(math.exp(v) for v in row))
            for k in range(c):
                weight = 1.0 if k == 0 else fg
                ce -= weight * float(target[i][j][k]) * (row[k] - log_z)
    ce /= b * t
    mse = sum(
        (float(displacement[i, j]) - float(displacement_target[i, j])) ** 2
        for i in range(b)
        for j in range(t)
    ) / (b * t)
    return ce_w * ce + d_w * mse, ce, mse


def _inputs(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, 6, 5, generator=g) * 3
    displacement = torch.randn(2, 6, generator=g)
    classes = torch.randint(0, 5, (2, 6), generator=g)
    classes[0, 0] = 0  # background and foreground both present
    classes[0, 1] = 3
    displacement_target = torch.randint(-4, 5, (2, 6), generator=g).float()
    return logits, displacement, classes, displacement_target


@pytest.mark.parametrize(("fg", "ce_w", "d_w"), [(5.0, 1.5, 1.0), (2.0, 0.7, 3.0)])
def test_index_targets_match_the_reference(fg: float, ce_w: float, d_w: float) -> None:
    logits, displacement, classes, displacement_target = _inputs()
    one_hot = [
        [[1.0 if k == int(classes[i, j]) else 0.0 for k in range(5)] for j in range(6)] for i in range(2)
    ]
    expected = _reference(logits, displacement, one_hot, displacement_target, fg=fg, ce_w=ce_w, d_w=d_w)
    got = tdeed_loss(
        logits,
        displacement,
        classes,
        displacement_target,
        foreground_weight=fg,
        ce_weight=ce_w,
        displacement_weight=d_w,
    )
    assert [float(v) for v in got] == pytest.approx(expected, rel=1e-5)


def test_soft_targets_match_the_reference() -> None:
    logits, displacement, _, displacement_target = _inputs(1)
    soft = torch.softmax(torch.randn(2, 6, 5, generator=torch.Generator().manual_seed(2)), dim=-1)
    expected = _reference(logits, displacement, soft.tolist(), displacement_target, fg=5.0, ce_w=1.5, d_w=1.0)
    got = tdeed_loss(logits, displacement, soft, displacement_target)
    assert [float(v) for v in got] == pytest.approx(expected, rel=1e-5)


def test_one_hot_and_index_targets_agree() -> None:
    logits, displacement, classes, displacement_target = _inputs(3)
    hard = tdeed_loss(logits, displacement, classes, displacement_target)
    soft = tdeed_loss(
        logits, displacement, torch.nn.functional.one_hot(classes, 5).float(), displacement_target
    )
    torch.testing.assert_close(torch.stack(list(hard)), torch.stack(list(soft)))


def test_gradient_flows_to_both_heads_and_low_precision_inputs_give_fp32() -> None:
    logits, displacement, classes, displacement_target = _inputs()
    logits = logits.bfloat16().requires_grad_()
    displacement = displacement.bfloat16().requires_grad_()
    loss = tdeed_loss(logits, displacement, classes, displacement_target)
    assert loss.total.dtype == torch.float32
    loss.total.backward()
    assert logits.grad.abs().sum() > 0 and displacement.grad.abs().sum() > 0


def test_shape_mismatches_are_named() -> None:
    logits, displacement, classes, displacement_target = _inputs()
    with pytest.raises(ValueError, match="class_target must be"):
        tdeed_loss(logits, displacement, torch.zeros(2, 6, 4), displacement_target)
    with pytest.raises(ValueError, match="index class_target must be int64"):
        tdeed_loss(logits, displacement, classes.int(), displacement_target)
    with pytest.raises(ValueError, match="displacement and its target must be"):
        tdeed_loss(logits, displacement[:, :5], classes, displacement_target)
