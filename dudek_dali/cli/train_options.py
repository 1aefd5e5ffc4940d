"""The one table of training options: dude-k's flat names onto :class:`~dudek_dali.train.TrainConfig`.

The trainer takes a config made of the configs it feeds (``data``, ``sampling``, ``model``,
``optim``, ``run``: :mod:`dudek_dali.train.config`); the command line keeps the seed's flat option
names and per-command defaults (dude-k's ``bas-tdeed-train`` click defaults). :data:`TRAIN_OPTIONS`
says, for each option once: its help text, the commands that offer it, its default (per command
where the seed's differed), how it is spelled, and which config field(s) it sets. Both spellings are
accepted (``--dataset-path`` and the seed's ``--dataset_path``); booleans are ``--x/--no-x`` switches
except the seed's ``--save_every_epoch true`` and ``--use_wandb true``; sizes are ``HxW``; the video
source is ``--source`` (with dude-k's flags as aliases, :mod:`.options`).

Three fields follow from the command instead of an option: the layout (``pretrain`` reads the
broadcast games), whether there are validation games (not for ``train-challenge``) and the model's
number of outputs (the layout's label set).

:func:`command_line` reads the table the other way: a stored training config (a checkpoint's
``train_config``) as the command that ran it, for model cards.
"""

from __future__ import annotations

import inspect
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import typer

from dudek_dali.cli.options import SOURCE_OPTION_HELP
from dudek_dali.clips.augment import AugmentConfig, CameraStyle
from dudek_dali.clips.sampling import SamplingConfig, scaled_overlap
from dudek_dali.data.games import Resolution, label_set_of
from dudek_dali.model.config import TDeedConfig, TemporalShiftMode
from dudek_dali.sizes import format_size, parse_size
from dudek_dali.train.config import (
    DataConfig,
    EvalMetric,
    OptimConfig,
    Precision,
    RunConfig,
    SplitMode,
    TrainConfig,
)

Command = Literal["pretrain", "train", "train-challenge"]
COMMANDS: tuple[str, ...] = get_args(Command)
WITH_VALIDATION: tuple[str, ...] = ("pretrain", "train")
Spelling = Literal["value", "switch", "flag", "seed_bool", "size"]
# The seed's default (clip_frames_count, overlap) per command.
SEED_WINDOWS = {"pretrain": (70, 55), "train": (70, 55), "train-challenge": (80, 68)}
BLUR_KERNEL = 5  # the loaders blur in a fixed 5x5 window


@dataclass(frozen=True)
class TrainOption:
    """One command-line option: the config fields it sets (``section.field``), its default and help."""

    name: str  # the seed's name, as a Python identifier
    targets: tuple[str, ...]
    type: Any
    default: Any
    help: str
    per_command: Mapping[str, Any] = field(default_factory=dict)
    commands: tuple[str, ...] = COMMANDS
    metavar: str | None = None
    spelling: Spelling = "value"
    convert: Callable[[Any], Any] | None = None  # option value -> config value

    def default_for(self, command: str) -> Any:
        return self.per_command.get(command, self.default)


def _blur_proba(kernel: int) -> float:
    if kernel not in (0, BLUR_KERNEL):
        raise ValueError(
            f"gaussian_blur_kernel_size must be {BLUR_KERNEL} (the loaders blur with a fixed "
            f"{BLUR_KERNEL}x{BLUR_KERNEL} window) or 0 to turn blur off, got {kernel}"
        )
    return AugmentConfig().blur_proba if kernel else 0.0


def _radius(seconds: float) -> float | None:
    return None if seconds == 0 else seconds


_O = TrainOption
_AUG = "sampling.augment."
TRAIN_OPTIONS: tuple[TrainOption, ...] = (
    # --- data -----------------------------------------------------------------------------------
    _O("dataset_path", ("data.dataset_path",), Path, ...,
       "Dataset root holding <league>/<season>/<match>/ folders (match names may contain spaces).",
       metavar="PATH"),
    _O("resolution", ("data.resolution",), Resolution, 224,
       "Which videos to read: 224 (398x224) or 720 (1280x720)."),
    _O("source", ("data.source",), str, "auto", SOURCE_OPTION_HELP, metavar="NAME"),
    _O("split", ("data.split",), SplitMode, "official",
       "How to pick validation games: official (the SN-BAS-2025 split) or random (by --random-seed).",
       commands=("train",)),
    _O("train_batch_size", ("data.batch_size",), int, 8,
       "Clips per training batch (per process under torchrun)."),
    _O("val_batch_size", ("data.val_batch_size",), int, 8, "Clips per validation batch.",
       commands=WITH_VALIDATION),
    _O("enforce_val_epoch_size", ("data.val_epoch_size",), int | None, None,
       "Clips per validation-loss pass (default: every window of the validation videos).",
       commands=WITH_VALIDATION),
    _O("num_threads", ("data.workers",), int, 4, "DALI CPU threads (or frame-loader workers) per process."),
    _O("displacement", ("data.displacement",), int, 4,
       "An event labels the clip frames within this many frames of it."),
    # --- sampling and augmentation ----------------------------------------------------------------
    _O("clip_frames_count", ("sampling.clip_frames", "model.clip_frames"), int, 70,
       "Frames per training clip (sampled frames, `stride` apart in the video).",
       per_command={"train-challenge": 80}),
    _O("overlap", ("sampling.overlap",), int | None, None,
       "Sampled frames shared by consecutive windows of a video (step = clip - overlap). Default: "
       "the seed's 55 for 70-frame clips (train-challenge: 68 for 80), scaled to the clip length."),
    _O("stride", ("sampling.stride", "model.stride"), int, 2,
       "Take every stride-th video frame (2: 25 fps video -> 12.5 fps clips)."),
    _O("enforce_train_epoch_size", ("sampling.epoch_size",), int | None, None,
       "Clips per training epoch (default: every window of every training video once)."),
    _O("even_choice_proba", ("sampling.even_choice_proba",), float, 0.0,
       "Probability of drawing a class uniformly, then a clip containing it (oversamples rare classes)."),
    _O("even_choice_augment_factor", ("sampling.even_choice_augment_factor",), float, 2.0,
       "Such even-choice clips get their flip, camera and crop probabilities multiplied by this, at "
       "most 1 (dude-k: 2; 1: like every other clip)."),
    _O("event_radius_sec", ("sampling.event_radius_sec",), float, 8.0,
       "Cut clips only from within this many seconds of an annotation, as dude-k's extracted "
       "broadcast frames hold them (0: whole halves).", commands=("pretrain",), convert=_radius),
    _O("flip_proba", (_AUG + "flip_proba",), float, 0.1,
       "Probability of a horizontal flip (swaps left and right teams)."),
    _O("camera_move_proba", (_AUG + "camera_proba",), float, 0.1,
       "Probability of a smooth simulated camera movement per clip."),
    _O("camera_move_style", (_AUG + "camera_style",), CameraStyle, "random",
       "random: the view moves between two random poses (rotation, shift, zoom), edges repeated; "
       "dudek: dude-k's fixed sinusoidal path (1.2 degrees, 15/224 of the side), black borders."),
    _O("crop_proba", (_AUG + "crop_proba",), float, 0.1,
       "Probability of a random crop (resized back) per clip."),
    _O("color_jitter_proba",
       tuple(_AUG + f"{c}_proba" for c in ("hue", "saturation", "brightness", "contrast")), float, 0.25,
       "Probability of each colour jitter (hue +-0.2 of the colour circle, saturation, brightness, "
       "contrast 0.7-1.2), drawn independently per clip."),
    _O("gaussian_blur_kernel_size", (_AUG + "blur_proba",), int, BLUR_KERNEL,
       "Window of the gaussian-blur augmentation (p=0.25): 5, or 0 for no blur.", convert=_blur_proba),
    # --- model ------------------------------------------------------------------------------------
    _O("input_size", ("model.input_size",), tuple, (224, 224),
       "Model input size, HxW or one number for a square (the seed trained on 224x224).",
       metavar="HxW", spelling="size"),
    _O("features_model_name", ("model.features_model_name",), str, "regnety_008",
       "timm backbone (regnety_008; regnety_002 is small)."),
    _O("temporal_shift_mode", ("model.temporal_shift_mode",), TemporalShiftMode, "gsf",
       "Temporal shift in the backbone's last two stages: gsf, gsm or none."),
    _O("tdeed_arch_n_layers", ("model.n_layers",), int, 2, "Levels of the SGP encoder-decoder."),
    _O("tdeed_arch_sgp_ks", ("model.sgp_ks",), int, 5, "Kernel size of the SGP layers (odd)."),
    _O("tdeed_arch_sgp_k", ("model.sgp_k",), int, 4, "SGP k: ratio of the long to the short branch window."),
    _O("tdeed_arch_dropout", ("model.dropout",), float, 0.5, "Dropout before the class head (0 <= p < 1)."),
    _O("tdeed_arch_displacement_dropout", ("model.displacement_dropout",), float, 0.5,
       "Dropout before the displacement head (dude-k: 0.5, as before the class head; 0: none)."),
    _O("pretrained", ("model.pretrained",), bool, True,
       "Start the backbone from timm's ImageNet weights (downloaded from the hub).", spelling="switch"),
    _O("model_checkpoint_path", ("run.start_from",), Path | None, None,
       "Weights to start from (a .pt, a Hub folder, hf://ORG/NAME, or dude-k's): pretrain loads the "
       "whole model; train/train-challenge only the backbone + temporal layers (heads and "
       "positional encoding start fresh).", metavar="PATH"),
    _O("trust_pickle", ("run.trust_pickle",), bool, False,
       "Read a .pt start checkpoint that needs arbitrary Python objects (full unpickling: it can "
       "run code). Only for files from a source you trust.", spelling="flag"),
    # --- optimisation -----------------------------------------------------------------------------
    _O("nr_epochs", ("optim.epochs",), int, 40, "Training epochs."),
    _O("warm_up_epochs", ("optim.warm_up_epochs",), int, 1,
       "Epochs of linear learning-rate warm-up before the cosine decay."),
    _O("warm_up_start_factor", ("optim.warm_up_start_factor",), float, 0.01,
       "Learning-rate factor of the first warm-up step, rising linearly to 1 (dude-k: 0.01)."),
    _O("learning_rate", ("optim.learning_rate",), float, 0.0006, "Peak learning rate of AdamW.",
       per_command={"train-challenge": 0.0008}),
    _O("weight_decay", ("optim.weight_decay",), float, 0.01, "AdamW weight decay."),
    _O("acc_grad_iter", ("optim.grad_accumulation",), int, 1,
       "Batches whose gradients are accumulated per optimizer step."),
    _O("loss_foreground_weight", ("optim.foreground_weight",), float, 5.0,
       "Cross-entropy weight of event classes (background weighs 1)."),
    _O("grad_clip_norm", ("optim.grad_clip_norm",), float, 1.0,
       "Clip the gradient norm to this value before each step (0: off)."),
    _O("precision", ("optim.precision",), Precision, "auto",
       "Autocast precision: auto = bf16 on CUDA, fp32 on CPU; bf16, fp32, or fp16 (gradient scaler)."),
    _O("ema", ("optim.ema",), bool, False,
       "Keep an exponential moving average of the weights; evaluate and save it.", spelling="switch"),
    _O("ema_decay", ("optim.ema_decay",), float, 0.999, "Decay of the weight EMA per optimizer step."),
    _O("mixup", ("optim.mixup",), bool, False, "Mix pairs of clips (frames and soft targets) within a batch.",
       spelling="switch"),
    _O("mixup_alpha", ("optim.mixup_alpha",), float, 0.2, "Mixup weights are drawn from Beta(alpha, alpha)."),
    # --- evaluation, output, logging --------------------------------------------------------------
    _O("eval_metric", ("run.eval_metric",), EvalMetric, "loss",
       "Pick the best epoch by validation loss, or by team-mAP@1 on the validation games (map).",
       per_command={"train": "map"}, commands=WITH_VALIDATION),
    _O("start_eval_epoch_nr", ("run.start_eval_epoch",), int, 0,
       "First epoch (0-based) that is evaluated and can become the best.", commands=WITH_VALIDATION),
    _O("save_as", ("run.save_as",), Path, Path("tdeed_pretrained.pt"),
       "Where the best model is written (train-challenge: the final model); training state for "
       "--resume goes beside it as <name>.last.pt.",
       per_command={"train": Path("tdeed_best.pt"), "train-challenge": Path("tdeed_challenge.pt")},
       metavar="PATH"),
    _O("save_every_epoch", ("run.save_every_epoch",), bool, False,
       "Also keep the model of every epoch as <name>.epochNNN.pt (true/false).", spelling="seed_bool"),
    _O("checkpoint_every_steps", ("run.checkpoint_every_steps",), int, 0,
       "Also write <name>.last.pt every this many optimizer steps (0: only at the end of epochs)."),
    _O("resume", ("run.resume",), Path | None, None,
       "Continue a run from its <name>.last.pt exactly where it stopped.", metavar="PATH"),
    _O("experiment_name", ("run.experiment_name",), str, "tdeed_pretraining",
       "Run name: TensorBoard logs go to runs/<name>; also the W&B run's name and, unless "
       "--wandb_experiment_name says otherwise, its project.",
       per_command={"train": "tdeed_training", "train-challenge": "tdeed_training_challenge"}),
    _O("use_wandb", ("run.use_wandb",), bool, False,
       "Also log the TensorBoard scalars to Weights & Biases (true/false; pip install "
       "'dudek_dali[wandb]'; WANDB_MODE=offline logs without network).", spelling="seed_bool"),
    _O("wandb_experiment_name", ("run.wandb_project",), str | None, None,
       "W&B project to log to (default: --experiment_name, as dude-k); naming one turns W&B on."),
    _O("log_dir", ("run.log_dir",), Path | None, None,
       "TensorBoard folder (default: runs/<experiment_name>).", metavar="PATH"),
    _O("random_seed", ("run.seed",), int, 42,
       "Seed of every random source (weights, clip order, augmentation, dropout, mixup, random split).",
       per_command={"train": 116}),
    _O("device", ("run.device",), str, "auto",
       "Training device: auto, cpu, cuda or cuda:N (torchrun: cuda:LOCAL_RANK)."),
    _O("progress", ("run.progress",), bool, True, "Show a progress bar per epoch.", spelling="switch"),
)  # fmt: skip


def train_config(
    command: str, values: Mapping[str, Any], *, defaults: Mapping[str, Any] | None = None
) -> TrainConfig:
    """The :class:`TrainConfig` of ``dudek COMMAND`` given option values by the seed's names.

    Options not in ``values`` take ``command``'s default (``defaults`` overrides those: the dude-k
    aliases' own). Raises ``ValueError`` for unknown names and for values no run can use.
    """
    if command not in COMMANDS:
        raise ValueError(f"command must be one of {', '.join(COMMANDS)}, got {command!r}")
    offered = {o.name for o in TRAIN_OPTIONS if command in o.commands}
    unknown = sorted(set(values) - offered)
    if unknown:
        raise ValueError(f"not options of {command}: {', '.join(unknown)}")
    defaults = defaults or {}
    chosen = {o.name: defaults.get(o.name, o.default_for(command)) for o in TRAIN_OPTIONS}
    chosen.update(values)
    if chosen["overlap"] is None:
        chosen["overlap"] = scaled_overlap(chosen["clip_frames_count"], window=SEED_WINDOWS[command])
    layout = "broadcast" if command == "pretrain" else "bas"
    sections: dict[str, dict[str, Any]] = {
        "data": {"layout": layout, "validate": command in WITH_VALIDATION},
        "sampling": {},
        "augment": {},
        "model": {"num_outputs": label_set_of(layout).num_outputs},
        "optim": {},
        "run": {},
    }
    for option in TRAIN_OPTIONS:
        if option.name not in offered:
            continue  # not offered by this command: the config's own default
        value = chosen[option.name]
        value = option.convert(value) if option.convert else value
        for target in option.targets:
            section, name = _split(target)
            sections[section][name] = value
    built: dict[str, Any] = {}
    for section, make in (
        ("data", DataConfig), ("augment", AugmentConfig), ("model", TDeedConfig), ("optim", OptimConfig),
        ("run", RunConfig),
    ):  # fmt: skip
        built[section] = _build(section, make, sections[section])
    sampling = _build("sampling", SamplingConfig, {**sections["sampling"], "augment": built.pop("augment")})
    return TrainConfig(sampling=sampling, **built)


# What the two converted options store, back as the option's value.
_STORED_AS_OPTION: dict[str, Callable[[Any], Any]] = {
    "event_radius_sec": lambda seconds: 0.0 if seconds is None else seconds,
    "gaussian_blur_kernel_size": lambda proba: BLUR_KERNEL if proba else 0,
}
_ABSENT = object()


def command_line(stored: Mapping[str, Any]) -> str | None:
    """The ``dudek`` command that trains with ``stored`` (a checkpoint's ``TrainConfig.to_dict()``):
    the options whose value differs from the command's default. None for any other config."""
    data = stored.get("data")
    if not isinstance(data, Mapping) or "layout" not in data:
        return None
    if data["layout"] == "broadcast":
        command = "pretrain"
    else:
        command = "train" if data.get("validate", True) else "train-challenge"
    words = ["dudek", command]
    for o in TRAIN_OPTIONS:
        value = _stored_value(stored, o.targets[0])
        if command not in o.commands or value is _ABSENT:
            continue
        value = _STORED_AS_OPTION.get(o.name, lambda v: v)(value)
        default = o.default_for(command)
        if default is not ... and _plain(value) == _plain(default):
            continue
        name = "--source" if o.name == "source" else option_names(o.name)[0]
        if o.spelling == "switch":
            words.append(name if value else f"--no-{name[2:]}")
        elif o.spelling == "seed_bool":
            words += [name, str(bool(value)).lower()]
        elif o.spelling == "size":
            words += [name, format_size(tuple(value))]
        else:
            words += [name, str(value)]
    return shlex.join(words)


def _stored_value(stored: Mapping[str, Any], target: str) -> Any:
    """The value at ``section.field`` (``sampling.augment.flip_proba``) of a stored config."""
    value: Any = stored
    for key in target.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _plain(value: Any) -> Any:
    """Stored values are plain (paths as strings, tuples as lists): defaults compare the same way."""
    if isinstance(value, Path):
        return str(value)
    return list(value) if isinstance(value, tuple) else value


def _build(section: str, make: Callable[..., Any], values: dict[str, Any]) -> Any:
    """``make(**values)``; a bad value's message names the option that set it (``--flip-proba: ...``)."""
    try:
        return make(**values)
    except ValueError as err:
        field_name = str(err).split(" ", 1)[0]
        options = [o.name for o in TRAIN_OPTIONS if (section, field_name) in map(_split, o.targets)]
        if not options:
            raise
        raise ValueError(f"{option_names(options[0])[0]}: {err}") from None


def _split(target: str) -> tuple[str, str]:
    """The section and field a target names: ``sampling.augment.crop_proba`` -> (augment, crop_proba)."""
    *path, name = target.split(".")
    return path[-1], name


# --- typer parameters --------------------------------------------------------------------------------


def parse_bool(value: Any) -> bool:
    """The seed's ``--save_every_epoch true``: accepts true/false, yes/no, 1/0, on/off."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "on"):
        return True
    if text in ("0", "false", "no", "n", "off"):
        return False
    raise typer.BadParameter(f"expected true or false, got {value!r}")


def seed_bool_option(default: bool, *names: str, help: str, metavar: str | None = "BOOLEAN") -> Any:
    """A seed-style boolean option taking a value (``--save_all=true``), parsed by :func:`parse_bool`."""
    return typer.Option(str(default).lower(), *names, help=help, parser=parse_bool, metavar=metavar)


def parse_size_option(value: Any) -> tuple[int, int]:
    """``224`` (square) or ``HxW`` such as ``224x398``, as a typer parser."""
    try:
        return parse_size(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


def option_names(name: str) -> list[str]:
    """``--dataset-path`` and, when it differs, the seed's ``--dataset_path``."""
    dashed = "--" + name.replace("_", "-")
    underscored = "--" + name
    return [dashed] if dashed == underscored else [dashed, underscored]


def command_parameters(command: str, defaults: Mapping[str, Any] | None = None) -> list[inspect.Parameter]:
    """The typer parameters of ``command``: one per option it offers, with its default (``defaults``
    overrides some: the dude-k aliases' own)."""
    defaults = defaults or {}
    params = []
    for o in TRAIN_OPTIONS:
        if command not in o.commands:
            continue
        default = defaults.get(o.name, o.default_for(command))
        names = ["--source"] if o.name == "source" else option_names(o.name)
        if o.spelling in ("switch", "flag"):
            dashed = o.name.replace("_", "-")
            names = [f"--{dashed}/--no-{dashed}"] if o.spelling == "switch" else [f"--{dashed}"]
            option = typer.Option(default, *names, help=o.help)
            annotation: Any = bool
        elif o.spelling == "seed_bool":
            option, annotation = seed_bool_option(default, *names, help=o.help), str
        elif o.spelling == "size":
            option = typer.Option(
                format_size(default), *names, help=o.help, parser=parse_size_option, metavar=o.metavar
            )
            annotation = str
        else:
            option, annotation = typer.Option(default, *names, help=o.help, metavar=o.metavar), o.type
        params.append(inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                                        default=option))  # fmt: skip
    return params
