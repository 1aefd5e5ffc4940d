"""``dudek pretrain`` / ``train`` / ``train-challenge``: the seed's options in both spellings, a tiny
real run from the command line, and bad input as one line with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from cli_runner import dudek
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from dudek_dali.cli import app
from dudek_dali.model import checkpoint as ckpt

# The options of the seed's ``bas-tdeed-train`` commands (its README and click declarations).
SEED_COMMON = [
    "dataset_path",
    "resolution",
    "clip_frames_count",
    "overlap",
    "displacement",
    "flip_proba",
    "camera_move_proba",
    "crop_proba",
    "even_choice_proba",
    "nr_epochs",
    "warm_up_epochs",
    "learning_rate",
    "train_batch_size",
    "loss_foreground_weight",
    "features_model_name",
    "temporal_shift_mode",
    "acc_grad_iter",
    "enforce_train_epoch_size",
    "gaussian_blur_kernel_size",
    "tdeed_arch_n_layers",
    "tdeed_arch_sgp_ks",
    "tdeed_arch_sgp_k",
    "save_as",
    "model_checkpoint_path",
    "experiment_name",
]
SEED_VALIDATION = ["val_batch_size", "eval_metric", "start_eval_epoch_nr", "enforce_val_epoch_size"]
SEED_OPTIONS = {
    "pretrain": [*SEED_COMMON, *SEED_VALIDATION, "save_every_epoch", "wandb_experiment_name", "random_seed"],
    "train": [*SEED_COMMON, *SEED_VALIDATION, "random_seed"],
    "train-challenge": SEED_COMMON,
}
OURS = ["source", "device", "pretrained", "no-pretrained", "log-dir", "resume", "ema", "mixup"]


def accepted_options(command: str) -> set[str]:
    click_command = typer.main.get_command(app).commands[command]
    names = set()
    for param in click_command.params:
        names.update(param.opts)
        names.update(param.secondary_opts)
    return names


@pytest.mark.parametrize("command", sorted(SEED_OPTIONS))
def test_every_seed_option_in_both_spellings(command: str) -> None:
    names = accepted_options(command)
    for option in SEED_OPTIONS[command]:
        assert f"--{option}" in names, option
        assert f"--{option.replace('_', '-')}" in names, option
    for option in OURS:
        assert f"--{option}" in names, option


def test_train_help_lists_the_options() -> None:
    result = dudek("train", "--help")
    assert result.returncode == 0, result.stderr
    for option in SEED_OPTIONS["train"]:
        if option != "experiment_name":  # its long alias list is abbreviated in the table
            assert f"--{option}" in result.stdout, option
    assert "--source" in result.stdout and "--resume" in result.stdout
    assert "--decode-on-cpu" in result.stdout  # named in --source's help: dude-k's flags are aliases


def test_tiny_train_run_writes_model_and_tensorboard_events(synth_bas: Path, tmp_path: Path) -> None:
    # The seed's underscore spellings, with values joined by '=' as in its README.
    result = dudek(
        "train", f"--dataset_path={synth_bas}", "--decode-on-cpu", "--no-pretrained",
        "--features_model_name=regnety_002", "--clip_frames_count=8", "--nr_epochs=1",
        "--enforce_train_epoch_size=4", "--train_batch_size=2", "--save_as=m.pt", "--input_size=64",
        "--eval_metric=loss", "--enforce_val_epoch_size=2", "--val_batch_size=2",
        "--save_every_epoch=true", "--device", "cpu", "--log-dir", "tb logs",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "epoch 1/1" in result.stdout and "val loss" in result.stdout
    best = ckpt.read_checkpoint(tmp_path / "m.pt")
    assert best["model_config"]["num_outputs"] == 25 and best["model_config"]["clip_frames"] == 8
    assert best["train_config"]["data"]["dataset_path"] == str(synth_bas)
    assert best["train_config"]["data"]["source"] == "dali-cpu"  # --decode-on-cpu is --source dali-cpu
    assert best["model_config"]["input_size"] == [64, 64] and best["model_config"]["stride"] == 2
    assert ckpt.read_checkpoint(tmp_path / "m.last.pt", kind="training")["loop"]["global_step"] == 2
    assert (tmp_path / "m.epoch000.pt").is_file()
    events = EventAccumulator(str(tmp_path / "tb logs"), size_guidance={"images": 0})
    events.Reload()
    scalars = set(events.Tags()["scalars"])
    expected = {"train/loss", "train/ce", "train/displacement", "train/lr", "epoch/val_loss",
                "epoch/clips_per_s", "epoch/data_wait_fraction"}  # fmt: skip
    assert expected <= scalars
    assert [e.step for e in events.Scalars("train/loss")] == [1, 2]
    grid = events.Images("augmented/clip")[0]
    assert grid.height == 64 and grid.width >= 64 * 2  # several 64x64 frames side by side


def test_bad_input_is_one_line_with_exit_code_2(synth_bas: Path, tmp_path: Path) -> None:
    result = dudek(
        "train-challenge", f"--dataset_path={synth_bas}", "--model_checkpoint_path=missing.pt",
        "--decode-on-cpu", "--no-pretrained", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: missing.pt: checkpoint not found"]
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("second", ["--frames", "--source=pyav"])
def test_conflicting_video_sources(synth_bas: Path, second: str) -> None:
    result = dudek("train", f"--dataset_path={synth_bas}", "--decode-on-cpu", second)
    assert result.returncode == 2
    assert "give the video source once" in result.stderr and "aliases of --source" in result.stderr


def test_a_source_that_cannot_train_is_refused_by_name(synth_bas: Path) -> None:
    result = dudek("train", f"--dataset_path={synth_bas}", "--source", "pyav")
    assert result.returncode == 2
    assert "--source pyav reads whole games only" in result.stderr


def test_invalid_option_value_names_the_option(synth_bas: Path) -> None:
    result = dudek("train", f"--dataset_path={synth_bas}", "--overlap=70", "--clip_frames_count=70")
    assert result.returncode == 2
    assert "--overlap: overlap must be in 0..clip_frames-1 (69), got 70" in result.stderr
