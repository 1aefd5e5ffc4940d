"""Models on the Hugging Face Hub both ways: ``save-pretrained``, ``hf://`` reads, ``push-to-hub``.

No test touches the network. ``hf://`` goes through the real ``huggingface_hub`` client reading
a Hub cache laid out in a temporary folder (``HF_HUB_CACHE``, ``HF_HUB_OFFLINE=1``: what a machine
that downloaded the model once has); ``push-to-hub`` goes through the real client talking to a
local server that records every request (``HF_ENDPOINT``), and the test rebuilds the uploaded
files from what was sent. The commands run as a user runs them (``python -m dudek_dali``), so the
client reads its environment as it would.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import torch
import typer
import yaml
from cli_runner import dudek
from hub_cache import add_to_hub_cache
from hub_server import commit_lines, recording_hub, uploaded_files
from random_weights import randomise
from safetensors.torch import load_file

from dudek_dali.cli import app
from dudek_dali.cli.train_commands import config_from_options
from dudek_dali.cli.train_options import command_line, train_config
from dudek_dali.errors import CheckpointError
from dudek_dali.model import TDeedConfig, create_model, read_checkpoint, save_pretrained
from dudek_dali.model.checkpoint import FORMAT, write_checkpoint
from dudek_dali.model.families import create_model_from_checkpoint, inference_defaults
from dudek_dali.model.hub_download import HubModel, parse_hub_spec

CLIP = 8
REPO = "dudek-test/tdeed-tiny"
FILES = ["README.md", "config.json", "model.safetensors"]


def tdeed_payload(seed: int = 0) -> dict:
    """A model checkpoint as ``dudek train`` writes one: small T-DEED, every tensor randomised."""
    options = {
        "dataset_path": Path("/data/SN-BAS 2025"), "clip_frames_count": CLIP,
        "features_model_name": "regnety_002", "tdeed_arch_n_layers": 1, "input_size": (224, 398),
        "ema": True, "source": "dali-cpu", "save_every_epoch": True, "nr_epochs": 12,
        "gaussian_blur_kernel_size": 0, "pretrained": False,
    }  # fmt: skip
    train = train_config("train", options)
    torch.manual_seed(seed)
    net = randomise(create_model(train.model), seed)
    return {
        "format": FORMAT, "kind": "model", "model": net.state_dict(), "model_config": train.model.to_dict(),
        "label_set": "bas", "train_config": train.to_dict(), "epoch": 11, "global_step": 3000,
        "metric": {"map": 0.5310},
    }  # fmt: skip


@pytest.fixture(scope="module")
def payload() -> dict:
    return tdeed_payload()


@pytest.fixture
def checkpoint(payload, tmp_path) -> Path:
    return write_checkpoint(tmp_path / "tdeed_best.pt", payload)


def clip(seed: int = 1) -> torch.Tensor:
    return torch.randn((1, CLIP, 3, 64, 64), generator=torch.Generator().manual_seed(seed))


def logits(payload: dict, source: object) -> torch.Tensor:
    with torch.no_grad():
        return create_model_from_checkpoint(payload, source)(clip()).class_logits


def test_save_pretrained_writes_config_weights_and_card(payload, checkpoint, tmp_path) -> None:
    out = tmp_path / "hub folder"
    result = dudek("save-pretrained", checkpoint, out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert sorted(result.stdout.splitlines()) == sorted(f"wrote {out / name}" for name in FILES)
    config = json.loads((out / "config.json").read_text())
    assert config["family"] == "tdeed" and config["teams"] is True and config["label_set"] == "bas"
    assert (config["clip_frames"], config["stride"], config["input_size"]) == (CLIP, 2, [224, 398])
    assert config["model_config"] == {"family": "tdeed", **payload["model_config"], "pretrained": False}
    assert config["train_config"] == payload["train_config"]
    assert config["metric"] == {"map": 0.5310} and config["epoch"] == 11
    assert config["inference"] == inference_defaults(TDeedConfig.from_dict(payload["model_config"]))
    weights = load_file(str(out / "model.safetensors"))
    assert weights.keys() == payload["model"].keys()
    assert all(torch.equal(weights[k], v) for k, v in payload["model"].items())


def test_model_card_says_what_how_and_how_well(payload, tmp_path) -> None:
    save_pretrained(payload, tmp_path / "m", repo_id=REPO, describe_training=command_line)
    card = (tmp_path / "m" / "README.md").read_text()
    print(card)
    _, front, body = card.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["library_name"] == "dudek_dali" and "ball-action-spotting" in meta["tags"]
    assert "tdeed" in meta["tags"] and meta["pipeline_tag"] == "video-classification"
    assert f"dudek spot match.mp4 --model-checkpoint-path hf://{REPO}" in body
    assert "an ED-SGP-Mixer (1 level)" in body
    assert "**with the team** (left/right): 25 outputs" in body
    assert "every 2nd frame of 25 fps video" in body and "224x398" in body
    assert "- team-mAP@1 on the validation games: **53.10** (after 11 epochs)" in body
    assert "on the games in `/data/SN-BAS 2025` (SN-BAS-2025's layout)" in body
    command = body.split("## Training")[1].split("```bash\n")[1].split("\n```")[0]
    words = shlex.split(command)
    assert words[:4] == ["dudek", "train", "--dataset-path", "/data/SN-BAS 2025"]
    assert "--ema" in words and "--source" in words and "--mixup" not in words  # defaults left out
    train = typer.main.get_command(app).commands["train"]  # the real command line parses it back
    parsed = config_from_options("train", train.make_context("train", words[2:]).params)
    assert parsed.to_dict() == payload["train_config"]


def test_the_folder_reads_back_as_the_same_model(payload, checkpoint, tmp_path) -> None:
    save_pretrained(checkpoint, tmp_path / "m")
    loaded = read_checkpoint(tmp_path / "m")
    assert loaded["format"] == FORMAT and loaded["model_config"] == {
        **payload["model_config"],
        "pretrained": False,
    }
    assert loaded["train_config"] == payload["train_config"] and loaded["label_set"] == "bas"
    assert torch.equal(logits(loaded, "folder"), logits(read_checkpoint(checkpoint), checkpoint))


def test_hub_specs_parse_and_survive_a_path() -> None:
    assert parse_hub_spec(f"hf://{REPO}") == HubModel(REPO)
    assert parse_hub_spec(Path(f"hf://{REPO}@v1.0")) == HubModel(REPO, "v1.0")  # Path collapses "//"
    assert parse_hub_spec("checkpoints/hf.pt") is None
    with pytest.raises(CheckpointError, match="hf://oops: not a Hub model; write hf://ORG/NAME"):
        parse_hub_spec("hf://oops")


@pytest.mark.slow
def test_hf_spec_reads_the_hub_cache_offline(payload, tmp_path, monkeypatch) -> None:
    main, other = tmp_path / "main", tmp_path / "v1"
    save_pretrained(payload, main)
    save_pretrained(tdeed_payload(seed=7), other)
    cache = tmp_path / "hf cache"
    add_to_hub_cache(cache, REPO, {name: main / name for name in FILES})
    add_to_hub_cache(cache, REPO, {name: other / name for name in FILES}, revision="v1")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for spec, expected in ((f"hf://{REPO}", main), (f"hf://{REPO}@v1", other)):
        result = dudek("save-pretrained", spec, tmp_path / "copy")
        assert result.returncode == 0, result.stderr
        copied = load_file(str(tmp_path / "copy" / "model.safetensors"))
        assert all(
            torch.equal(copied[k], v) for k, v in load_file(str(expected / "model.safetensors")).items()
        )
    result = dudek("save-pretrained", "hf://dudek-test/absent", tmp_path / "none")
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        "error: hf://dudek-test/absent: not in the Hugging Face cache and the Hub cannot be reached "
        "(HF_HUB_OFFLINE is set); download it once online"
    ]


def test_folders_and_repos_without_a_model_name_what_is_missing(payload, tmp_path, monkeypatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    only_config = tmp_path / "only config"
    save_pretrained(payload, only_config)
    (only_config / "model.safetensors").unlink()
    foreign = tmp_path / "transformers"
    foreign.mkdir()
    (foreign / "config.json").write_text(json.dumps({"architectures": ["BertModel"]}))
    cases = {
        empty: "holds no model: a dudek_dali folder needs config.json and model.safetensors, an OSL one "
        "config.yaml and a checkpoint (*.pt, *.pth, *.pth.tar, *.bin)",
        only_config: "has config.json but lacks model.safetensors (the weights)",
        foreign: 'config.json is not a dudek_dali model config (no "format": "dudek_dali.pretrained/1")',
    }
    for folder, needle in cases.items():
        with pytest.raises(CheckpointError) as error:
            read_checkpoint(folder)
        assert str(error.value) == f"{folder}: {needle}"
    cache = tmp_path / "hf cache"
    add_to_hub_cache(cache, "dudek-test/card-only", {"README.md": only_config / "README.md"})
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = dudek("save-pretrained", "hf://dudek-test/card-only", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: hf://dudek-test/card-only: holds no model: a dudek_dali folder needs"
    )


def test_push_to_hub_sends_the_folder_through_the_real_client(
    payload, checkpoint, tmp_path, monkeypatch
) -> None:
    expected = tmp_path / "expected"
    save_pretrained(payload, expected, repo_id=REPO, describe_training=command_line)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf home"))  # no stored login: the token comes from HF_TOKEN
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")  # plain LFS for the weights (see hub_server)
    with recording_hub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        result = dudek("push-to-hub", checkpoint, REPO, "--private", "--revision", "v1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pushed {hub.url}/{REPO}/commit/{'1' * 40}"
    (create,) = hub.find("POST", "/api/repos/create")
    assert json.loads(create.body) == {
        "name": "tdeed-tiny",
        "organization": "dudek-test",
        "visibility": "private",
    }
    assert hub.find("POST", f"/api/models/{REPO}/branch/v1") and hub.find(
        "POST", f"/api/models/{REPO}/commit/v1"
    )
    assert {r.authorization for r in hub.requests if r.method == "POST"} == {"Bearer hf_test_token"}
    files = uploaded_files(hub)
    assert sorted(files) == FILES
    assert all(files[name] == (expected / name).read_bytes() for name in FILES)
    assert [line["value"]["path"] for line in commit_lines(hub) if line["key"] == "lfsFile"] == [
        "model.safetensors"
    ]


def test_push_without_a_login_is_one_line(checkpoint, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf home"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with recording_hub() as hub:
        hub.refuse_with = 401
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        result = dudek("push-to-hub", checkpoint, REPO)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {REPO}: the Hub refused the upload (401): log in with `hf auth login` or set HF_TOKEN"
    ]
    assert {r.authorization for r in hub.requests if r.method == "POST"} == {None}
