"""Loading weights: whole models, or only the backbone for fine-tuning on another clip length."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from dudek_dali.data.labels import ACTION_SPOTTING, BAS
from dudek_dali.errors import CheckpointError
from dudek_dali.model import TDeed, TDeedConfig, create_model, load_weights, model_state_for

PRETRAIN = TDeedConfig(
    features_model_name="regnety_002", clip_frames=8, num_outputs=ACTION_SPOTTING.num_outputs, n_layers=1
)
FINETUNE = replace(PRETRAIN, clip_frames=12, num_outputs=BAS.num_outputs)
SENTINEL = 7.0


def _trained(config: TDeedConfig) -> TDeed:
    """A model whose every tensor differs from a fresh one's, like a trained checkpoint."""
    torch.manual_seed(1)
    model = create_model(config)
    with torch.no_grad():
        for tensor in model.state_dict().values():
            if tensor.is_floating_point():
                # Small and positive: BatchNorm running variances stay valid, outputs stay finite.
                tensor.add_(0.01 * torch.rand_like(tensor))
    return model


def _with_sentinels(config: TDeedConfig) -> TDeed:
    model = create_model(config)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if not name.startswith("backbone."):
                param.fill_(SENTINEL)
    return model


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor], prefix: str) -> bool:
    keys = [k for k in a if k.startswith(prefix)]
    return bool(keys) and all(torch.equal(a[k], b[k]) for k in keys)


def _reinitialised(model: TDeed, prefix: str) -> bool:
    params = [p for n, p in model.named_parameters() if n.startswith(prefix)]
    return bool(params) and all(not torch.all(p == SENTINEL) for p in params)


def test_backbone_mode_loads_the_backbone_and_reinitialises_the_rest() -> None:
    source = _trained(PRETRAIN)
    target = _with_sentinels(FINETUNE)
    count = load_weights(target, source.state_dict(), mode="backbone")
    assert count == sum(1 for k in source.state_dict() if k.startswith("backbone."))
    src, dst = source.state_dict(), target.state_dict()
    assert _same(src, dst, "backbone.")
    for part in ("pos_encoding", "temporal.", "class_head.", "displacement_head."):
        assert _reinitialised(target, part), part
    out = target(torch.randn(1, FINETUNE.clip_frames, 3, 32, 32))
    assert out.class_logits.shape == (1, FINETUNE.clip_frames, BAS.num_outputs)


def test_trunk_mode_also_keeps_the_temporal_layers() -> None:
    source = _trained(PRETRAIN)
    target = _with_sentinels(FINETUNE)
    load_weights(target, source.state_dict(), mode="trunk")
    src, dst = source.state_dict(), target.state_dict()
    assert _same(src, dst, "backbone.") and _same(src, dst, "temporal.")
    for part in ("pos_encoding", "class_head.", "displacement_head."):
        assert _reinitialised(target, part), part


def test_whole_mode_round_trips_through_a_weights_only_file(tmp_path: Path) -> None:
    source = _trained(PRETRAIN).eval()
    path = tmp_path / "model.pt"
    torch.save({"config": PRETRAIN.to_dict(), "model": source.state_dict()}, path)
    saved = torch.load(path, weights_only=True)
    target = create_model(TDeedConfig.from_dict(saved["config"])).eval()
    assert load_weights(target, saved["model"], mode="whole") == len(source.state_dict())
    frames = torch.randn(1, PRETRAIN.clip_frames, 3, 32, 32)
    with torch.no_grad():
        expected = source(frames)
        assert torch.isfinite(expected.class_logits).all()
        torch.testing.assert_close(target(frames), expected, rtol=0, atol=0)


def test_whole_mode_names_a_class_count_mismatch() -> None:
    target = create_model(replace(PRETRAIN, num_outputs=BAS.num_outputs))
    with pytest.raises(CheckpointError, match="class count differs: checkpoint has 35 outputs, model has 25"):
        load_weights(target, _trained(PRETRAIN).state_dict(), mode="whole")


def test_whole_mode_names_a_clip_length_mismatch() -> None:
    target = create_model(replace(PRETRAIN, clip_frames=16))
    with pytest.raises(CheckpointError, match="clip length differs: checkpoint has 8 frames, model has 16"):
        load_weights(target, _trained(PRETRAIN).state_dict(), mode="whole")


def test_another_temporal_shift_is_reported_as_missing_and_unexpected_tensors() -> None:
    gsm = create_model(replace(PRETRAIN, temporal_shift_mode="gsm"))
    gsf = create_model(PRETRAIN)
    with pytest.raises(CheckpointError, match=r"unexpected: backbone\..*fuse") as info:
        load_weights(gsm, gsf.state_dict(), mode="whole")
    assert "missing" not in str(info.value)  # the gsf checkpoint holds everything gsm needs, and more
    with pytest.raises(CheckpointError, match=r"missing: backbone\..*fuse"):
        load_weights(gsf, gsm.state_dict(), mode="whole")
    with pytest.raises(CheckpointError, match=r"unexpected: backbone\..*fuse"):
        load_weights(gsm, gsf.state_dict(), mode="backbone")


def test_backbone_mode_refuses_another_backbone() -> None:
    target = create_model(replace(PRETRAIN, features_model_name="regnety_004"))
    with pytest.raises(CheckpointError, match="shape mismatch"):
        load_weights(target, _trained(PRETRAIN).state_dict(), mode="backbone")


def test_a_failed_load_leaves_the_model_untouched() -> None:
    target = create_model(replace(PRETRAIN, num_outputs=BAS.num_outputs))
    before = {k: v.clone() for k, v in target.state_dict().items()}
    with pytest.raises(CheckpointError):
        load_weights(target, _trained(PRETRAIN).state_dict(), mode="whole")
    assert all(torch.equal(before[k], v) for k, v in target.state_dict().items())


def test_model_state_for_selects_the_loaded_part() -> None:
    model = create_model(PRETRAIN)
    state = model_state_for(model, part="backbone")
    assert state and all(k.startswith("backbone.") for k in state)
    assert set(model_state_for(model, part="whole")) == set(model.state_dict())


def test_bad_mode_and_bad_state_dict() -> None:
    model = create_model(PRETRAIN)
    with pytest.raises(ValueError, match="mode must be one of whole, backbone, trunk"):
        load_weights(model, model.state_dict(), mode="heads")  # type: ignore[arg-type]
    with pytest.raises(CheckpointError, match="mapping of parameter names to tensors"):
        load_weights(model, {"backbone.x": [1.0]})  # type: ignore[dict-item]
