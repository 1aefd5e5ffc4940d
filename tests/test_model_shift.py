"""Gated temporal shift (GSM/GSF): it mixes neighbouring frames of a clip, never across clips."""

from __future__ import annotations

import pytest
import timm
import torch
from torch import nn

from dudek_dali.model import TDeedConfig, create_model
from dudek_dali.model.backbone import insert_temporal_shift
from dudek_dali.model.gate_shift import GateShift, GateShiftFuse

CLIP = 12
CHANNELS = 16


def _randomised(layer: nn.Module) -> nn.Module:
    """Open the gates: the zero-initialised gate conv would make GSM an identity."""
    torch.manual_seed(0)
    for module in layer.modules():
        if isinstance(module, GateShift):
            nn.init.normal_(module.gate_conv.weight, 0.0, 0.5)
    return layer.eval()


def _perturbed(x: torch.Tensor, frame: int) -> torch.Tensor:
    y = x.clone()
    y[frame] += torch.randn_like(y[frame])
    return y


@pytest.mark.parametrize("layer_type", [GateShift, GateShiftFuse])
def test_shift_reaches_neighbours_only_within_the_clip(layer_type: type[GateShift]) -> None:
    layer = _randomised(layer_type(nn.Identity(), channels=CHANNELS, clip_len=CLIP))
    x = torch.randn(2 * CLIP, CHANNELS, 4, 4)
    t = 6
    with torch.no_grad():
        base, moved = layer(x), layer(_perturbed(x, t))
    changed = (moved - base).abs().amax(dim=(1, 2, 3))
    assert changed[t - 1] > 1e-4 and changed[t + 1] > 1e-4
    # One frame of shift plus 3-wide convolutions: nothing further than 3 frames away moves.
    assert torch.all(changed[: t - 3] == 0) and torch.all(changed[t + 4 : CLIP] == 0)
    assert torch.all(changed[CLIP:] == 0), "the second clip saw the first"


@pytest.mark.parametrize("layer_type", [GateShift, GateShiftFuse])
def test_shift_acts_on_a_quarter_of_the_channels(layer_type: type[GateShift]) -> None:
    layer = _randomised(layer_type(nn.Identity(), channels=CHANNELS, clip_len=CLIP))
    x = torch.randn(CLIP, CHANNELS, 3, 3)
    with torch.no_grad():
        out = layer(x)
    assert out.shape == x.shape
    assert layer.fold == CHANNELS // 4
    torch.testing.assert_close(out[:, layer.fold :], x[:, layer.fold :], rtol=0, atol=0)
    assert not torch.allclose(out[:, : layer.fold], x[:, : layer.fold])


def test_fresh_gsm_is_the_identity() -> None:
    layer = GateShift(nn.Identity(), channels=CHANNELS, clip_len=CLIP).eval()
    x = torch.randn(CLIP, CHANNELS, 3, 3)
    with torch.no_grad():
        torch.testing.assert_close(layer(x), x)


def test_gate_learns_from_zero() -> None:
    layer = GateShiftFuse(nn.Conv2d(CHANNELS, 8, 1), channels=CHANNELS, clip_len=CLIP)
    layer(torch.randn(CLIP, CHANNELS, 3, 3)).square().mean().backward()
    assert layer.gate_conv.weight.grad.abs().sum() > 0


def test_shift_needs_whole_clips() -> None:
    layer = GateShift(nn.Identity(), channels=CHANNELS, clip_len=CLIP)
    with pytest.raises(ValueError, match="whole clips of 12 frames"):
        layer(torch.randn(CLIP + 1, CHANNELS, 2, 2))


def test_shift_wraps_conv1_of_every_block_in_the_last_two_stages() -> None:
    model = timm.create_model("regnety_002", pretrained=False, num_classes=0)
    expected = len(list(model.s3.children())) + len(list(model.s4.children()))
    assert insert_temporal_shift(model, mode="gsf", clip_len=CLIP) == expected
    for stage, wrapped in ((model.s1, False), (model.s2, False), (model.s3, True), (model.s4, True)):
        for block in stage.children():
            assert isinstance(block.conv1, GateShiftFuse) is wrapped


def test_shift_refuses_a_backbone_without_conv1_blocks() -> None:
    model = timm.create_model("efficientnet_b0", pretrained=False, num_classes=0)
    with pytest.raises(ValueError, match="temporal_shift_mode='none'"):
        insert_temporal_shift(model, mode="gsm", clip_len=CLIP)


@pytest.mark.parametrize("mode", ["gsm", "gsf", "none"])
def test_backbone_mixes_time_only_through_the_shift(mode: str) -> None:
    frames = 6
    model = create_model(
        TDeedConfig(features_model_name="regnety_002", temporal_shift_mode=mode, clip_frames=frames)
    )
    backbone = _randomised(model.backbone)
    # timm zero-initialises each block's last BatchNorm scale, which would hide the residual
    # branch (and the shift in it) until the first update; give it a trained-like scale.
    for module in backbone.modules():
        if isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
    x = torch.randn(2, frames, 3, 32, 32)
    y = x.clone()
    y[0, 3] += torch.randn_like(y[0, 3])
    with torch.no_grad():
        changed = (backbone(y) - backbone(x)).abs().amax(dim=-1)
    assert changed[0, 3] > 0
    assert torch.all(changed[1] == 0), "clips in a batch must stay independent"
    neighbours = changed[0, [2, 4]]
    if mode == "none":
        assert torch.all(neighbours == 0)
    else:
        assert torch.all(neighbours > 0)
