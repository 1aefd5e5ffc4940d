"""The option table: the seed's defaults per command, validation messages, CLI parsing helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from dudek_dali.cli._app import UserError
from dudek_dali.cli.train_commands import config_from_options
from dudek_dali.cli.train_options import option_names, parse_bool
from dudek_dali.cli.train_options import parse_size_option as parse_size
from dudek_dali.train.config import TrainConfig

# The seed's click defaults (bas-tdeed-train), which differ between its three commands.
SEED_DEFAULTS = {
    "pretrain": {"clip_frames_count": 70, "overlap": 55, "learning_rate": 0.0006, "eval_metric": "loss",
                 "save_as": Path("tdeed_pretrained.pt"), "experiment_name": "tdeed_pretraining",
                 "random_seed": 42},
    "train": {"clip_frames_count": 70, "overlap": 55, "learning_rate": 0.0006, "eval_metric": "map",
              "save_as": Path("tdeed_best.pt"), "experiment_name": "tdeed_training", "random_seed": 116},
    "train-challenge": {"clip_frames_count": 80, "overlap": 68, "learning_rate": 0.0008,
                        "save_as": Path("tdeed_challenge.pt"), "experiment_name": "tdeed_training_challenge"},
}  # fmt: skip
SHARED = {"resolution": 224, "displacement": 4, "flip_proba": 0.1, "camera_move_proba": 0.1,
          "crop_proba": 0.1, "even_choice_proba": 0.0, "nr_epochs": 40, "warm_up_epochs": 1,
          "train_batch_size": 8,
          "loss_foreground_weight": 5.0, "features_model_name": "regnety_008", "temporal_shift_mode": "gsf",
          "acc_grad_iter": 1, "enforce_train_epoch_size": None, "gaussian_blur_kernel_size": 5,
          "tdeed_arch_n_layers": 2, "tdeed_arch_sgp_ks": 5, "tdeed_arch_sgp_k": 4}  # fmt: skip


@pytest.mark.parametrize("command", sorted(SEED_DEFAULTS))
def test_seed_defaults(command: str) -> None:
    config = TrainConfig.for_command(command, dataset_path="data")
    for name, value in {**SHARED, **SEED_DEFAULTS[command]}.items():
        assert getattr(config, name) == value, name
    assert config.layout == ("broadcast" if command == "pretrain" else "bas")
    assert config.validate == (command != "train-challenge")


def test_overlap_default_scales_with_the_clip_length() -> None:
    assert TrainConfig.for_command("train", dataset_path="d", clip_frames_count=16).overlap == 13  # 16*55/70
    assert TrainConfig.for_command("train-challenge", dataset_path="d", clip_frames_count=16).overlap == 14
    assert TrainConfig.for_command("train", dataset_path="d", clip_frames_count=16, overlap=3).overlap == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"overlap": 80, "clip_frames_count": 80}, "overlap must be in 0..clip_frames_count-1 (79), got 80"),
        ({"flip_proba": 1.5}, "flip_proba must be a probability in [0, 1], got 1.5"),
        ({"eval_metric": "mAP"}, "eval_metric must be one of loss, map, got 'mAP'"),
        ({"warm_up_epochs": 5, "nr_epochs": 3}, "warm_up_epochs (5) cannot exceed nr_epochs (3)"),
        ({"gaussian_blur_kernel_size": 7}, "gaussian_blur_kernel_size must be 5"),
        ({"train_batch_size": 0}, "train_batch_size must be an integer >= 1, got 0"),
        ({"device": "tpu"}, "device must be auto, cpu, cuda or cuda:N, got 'tpu'"),
        ({"input_size": (16, 16)}, "input_size must be HxW with both sides >= 32"),
    ],
)
def test_invalid_values_are_named(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        TrainConfig.for_command("train", dataset_path="d", **options)


def test_to_dict_holds_plain_values_only() -> None:
    values = TrainConfig.for_command("train", dataset_path=Path("a b"), input_size=(64, 96)).to_dict()
    assert values["dataset_path"] == "a b" and values["input_size"] == [64, 96]
    assert all(isinstance(v, str | int | float | bool | list | type(None)) for v in values.values())


def test_option_names_have_both_spellings() -> None:
    assert option_names("dataset_path") == ["--dataset-path", "--dataset_path"]
    assert option_names("overlap") == ["--overlap"]


def test_parse_size_and_bool() -> None:
    assert parse_size("224") == (224, 224)
    assert parse_size("224x398") == (224, 398)
    with pytest.raises(typer.BadParameter):
        parse_size("big")
    assert parse_bool("True") is True and parse_bool("no") is False
    with pytest.raises(typer.BadParameter):
        parse_bool("maybe")


def test_video_source_flags() -> None:
    base = {"dataset_path": "d", "decode_on_gpu": False, "decode_on_cpu": True, "frames": False}
    assert config_from_options("train", base).video_source == "dali-cpu"
    assert config_from_options("train", {**base, "decode_on_cpu": False}).video_source == "auto"
    with pytest.raises(UserError, match="only one of"):
        config_from_options("train", {**base, "frames": True})


def test_color_jitter_and_dropout_reach_the_loader_and_the_model() -> None:
    from dudek_dali.data.labels import BAS
    from dudek_dali.train.data import training_augment
    from dudek_dali.train.setup import model_config_for

    off = training_augment(TrainConfig.for_command("train", dataset_path="d", color_jitter_proba=0.0))
    on = training_augment(TrainConfig.for_command("train", dataset_path="d", color_jitter_proba=0.6))
    colour = ("hue_proba", "saturation_proba", "brightness_proba", "contrast_proba")
    assert all(getattr(off, name) == 0.0 for name in colour)
    assert all(getattr(on, name) == 0.6 for name in colour)
    assert on.flip_proba == off.flip_proba == 0.1  # the other augmentations keep their own options
    model = model_config_for(TrainConfig.for_command("train", dataset_path="d", tdeed_arch_dropout=0.2), BAS)
    assert model.dropout == 0.2
    with pytest.raises(ValueError, match="color_jitter_proba must be a probability"):
        TrainConfig.for_command("train", dataset_path="d", color_jitter_proba=1.2)
    with pytest.raises(ValueError, match=r"tdeed_arch_dropout must be in \[0, 1\)"):
        TrainConfig.for_command("train", dataset_path="d", tdeed_arch_dropout=1.0)


def test_defaults_that_follow_dudek_and_the_ones_that_do_not() -> None:
    """Each departure from dude-k has an option (README: "Differences from dude-k")."""
    pretrain = TrainConfig.for_command("pretrain", dataset_path="d")
    assert pretrain.warm_up_start_factor == 0.01  # dude-k's LinearLR(start_factor=0.01)
    assert pretrain.tdeed_arch_displacement_dropout == 0.5  # dude-k's FCLayers dropout, both heads
    assert pretrain.even_choice_augment_factor == 2.0  # dude-k doubles flip/camera/crop there
    assert pretrain.event_radius_sec == 8.0  # dude-k's pretraining frames: +-8 s of an event
    assert pretrain.grad_clip_norm == 1.0  # ours; dude-k: --grad-clip-norm 0
    assert pretrain.camera_move_style == "random"  # ours; dude-k: --camera-move-style dudek
    assert TrainConfig.for_command("train-challenge", dataset_path="d").model_checkpoint_path is None
    assert not pretrain.use_wandb and pretrain.wandb_project == "tdeed_pretraining"


def test_naming_a_wandb_project_turns_wandb_on() -> None:
    config = TrainConfig.for_command("train", dataset_path="d", wandb_experiment_name="bas")
    assert config.use_wandb and config.wandb_project == "bas" and config.experiment_name == "tdeed_training"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"camera_move_style": "sine"}, "camera_move_style must be one of random, dudek"),
        ({"warm_up_start_factor": 2.0}, "warm_up_start_factor must be in [0, 1]"),
        ({"tdeed_arch_displacement_dropout": 1.0}, "tdeed_arch_displacement_dropout must be in [0, 1)"),
        ({"even_choice_augment_factor": -1.0}, "even_choice_augment_factor must be >= 0"),
        ({"event_radius_sec": -1.0}, "event_radius_sec must be >= 0"),
    ],
)
def test_bad_dudek_behaviour_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        TrainConfig.for_command("pretrain", dataset_path="d", **options)
