"""OpenSportsLab's E2E-Spot checkpoints (PyPI ``opensportslib`` 0.3.3) convert exactly into this project's.

Each test builds OSL's own ``E2EModel.Impl`` (the ``rny008_gsm`` + ``gru`` network of its SN-BAS
model, timm offline: ``OSL_PRETRAINED_WEIGHTS=0``) with every tensor randomised
(``random_weights``: BatchNorm statistics and GSM gates included), saves it the way OSL's trainer
does (its own ``Trainer_e2e.save_checkpoint``, and its own ``save_config`` for ``config.yaml``),
converts it and compares OSL's own ``E2EModel.predict`` probabilities with ours on one clip. The
timing test runs OSL's own label and prediction code: annotations of a real 25 fps video, the
labels of a DALI training clip, and the times its post-processing reports.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import opensportslib
import pytest
import torch
import yaml
from cli_runner import dudek
from conftest import write_tiny_video
from hub_cache import add_to_hub_cache
from opensportslib.core.optimizer.builder import build_optimizer
from opensportslib.core.scheduler.builder import build_scheduler
from opensportslib.core.trainer.localization_trainer import Trainer_e2e
from opensportslib.core.utils.config import save_config
from opensportslib.core.utils.load_annotations import annotationstoe2eformat
from opensportslib.datasets import localization_dataset
from opensportslib.metrics.localization_metric import process_frame_predictions
from opensportslib.models.base.e2e import E2EModel
from random_weights import randomise
from torch import nn

from dudek_dali.data.labels import BAS
from dudek_dali.errors import CheckpointError
from dudek_dali.model import E2ESpotConfig, read_checkpoint
from dudek_dali.model.e2e_spot import E2ESpot
from dudek_dali.model.families import create_model_from_checkpoint
from dudek_dali.model.safe_load import UnsafePickleError

CLIP = 8
HEIGHT, WIDTH = 64, 96  # any multiple of 32 runs the RegNet; small keeps regnety_008 quick on a CPU
TOLERANCE = 1e-4
# OSL's class order shuffled: the converter must map the class head's rows, not assume BAS's order.
SHUFFLED = BAS.classes[5:] + BAS.classes[:5]
OSL_CONFIGS = Path(opensportslib.__file__).parent / "configs" / "localization"
PUBLISHED = "OpenSportsLab/OSL-loc-snbas-2025-e2e"
# OSL's optimizer builder makes a CUDA gradient scaler, which warns twice on a CPU machine.
pytestmark = [
    pytest.mark.filterwarnings("ignore:`torch.cuda.amp.GradScaler:FutureWarning"),
    pytest.mark.filterwarnings("ignore:torch.cuda.amp.GradScaler is enabled:UserWarning"),
]


@pytest.fixture(autouse=True, scope="module")
def offline_timm() -> Iterator[None]:
    """OSL's switch for timm's ImageNet weights: off, so its network builds without the Hub."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OSL_PRETRAINED_WEIGHTS", "0")
        yield


def build_osl(backbone: str = "rny008_gsm", head: str = "gru", *, seed: int = 0) -> nn.Module:
    """OSL's E2E-Spot network (``E2EModel.Impl``), every tensor randomised, in eval mode."""
    torch.manual_seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):  # OSL prints per stage
        model = E2EModel.Impl(
            len(SHUFFLED) + 1, SimpleNamespace(type=backbone), SimpleNamespace(type=head), CLIP, "rgb"
        )
    return randomise(model, seed).eval()


def osl_config(
    *, classes=SHUFFLED, clip: int = CLIP, backbone: str = "rny008_gsm", head: str = "gru"
) -> dict:
    """OSL's packaged SN-BAS config (``video_dali.yaml``) with this test's clip, classes and network."""
    document = yaml.safe_load((OSL_CONFIGS / "video_dali.yaml").read_text())
    document["DATA"]["common"]["classes"] = {
        name: i + 1 for i, name in enumerate(classes)
    }  # as a run saves it
    document["DATA"]["inputs"]["video"]["sampling"]["clip_len"] = clip
    document["MODEL"]["components"]["video_encoder"]["source"]["name"] = backbone
    document["MODEL"]["components"]["task_head"]["source"]["name"] = head
    document["TRAIN"]["execution"] = {"criterion_valid": "map"}  # as OSL's configs/localization/default.yaml
    return document


def save_like_osl(model: nn.Module, folder: Path, config: dict, *, best: float = 0.4798) -> Path:
    """OSL's trainer writing ``best_checkpoint.pt`` and ``config.yaml`` into ``folder``."""
    optimizer, scaler = build_optimizer(model.parameters(), SimpleNamespace(type="AdamWithScaler", lr=0.01))
    scheduler = build_scheduler(
        optimizer,
        SimpleNamespace(type="ChainedSchedulerE2E", acc_grad_iter=1, num_epochs=10, warm_up_epochs=3),
        {"len_train_loader": 20},
    )
    trainer = SimpleNamespace(
        model=SimpleNamespace(state_dict=model.state_dict), optimizer=optimizer, scaler=scaler,
        lr_scheduler=scheduler, best_epoch=7, best_criterion_valid=np.float64(best), save_dir=str(folder),
        config=None,
    )  # fmt: skip
    Trainer_e2e.save_checkpoint(trainer, 7, is_best=True)
    save_config(config, str(folder / "config.yaml"))
    return folder / "best_checkpoint.pt"


def frames(seed: int = 1) -> torch.Tensor:
    """(2, CLIP, 3, H, W) ImageNet-normalised-looking frames, as both models take them."""
    return torch.randn((2, CLIP, 3, HEIGHT, WIDTH), generator=torch.Generator().manual_seed(seed))


def osl_probabilities(model: nn.Module, clip: torch.Tensor) -> np.ndarray:
    """OSL's own ``E2EModel.predict`` (softmax over classes), in OSL's class order."""
    predictor = SimpleNamespace(_model=model, device=torch.device("cpu"), _test_time_adapter=None)
    _, probabilities = E2EModel.predict(predictor, clip.clone(), use_amp=False)
    return probabilities


def our_probabilities(model: nn.Module, clip: torch.Tensor, classes=SHUFFLED) -> np.ndarray:
    """Ours, columns put in OSL's class order (background first) to compare."""
    with torch.no_grad():
        probabilities = model(clip).class_logits.softmax(-1).numpy()
    order = [0] + [1 + BAS.classes.index(name) for name in classes]
    return probabilities[..., order]


@pytest.fixture(scope="module")
def osl_model() -> nn.Module:
    return build_osl()


def test_converted_model_scores_exactly_like_osl(osl_model, tmp_path) -> None:
    checkpoint = save_like_osl(osl_model, tmp_path / "run", osl_config())
    payload = read_checkpoint(checkpoint.parent)  # the folder: config.yaml + best_checkpoint.pt
    ours = create_model_from_checkpoint(payload, checkpoint)
    assert isinstance(ours, E2ESpot) and len(payload["model"]) == len(osl_model.state_dict()) == 446
    clip = frames()
    theirs, mine = osl_probabilities(osl_model, clip), our_probabilities(ours, clip)
    difference = float(np.abs(theirs - mine).max())
    print(f"OSL E2E-Spot vs converted: max |probability difference| {difference:.2e}")
    assert difference < TOLERANCE
    assert (theirs.argmax(-1) == mine.argmax(-1)).all()
    assert theirs.max() - theirs.min() > 0.1  # scores that differ: a dead network would agree trivially


@pytest.mark.slow
def test_the_shift_matters_so_the_permutation_is_checked(osl_model, tmp_path) -> None:
    """Without undoing OSL's channel interleave the outputs differ: the comparison above can fail."""
    checkpoint = save_like_osl(osl_model, tmp_path / "run", osl_config())
    payload = read_checkpoint(checkpoint)
    scrambled = dict(payload["model"])  # one wrapped conv left in OSL's channel order
    scrambled["backbone.features.s2.b1.conv1.net.conv.weight"] = osl_model.state_dict()[
        "backbone._features.s2.b1.conv1.net.conv.weight"
    ]
    ours = create_model_from_checkpoint({**payload, "model": scrambled}, checkpoint)
    clip = frames()
    assert np.abs(osl_probabilities(osl_model, clip) - our_probabilities(ours, clip)).max() > 1e-3


def test_payload_records_the_model_and_its_frames(osl_model, tmp_path) -> None:
    checkpoint = save_like_osl(osl_model, tmp_path / "run", osl_config(), best=0.4798)
    payload = read_checkpoint(checkpoint.parent)
    config = E2ESpotConfig.from_dict({k: v for k, v in payload["model_config"].items() if k != "family"})
    assert payload["model_config"]["family"] == "e2e-spot" and payload["converted_from"] == "opensportslib"
    assert (config.features_model_name, config.temporal_shift_mode, config.num_outputs) == (
        "regnety_008",
        "gsm",
        13,
    )
    assert (config.clip_frames, config.stride, config.input_size) == (CLIP, 12, (224, 398))
    assert config.frame_offset == 1 and config.teams is False  # OSL's config reads video with DALI
    assert payload["label_set"] == "bas"
    assert payload["metric"] == {"osl_map": pytest.approx(0.4798)}  # an np.float64 in OSL's file
    note = payload["conversion_note"]
    assert "\n" not in note and str(checkpoint) in note and "without teams" in note


def test_deeper_gru_and_no_shift_convert_too(tmp_path) -> None:
    osl = build_osl("rny002", "deeper_gru", seed=3)
    checkpoint = save_like_osl(
        osl, tmp_path / "run", osl_config(classes=BAS.classes, backbone="rny002", head="deeper_gru")
    )
    payload = read_checkpoint(checkpoint.parent)
    assert (
        payload["model_config"]["gru_layers"] == 3
        and payload["model_config"]["temporal_shift_mode"] == "none"
    )
    ours = create_model_from_checkpoint(payload, checkpoint)
    clip = frames(seed=4)
    difference = np.abs(osl_probabilities(osl, clip) - our_probabilities(ours, clip, BAS.classes)).max()
    assert difference < TOLERANCE


def test_every_layout_osls_loader_accepts_converts_alike(osl_model, tmp_path) -> None:
    """A bare state dict, one under ``state_dict`` with DataParallel's ``module.``, and the older
    names without ``backbone.``/``head.`` (which OSL's loader maps to them) give the same weights.
    Without a ``config.yaml`` beside the file, OSL's SN-BAS config is assumed and said so."""
    state = osl_model.state_dict()
    older = {k.removeprefix("backbone.").removeprefix("head."): v for k, v in state.items()}
    layouts = {
        "bare.pth.tar": state,
        "wrapped.pt": {"state_dict": {f"module.{k}": v for k, v in state.items()}, "epoch": 3},
        "older.bin": older,
    }
    converted = []
    for name, content in layouts.items():
        torch.save(content, tmp_path / name)
        payload = read_checkpoint(tmp_path / name)
        assert payload["model_config"]["clip_frames"] == 100 and payload["converted_from"] == "opensportslib"
        assert "no config.yaml: assuming OSL's SN-BAS config" in payload["conversion_note"]
        converted.append(payload["model"])
    assert all(c.keys() == converted[0].keys() for c in converted)
    assert all(torch.equal(c[k], converted[0][k]) for c in converted[1:] for k in c)


def test_an_event_lands_on_the_frame_osl_labels_and_reports(tmp_path) -> None:
    """Timing against OSL's own code: the annotation frame of an event at a known time, the label
    position inside a DALI training clip, and the time OSL's post-processing reports."""
    config = E2ESpotConfig()
    video = write_tiny_video(tmp_path / "videos" / "match.mp4", frames=25 * 6, size=(64, 36))
    seconds = 3.37  # 3.37 * 25 / 12 = 7.02: OSL's (1-based) sampled frame 7
    annotations = {
        "labels": {"ball_action": {"labels": list(BAS.classes)}},
        "data": [{"inputs": [{"type": "video", "path": "match.mp4"}], "events": [
            {"label": "SHOT", "position_ms": int(seconds * 1000)}
        ]}],
    }  # fmt: skip
    (tmp_path / "annotations.json").write_text(json.dumps(annotations))
    with contextlib.redirect_stderr(io.StringIO()):
        labels, _ = annotationstoe2eformat(str(tmp_path / "annotations.json"), str(video.parent), 25, 2, True)
    assert labels[0]["events"][0]["frame"] == config.osl_event_frame(seconds) == 7
    reader = SimpleNamespace(
        _labels=labels,
        _stride=12,
        clip_len=16,
        dilate_len=0,
        _class_dict={n: i + 1 for i, n in enumerate(BAS.classes)},
    )
    clip_labels = localization_dataset.DaliDataSet._compute_labels(reader, 0, 0)  # a clip from video frame 0
    assert np.flatnonzero(clip_labels).tolist() == [config.output_index(seconds)] == [6]
    # OSL's inference puts the scores of sampled frame k (video frame 12k) on its row k + 1:
    index = config.output_index(seconds)
    row = localization_dataset._dali_frame_num_to_local_frame(index * config.stride, config.stride)
    scores = np.zeros((20, len(BAS.classes) + 1))
    scores[:, 0] = 1.0
    scores[row] = 0.0
    scores[row, 1 + BAS.classes.index("SHOT")] = 1.0
    dataset = SimpleNamespace(videos=[("match", 19, 25 / 12)], get_labels=lambda _: np.zeros(20, int))
    with contextlib.redirect_stdout(io.StringIO()):
        _, _, events, _, _ = process_frame_predictions(
            True, dataset, list(BAS.classes), {"match": (scores, np.ones(20))}
        )
    (event,) = events[0]["events"]
    # OSL truncates 7 / (25 / 12) * 1000 = 3359.99... to 3359 ms; the time is 3.36 s
    assert event["label"] == "SHOT" and abs(event["position"] - config.event_seconds(index) * 1000) <= 1
    assert seconds - config.stride / 25 <= config.event_seconds(index) <= seconds


@pytest.mark.slow
def test_an_osl_hub_repo_converts_once_and_is_kept(osl_model, tmp_path, monkeypatch) -> None:
    """``hf://OpenSportsLab/OSL-loc-snbas-2025-e2e`` as OSL publishes it (config.yaml + checkpoint),
    read by the real Hub client from its cache, offline: converted on the first read, and kept."""
    run = save_like_osl(osl_model, tmp_path / "run", osl_config()).parent
    cache = tmp_path / "hf cache"
    files = {"config.yaml": run / "config.yaml", "model.pth.tar": run / "best_checkpoint.pt"}
    snapshot = add_to_hub_cache(cache, PUBLISHED, files)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    first = dudek("save-pretrained", f"hf://{PUBLISHED}", tmp_path / "first")
    assert first.returncode == 0, first.stderr
    assert (
        "converted an OSL E2E-Spot checkpoint" in first.stderr and "converted model kept in" in first.stderr
    )
    kept = (
        Path(os.environ["DUDEK_CACHE_DIR"])
        / "hub"
        / f"models--{PUBLISHED.replace('/', '--')}"
        / snapshot.name
    )
    assert sorted(p.name for p in kept.iterdir()) == ["README.md", "config.json", "model.safetensors"]
    (snapshot / "model.pth.tar").resolve().unlink()  # a second read must not need OSL's pickle any more
    second = dudek("save-pretrained", f"hf://{PUBLISHED}", tmp_path / "second")
    assert second.returncode == 0, second.stderr
    assert "converted" not in second.stderr
    payload = read_checkpoint(tmp_path / "second")
    assert payload["base_model"] == PUBLISHED and payload["converted_from"] == "opensportslib"
    card = (tmp_path / "second" / "README.md").read_text()
    assert f"base_model: {PUBLISHED}" in card and "**without a team**: 13 outputs" in card
    ours = create_model_from_checkpoint(payload, "second")
    clip = frames(seed=6)
    assert np.abs(osl_probabilities(osl_model, clip) - our_probabilities(ours, clip)).max() < TOLERANCE


@pytest.mark.slow
def test_import_checkpoint_command_converts_an_osl_folder(osl_model, tmp_path) -> None:
    checkpoint = save_like_osl(osl_model, tmp_path / "osl run", osl_config())
    target = tmp_path / "out" / "e2e.pt"
    result = dudek("import-checkpoint", checkpoint.parent, target)
    assert result.returncode == 0, result.stderr
    assert "converted an OSL E2E-Spot checkpoint" in result.stdout and f"wrote {target}" in result.stdout
    payload = torch.load(target, weights_only=True)  # our own format: plain values and tensors only
    ours = create_model_from_checkpoint(payload, target)
    clip = frames(seed=5)
    assert np.abs(osl_probabilities(osl_model, clip) - our_probabilities(ours, clip)).max() < TOLERANCE


def test_a_pickle_with_an_arbitrary_object_is_refused_then_trusted(osl_model, tmp_path) -> None:
    marker = tmp_path / "code ran"
    folder = tmp_path / "untrusted"
    folder.mkdir()
    save_config(osl_config(), str(folder / "config.yaml"))
    torch.save(
        {"model_state_dict": osl_model.state_dict(), "extra": _Touch(str(marker))}, folder / "model.pt"
    )
    with pytest.raises(UnsafePickleError) as error:
        read_checkpoint(folder)
    message = str(error.value)
    print(f"refused: {message}")
    assert message.startswith(f"{folder / 'model.pt'}: refused: loading it would unpickle Python objects (")
    assert "pathlib." in message and "\n" not in message
    assert message.endswith("pass --trust-pickle (trust_pickle=True in Python)")
    assert not marker.exists()
    result = dudek("import-checkpoint", folder, tmp_path / "e2e.pt")
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [f"error: {message}"]
    assert not marker.exists()
    payload = read_checkpoint(folder, trust_pickle=True)
    assert marker.exists() and payload["converted_from"] == "opensportslib"  # it did run: only when asked


class _Touch:
    """An object whose unpickling creates a file: arbitrary code in a checkpoint."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_damaged_osl_files_name_the_file_and_the_problem(osl_model, tmp_path) -> None:
    state = osl_model.state_dict()
    cases = {
        "tsm": (state, osl_config(backbone="rny008_tsm"), "rny008_tsm' does not convert"),
        "classes": (state, osl_config(classes=("PASS", "SHOT")), "match no label set"),
        "truncated": (
            {k: v for k, v in state.items() if "s4.b1.conv1.gsm.bn.weight" not in k},
            osl_config(),
            "1 missing",
        ),
    }
    for name, (damaged, config, needle) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        save_config(config, str(folder / "config.yaml"))
        torch.save({"model_state_dict": damaged}, folder / "best_checkpoint.pt")
        with pytest.raises(CheckpointError) as error:
            read_checkpoint(folder)
        message = str(error.value)
        assert "\n" not in message and name in message and needle in message, message
    (tmp_path / "empty").mkdir()
    save_config(osl_config(), str(tmp_path / "empty" / "config.yaml"))
    with pytest.raises(
        CheckpointError, match=r"has OSL's config.yaml but no checkpoint: it needs config.yaml and"
    ):
        read_checkpoint(tmp_path / "empty")
