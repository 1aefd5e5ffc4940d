"""T-DEED's output shapes, config validation and clip lengths that do not divide by 2**n_layers."""

from __future__ import annotations

import json
from dataclasses import replace

import huggingface_hub.constants
import pytest
import torch

from dudek_dali.data.labels import ACTION_SPOTTING, BAS
from dudek_dali.errors import CheckpointError
from dudek_dali.model import TDeedConfig, TDeedOutput, create_model
from dudek_dali.model.ed_sgp_mixer import EDSGPMixer, halve_time

TINY = TDeedConfig(features_model_name="regnety_002", clip_frames=8, num_outputs=BAS.num_outputs)


@pytest.mark.parametrize("mode", ["gsf", "gsm", "none"])
def test_output_shapes(mode: str) -> None:
    model = create_model(replace(TINY, temporal_shift_mode=mode))
    out = model(torch.randn(2, 8, 3, 64, 64))
    assert isinstance(out, TDeedOutput)
    assert out.class_logits.shape == (2, 8, BAS.num_outputs)
    assert out.displacement.shape == (2, 8)
    assert model.feature_dim == 368


@pytest.mark.parametrize("clip_frames", [10, 7])
def test_clip_length_not_divisible_by_two_to_the_levels(clip_frames: int) -> None:
    model = create_model(replace(TINY, clip_frames=clip_frames, num_outputs=ACTION_SPOTTING.num_outputs))
    out = model(torch.randn(1, clip_frames, 3, 32, 32))
    assert out.class_logits.shape == (1, clip_frames, ACTION_SPOTTING.num_outputs)


@pytest.mark.parametrize("length", [1, 2, 5, 8, 13])
def test_encoder_decoder_keeps_any_length(length: int) -> None:
    # 36 channels: not a multiple of 16, the group count T-DEED uses.
    layers = EDSGPMixer(36, n_layers=3, kernel_size=5, k=4)
    assert layers(torch.randn(2, length, 36)).shape == (2, length, 36)


@pytest.mark.parametrize("length", [1, 4, 7])
def test_halve_time_against_a_loop(length: int) -> None:
    """Adaptive windows ``[floor(i T / n), ceil((i + 1) T / n))`` with ``n = ceil(T / 2)``."""
    x = torch.randn(2, 3, length)
    n = -(-length // 2)
    windows = [(i * length // n, -(-(i + 1) * length // n)) for i in range(n)]
    expected = torch.stack([x[..., a:b].amax(dim=-1) for a, b in windows], dim=-1)
    torch.testing.assert_close(halve_time(x), expected)


def test_forward_rejects_another_clip_length() -> None:
    model = create_model(TINY)
    with pytest.raises(ValueError, match=r"\(B, 8, C, H, W\)"):
        model(torch.randn(1, 9, 3, 32, 32))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"temporal_shift_mode": "tsm"}, "temporal_shift_mode must be one of gsf, gsm, none"),
        ({"clip_frames": 0}, "clip_frames must be an integer >= 1"),
        ({"num_outputs": 24}, "num_outputs must be 2N"),
        ({"sgp_ks": 4}, "sgp_ks must be odd"),
        ({"sgp_k": 0}, "sgp_k must be an integer >= 1"),
        ({"n_layers": -1}, "n_layers must be an integer >= 0"),
        ({"dropout": 1.0}, r"dropout must lie in \[0, 1\)"),
    ],
)
def test_config_rejects_bad_options(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(TINY, **overrides)


def test_config_round_trips_through_a_plain_dict() -> None:
    config = replace(TINY, temporal_shift_mode="gsm", sgp_k=3, stride=4, input_size=(64, 96))
    values = config.to_dict()
    assert json.loads(json.dumps(values)) == values  # plain values: JSON (and weights_only) safe
    assert values["input_size"] == [64, 96] and values["stride"] == 4
    assert TDeedConfig.from_dict(values) == config
    with pytest.raises(ValueError, match="unknown T-DEED config keys: team_head"):
        TDeedConfig.from_dict({**values, "team_head": True})


def test_unknown_backbone_is_named() -> None:
    with pytest.raises(ValueError, match="unknown timm model 'regnety_9000'"):
        create_model(replace(TINY, features_model_name="regnety_9000"))


def test_pretrained_without_the_hub_suggests_no_pretrained(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Offline with an empty cache: what a user without network access sees.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(CheckpointError, match="--no-pretrained"):
        create_model(replace(TINY, pretrained=True))


def test_displacement_dropout_acts_in_training_only_and_adds_no_weights() -> None:
    config = replace(TINY, dropout=0.0)
    plain, dropped = create_model(config), create_model(replace(config, displacement_dropout=0.5))
    assert plain.state_dict().keys() == dropped.state_dict().keys()
    dropped.load_state_dict(plain.state_dict())
    frames = torch.randn(2, 8, 3, 32, 32)
    outputs = {}
    for mode in ("eval", "train"):
        for name, net in (("plain", plain), ("dropped", dropped)):
            net.train(mode == "train")
            with torch.no_grad():
                outputs[mode, name] = net(frames)
    assert torch.equal(outputs["eval", "plain"].displacement, outputs["eval", "dropped"].displacement)
    train_plain, train_dropped = outputs["train", "plain"], outputs["train", "dropped"]
    assert torch.equal(train_plain.class_logits, train_dropped.class_logits)  # only the displacement head
    assert not torch.allclose(train_plain.displacement, train_dropped.displacement)
