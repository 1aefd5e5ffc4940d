"""The training config made of the configs it feeds, and the command line's one table onto it: the
seed's defaults per command, where each option lands, validation messages naming the option."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import typer

from dudek_dali.cli.train_options import COMMANDS, TRAIN_OPTIONS, option_names, parse_bool, train_config
from dudek_dali.cli.train_options import parse_size_option as parse_size
from dudek_dali.clips import AugmentConfig, SamplingConfig
from dudek_dali.model.config import TDeedConfig
from dudek_dali.train.config import DataConfig, OptimConfig, RunConfig, TrainConfig

# The seed's click defaults (bas-tdeed-train), which differ between its three commands, as the
# config fields they become.
SEED_DEFAULTS = {
    "pretrain": {"sampling.clip_frames": 70, "sampling.overlap": 55, "optim.learning_rate": 0.0006,
                 "run.eval_metric": "loss", "run.save_as": Path("tdeed_pretrained.pt"),
                 "run.experiment_name": "tdeed_pretraining", "run.seed": 42,
                 "sampling.event_radius_sec": 8.0, "model.num_outputs": 35, "data.layout": "broadcast"},
    "train": {"sampling.clip_frames": 70, "sampling.overlap": 55, "optim.learning_rate": 0.0006,
              "run.eval_metric": "map", "run.save_as": Path("tdeed_best.pt"),
              "run.experiment_name": "tdeed_training", "run.seed": 116, "model.num_outputs": 25,
              "data.layout": "bas"},
    "train-challenge": {"sampling.clip_frames": 80, "sampling.overlap": 68, "optim.learning_rate": 0.0008,
                        "run.save_as": Path("tdeed_challenge.pt"),
                        "run.experiment_name": "tdeed_training_challenge", "data.validate": False},
}  # fmt: skip
SHARED = {"data.resolution": 224, "data.displacement": 4, "sampling.augment.flip_proba": 0.1,
          "sampling.augment.camera_proba": 0.1, "sampling.augment.crop_proba": 0.1,
          "sampling.even_choice_proba": 0.0, "optim.epochs": 40, "optim.warm_up_epochs": 1,
          "data.batch_size": 8, "optim.foreground_weight": 5.0, "model.features_model_name": "regnety_008",
          "model.temporal_shift_mode": "gsf", "optim.grad_accumulation": 1, "sampling.epoch_size": None,
          "sampling.augment.blur_proba": 0.25, "model.n_layers": 2, "model.sgp_ks": 5, "model.sgp_k": 4,
          "model.stride": 2, "sampling.stride": 2}  # fmt: skip


def field(config: TrainConfig, path: str):
    value = config
    for part in path.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("command", sorted(SEED_DEFAULTS))
def test_seed_defaults_land_in_the_configs_they_feed(command: str) -> None:
    config = train_config(command, {"dataset_path": "data"})
    for path, value in {**SHARED, **SEED_DEFAULTS[command]}.items():
        assert field(config, path) == value, path
    assert config.model.clip_frames == config.sampling.clip_frames
    assert config.data.validate == (command != "train-challenge")


def test_every_option_target_is_a_field_of_its_config() -> None:
    sections = {"data": DataConfig, "sampling": SamplingConfig, "augment": AugmentConfig,
                "model": TDeedConfig, "optim": OptimConfig, "run": RunConfig}  # fmt: skip
    for option in TRAIN_OPTIONS:
        for target in option.targets:
            *path, name = target.split(".")
            assert name in {f.name for f in dataclasses.fields(sections[path[-1]])}, (option.name, target)


def test_each_option_is_offered_by_a_command_and_named_once() -> None:
    names = [o.name for o in TRAIN_OPTIONS]
    assert len(names) == len(set(names))
    assert all(set(o.commands) <= set(COMMANDS) and o.commands for o in TRAIN_OPTIONS)


def test_overlap_default_scales_with_the_clip_length() -> None:
    def overlap(command: str, **values) -> int:
        return train_config(command, {"dataset_path": "d", **values}).sampling.overlap

    assert overlap("train", clip_frames_count=16) == 13  # 16 * 55 / 70
    assert overlap("train-challenge", clip_frames_count=16) == 14  # 16 * 68 / 80
    assert overlap("train", clip_frames_count=16, overlap=3) == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"overlap": 80, "clip_frames_count": 80}, "--overlap: overlap must be in 0..clip_frames-1 (79)"),
        ({"flip_proba": 1.5}, "--flip-proba: flip_proba must be a probability in 0..1, got 1.5"),
        ({"eval_metric": "mAP"}, "--eval-metric: eval_metric must be one of loss, map, got 'mAP'"),
        ({"warm_up_epochs": 5, "nr_epochs": 3}, "--warm-up-epochs: warm_up_epochs (5) cannot exceed"),
        ({"gaussian_blur_kernel_size": 7}, "gaussian_blur_kernel_size must be 5"),
        ({"train_batch_size": 0}, "--train-batch-size: batch_size must be an integer >= 1, got 0"),
        ({"device": "tpu"}, "--device: device must be auto, cpu, cuda or cuda:N, got 'tpu'"),
        ({"input_size": (16, 16)}, "--input-size: input_size must be (height, width) with both sides"),
        ({"color_jitter_proba": 1.2}, "--color-jitter-proba: hue_proba must be a probability"),
        ({"tdeed_arch_dropout": 1.0}, "--tdeed-arch-dropout: dropout must lie in [0, 1)"),
        ({"event_radius_sec": 1.0}, "not options of train: event_radius_sec"),
    ],
)
def test_invalid_values_name_the_option(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        train_config("train", {"dataset_path": "d", **options})


def test_the_configs_that_must_agree_are_checked_when_built_by_hand() -> None:
    data = DataConfig(dataset_path="d")
    with pytest.raises(ValueError, match=r"sampling.clip_frames \(16\) and model.clip_frames \(80\) must"):
        TrainConfig(data=data, sampling=SamplingConfig(clip_frames=16, overlap=8))
    with pytest.raises(ValueError, match="model.num_outputs is 25, but broadcast games have 35"):
        TrainConfig(data=DataConfig(dataset_path="d", layout="broadcast"))
    with pytest.raises(ValueError, match="eval_metric 'map' needs validation games"):
        TrainConfig(data=DataConfig(dataset_path="d", validate=False), run=RunConfig(eval_metric="map"))
    assert TrainConfig(data=data).model.clip_frames == 80  # the library's own defaults agree


def test_to_dict_is_nested_and_plain() -> None:
    config = train_config("train", {"dataset_path": Path("a b"), "input_size": (64, 96)})
    values = config.to_dict()
    assert values["data"]["dataset_path"] == "a b" and values["model"]["input_size"] == [64, 96]
    flat = config.flat()
    assert flat["sampling.augment.flip_proba"] == 0.1 and flat["run.seed"] == 116
    assert all(isinstance(v, str | int | float | bool | list | type(None)) for v in flat.values())


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


def test_color_jitter_blur_and_dropout_reach_the_loader_and_the_model() -> None:
    off = train_config(
        "train", {"dataset_path": "d", "color_jitter_proba": 0.0, "gaussian_blur_kernel_size": 0}
    )
    on = train_config("train", {"dataset_path": "d", "color_jitter_proba": 0.6, "tdeed_arch_dropout": 0.2})
    colour = ("hue_proba", "saturation_proba", "brightness_proba", "contrast_proba")
    assert all(getattr(off.sampling.augment, name) == 0.0 for name in colour)
    assert all(getattr(on.sampling.augment, name) == 0.6 for name in colour)
    assert off.sampling.augment.blur_proba == 0.0 and on.sampling.augment.blur_proba > 0
    assert on.sampling.augment.flip_proba == off.sampling.augment.flip_proba == 0.1  # their own options
    assert on.model.dropout == 0.2


def test_defaults_that_follow_dudek_and_the_ones_that_do_not() -> None:
    """Each departure from dude-k has an option (README: "Differences from dude-k")."""
    pretrain = train_config("pretrain", {"dataset_path": "d"})
    assert pretrain.optim.warm_up_start_factor == 0.01  # dude-k's LinearLR(start_factor=0.01)
    assert pretrain.model.displacement_dropout == 0.5  # dude-k's FCLayers dropout, both heads
    assert pretrain.sampling.even_choice_augment_factor == 2.0  # dude-k doubles flip/camera/crop there
    assert pretrain.sampling.event_radius_sec == 8.0  # dude-k's pretraining frames: +-8 s of an event
    assert pretrain.optim.grad_clip_norm == 1.0  # ours; dude-k: --grad-clip-norm 0
    assert pretrain.sampling.augment.camera_style == "random"  # ours; dude-k: --camera-move-style dudek
    assert train_config("train-challenge", {"dataset_path": "d"}).run.start_from is None
    assert not pretrain.run.wandb and pretrain.run.wandb_project_name == "tdeed_pretraining"
    whole = train_config("pretrain", {"dataset_path": "d", "event_radius_sec": 0.0})
    assert whole.sampling.event_radius_sec is None  # 0: whole halves


def test_naming_a_wandb_project_turns_wandb_on() -> None:
    config = train_config("train", {"dataset_path": "d", "wandb_experiment_name": "bas"})
    assert config.run.wandb and config.run.wandb_project_name == "bas"
    assert config.run.experiment_name == "tdeed_training"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"camera_move_style": "sine"}, "camera_style must be one of random, dudek"),
        ({"warm_up_start_factor": 2.0}, "warm_up_start_factor must be in [0, 1]"),
        ({"tdeed_arch_displacement_dropout": 1.0}, "displacement_dropout must lie in [0, 1)"),
        ({"even_choice_augment_factor": -1.0}, "even_choice_augment_factor must be >= 0"),
        ({"event_radius_sec": -1.0}, "event_radius_sec must be > 0 (or None: whole videos)"),
    ],
)
def test_bad_dudek_behaviour_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        train_config("pretrain", {"dataset_path": "d", **options})
