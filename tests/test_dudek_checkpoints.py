"""dude-k's T-DEED checkpoints (the seed, PyPI ``dude.k``) convert exactly into this project's.

Each test builds dude-k's own ``TDeedModule`` (timm offline: no ImageNet download) with every
tensor randomised (``random_weights``: BatchNorm statistics, norms, gates and fusion convs
included), saves it the way dude-k's training scripts do (``torch.save(model.state_dict(),
path)``), converts it and compares both networks on one clip. dude-k's GSM allocates its zero padding with
``torch.cuda.FloatTensor``, which cannot run on a CPU; the tests swap those two helpers for the
same zero padding on the input's device and change nothing else.
"""

from __future__ import annotations

import contextlib
import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import timm
import torch
from dudek.ml.model.tdeed.modules import layers as dudek_layers
from dudek.ml.model.tdeed.modules import shift as dudek_shift
from dudek.ml.model.tdeed.modules import tdeed as dudek_tdeed
from random_weights import randomise
from torch import nn

from dudek_dali.errors import CheckpointError
from dudek_dali.inference import load_model
from dudek_dali.model import TDeed, read_checkpoint
from dudek_dali.model.checkpoint import FORMAT, write_checkpoint
from dudek_dali.model.dudek_import import convert_state_dict, infer_config
from dudek_dali.model.gate_shift import shift_channels
from dudek_dali.model.weights import load_weights

CLIP = 8
SIZE = 64  # RegNets take any multiple of 32; 64x64 keeps regnety_008 quick on a CPU
MEAN = torch.tensor((0.485, 0.456, 0.406)).view(1, 1, 3, 1, 1)
STD = torch.tensor((0.229, 0.224, 0.225)).view(1, 1, 3, 1, 1)
TOLERANCE = 1e-4


def _zero_pad_shift(x: torch.Tensor, step: int) -> torch.Tensor:
    zeros = torch.zeros_like(x[:, :, :1])
    return torch.cat([x[:, :, 1:], zeros], dim=2) if step < 0 else torch.cat([zeros, x[:, :, :-1]], dim=2)


@pytest.fixture(autouse=True)
def dudek_gsm_on_cpu() -> Iterator[None]:
    with (
        mock.patch.object(dudek_layers._GSM, "lshift_zeroPad", lambda self, x: _zero_pad_shift(x, -1)),
        mock.patch.object(dudek_layers._GSM, "rshift_zeroPad", lambda self, x: _zero_pad_shift(x, 1)),
    ):
        yield


def build_dudek(
    name: str = "regnety_002", mode: str = "gsf", *, clip: int = CLIP, seed: int = 0, **arch
) -> nn.Module:
    """dude-k's T-DEED, every tensor randomised, in eval mode.

    ``arch``: n_layers, sgp_ks, sgp_k, num_classes (dude-k's: without the background).
    """
    create = timm.create_model

    def offline(model_name: str, pretrained: bool = False, **kwargs):
        return create(model_name, pretrained=False, **kwargs)

    options = {"n_layers": 2, "sgp_ks": 5, "sgp_k": 4, "num_classes": 24, **arch}
    torch.manual_seed(seed)  # timm's initial weights, so every run compares the same networks
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(timm, "create_model", offline))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))  # dude-k prints per stage
        if mode == "none":  # dude-k cannot build it; its state dict is the shifted one minus the gates
            stack.enter_context(mock.patch.object(dudek_tdeed, "make_temporal_shift", lambda *a, **k: None))
        model = dudek_tdeed.TDeedModule(
            clip_len=clip, features_model_name=name, temporal_shift_mode=mode, **options
        )
    return randomise(model, seed).eval()


def clip_pixels(clip: int = CLIP, seed: int = 1) -> torch.Tensor:
    """(2, T, 3, H, W) float frames in 0..255, as dude-k's model takes them."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (2, clip, 3, SIZE, SIZE), generator=generator).float()


def differences(dudek: nn.Module, ours: nn.Module, pixels: torch.Tensor) -> dict[str, float]:
    """Max |difference| of probabilities, logits and displacements (ours is event - frame)."""
    with torch.no_grad():
        theirs, _ = dudek(pixels.clone(), inference=True)
        mine = ours.eval()((pixels / 255 - MEAN) / STD)
    logits = theirs["im_feat"]
    return {
        "prob": (logits.softmax(-1) - mine.class_logits.softmax(-1)).abs().max().item(),
        "logit": (logits - mine.class_logits).abs().max().item(),
        "displacement": (-theirs["displ_feat"] - mine.displacement).abs().max().item(),
        "displacement_scale": theirs["displ_feat"].abs().max().item(),
    }


def converted(dudek: nn.Module) -> TDeed:
    state, config = convert_state_dict(dudek.state_dict(), "dude-k.pt")
    model = TDeed(config)
    load_weights(model, state, mode="whole")
    return model


def save_like_dudek(model: nn.Module, path: Path) -> Path:
    torch.save(model.state_dict(), path)  # dude-k's scripts/tdeed.py and training/two_heads.py
    return path


@pytest.fixture(scope="module")
def small_dudek() -> nn.Module:
    return build_dudek("regnety_002", "gsf")


@pytest.mark.parametrize("mode", ["gsf", "gsm"])
@pytest.mark.parametrize("name", ["regnety_002", "regnety_008"])
def test_converted_model_scores_exactly_like_dudek(name: str, mode: str) -> None:
    dudek = build_dudek(name, mode)
    ours = converted(dudek)
    assert ours.config.features_model_name == name and ours.config.temporal_shift_mode == mode
    diff = differences(dudek, ours, clip_pixels())
    print(f"{name} {mode}: " + ", ".join(f"{k} {v:.2e}" for k, v in diff.items()))
    assert diff["displacement_scale"] > 1.0  # a zero head would hide a missing negation
    assert diff["prob"] < TOLERANCE and diff["logit"] < TOLERANCE and diff["displacement"] < TOLERANCE


def test_without_temporal_shift_too() -> None:
    dudek = build_dudek("regnety_002", "none")
    ours = converted(dudek)
    assert ours.config.temporal_shift_mode == "none"
    diff = differences(dudek, ours, clip_pixels())
    assert diff["prob"] < TOLERANCE and diff["displacement"] < TOLERANCE


def test_architecture_is_read_off_the_tensors() -> None:
    dudek = build_dudek("regnety_002", "gsm", clip=12, n_layers=3, sgp_ks=3, sgp_k=2, num_classes=34)
    config = infer_config(dudek.state_dict(), "x.pt")
    shape = (config.clip_frames, config.num_outputs, config.n_layers, config.sgp_ks, config.sgp_k)
    assert shape == (12, 35, 3, 3, 2)
    assert config.temporal_shift_mode == "gsm" and config.features_model_name == "regnety_002"


@pytest.mark.parametrize("channels", [16, 32, 56, 80, 128, 152, 192, 320, 368, 768])
def test_shifted_channel_count_is_dudeks(channels: int) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        theirs = dudek_shift.GatedShift(nn.Conv2d(channels, 8, 1), n_segment=4, n_div=4, mode="gsf")
    assert shift_channels(channels) == theirs.fold_dim


def test_read_checkpoint_converts_a_dudek_file(small_dudek, tmp_path, caplog) -> None:
    path = save_like_dudek(small_dudek, tmp_path / "tdeed_best.pt")
    with caplog.at_level(logging.WARNING, logger="dudek_dali.model"):
        payload = read_checkpoint(path, kind="model")
    assert payload["format"] == FORMAT and payload["kind"] == "model"
    assert payload["converted_from"] == "dude-k" and payload["label_set"] == "bas"
    assert payload["model_config"]["features_model_name"] == "regnety_002"
    # dude-k's frames (every 2nd, squashed to 224x224), in the converted model's own config
    assert (payload["model_config"]["stride"], payload["model_config"]["input_size"]) == (2, [224, 224])
    note = payload["conversion_note"]
    assert [r.getMessage() for r in caplog.records] == [note]
    assert "\n" not in note and str(path) in note and "converted a dude-k checkpoint" in note
    with pytest.raises(CheckpointError, match="cannot be resumed"):
        read_checkpoint(path, kind="training")


def test_dudeks_default_clip_length_70_scores_alike() -> None:
    dudek = build_dudek("regnety_002", "gsf", clip=70)  # 70 -> 35 -> 18 frames
    diff = differences(dudek, converted(dudek), clip_pixels(clip=70))
    assert diff["prob"] < TOLERANCE and diff["displacement"] < TOLERANCE


def test_load_model_runs_a_dudek_file(small_dudek, tmp_path) -> None:
    trained = load_model(save_like_dudek(small_dudek, tmp_path / "tdeed_challenge.pt"), device="cpu")
    assert (trained.clip_frames, trained.stride, trained.size, trained.label_set.name) == (
        CLIP,
        2,
        (224, 224),
        "bas",
    )
    diff = differences(small_dudek, trained.net, clip_pixels(seed=2))
    assert diff["prob"] < TOLERANCE and diff["displacement"] < TOLERANCE


def test_import_checkpoint_command_writes_a_dudek_checkpoint(small_dudek, tmp_path, caplog) -> None:
    source = save_like_dudek(small_dudek, tmp_path / "dude-k model.pt")
    target = tmp_path / "out" / "imported.pt"
    result = _dudek_cli("import-checkpoint", source, target)
    assert result.returncode == 0, result.stderr
    assert "converted a dude-k checkpoint" in result.stdout and f"wrote {target}" in result.stdout
    with caplog.at_level(logging.WARNING, logger="dudek_dali.model"):
        payload = read_checkpoint(target)
    assert not caplog.records  # a converted file is this project's own: nothing left to convert
    assert payload["converted_from"] == "dude-k" and payload["model_config"]["clip_frames"] == CLIP
    expected, _ = convert_state_dict(small_dudek.state_dict(), source)
    assert payload["model"].keys() == expected.keys()
    assert all(torch.equal(payload["model"][k], v) for k, v in expected.items())
    trained = load_model(target)
    assert differences(small_dudek, trained.net, clip_pixels())["prob"] < TOLERANCE


def test_import_checkpoint_refuses_other_files(tmp_path) -> None:
    ours = write_checkpoint(tmp_path / "ours.pt", {"format": FORMAT, "kind": "model", "model": {}})
    foreign = tmp_path / "resnet.pt"
    torch.save({"fc.weight": torch.zeros(2, 2), "fc.bias": torch.zeros(2)}, foreign)
    for path, needle in ((ours, "already a dudek_dali checkpoint"), (foreign, "not a dude-k T-DEED")):
        result = _dudek_cli("import-checkpoint", path, tmp_path / "out.pt")
        assert result.returncode == 2 and needle in result.stderr and str(path) in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.pt").exists()


def test_a_state_dict_of_neither_kind_is_refused_in_one_line(tmp_path) -> None:
    foreign = tmp_path / "resnet50.pt"
    torch.save({"conv1.weight": torch.zeros(4, 3, 3, 3), "fc.weight": torch.zeros(2, 4)}, foreign)
    assert read_checkpoint(foreign)["model_config"] is None  # bare weights: not converted
    with pytest.raises(CheckpointError) as error:
        load_model(foreign)
    message = str(error.value)
    assert "\n" not in message and str(foreign) in message and "without their model config" in message


def test_damaged_dudek_checkpoints_name_the_file_and_the_problem(small_dudek, tmp_path) -> None:
    state = small_dudek.state_dict()
    cases = {
        "truncated.pt": (
            {k: v for k, v in state.items() if "_sgp.0.psi" not in k},
            "lacks _temp_fine._sgp.0.psi",
        ),
        "extra.pt": ({**state, "_features.s4.b1.conv1.gs.extra.weight": torch.zeros(1)}, "cannot map"),
        "reshaped.pt": (
            {**state, "_features.s3.b1.conv1.gs.bn.weight": torch.zeros(12)},
            "shape mismatch",
        ),
        "wide.pt": ({**state, "temp_enc": torch.zeros(CLIP, 400)}, "400-wide features"),
    }
    for name, (damaged, needle) in cases.items():
        path = tmp_path / name
        torch.save(damaged, path)
        with pytest.raises(CheckpointError) as error:
            read_checkpoint(path)
        message = str(error.value)
        assert "\n" not in message and str(path) in message and needle in message, message


def _dudek_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dudek_dali", *map(str, args)], capture_output=True, text=True, timeout=300
    )
