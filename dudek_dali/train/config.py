"""Every training option in one place: its type, default, help text and which commands offer it.

:class:`TrainConfig` is what the trainer reads. Each field's metadata holds its help text, the
commands that offer it and its per-command defaults; :mod:`dudek_dali.cli.train_options` turns
the fields into the options of ``dudek pretrain``, ``dudek train`` and ``dudek train-challenge``
(how each is spelled on the command line is the CLI's business, not the trainer's), so an option
is documented once.

Defaults of the options the seed has are the seed's (dude-k's ``bas-tdeed-train``) click
defaults, per command where the seed differed (clip length and overlap, learning rate, evaluation
metric, output names, random seed), with two exceptions: ``train-challenge`` starts from no
checkpoint (the seed: ``tdeed_pretrained.pt``; its alias ``bas-tdeed-train train-challenge``
keeps that default) and its ``experiment_name`` is ``tdeed_training_challenge`` (the seed's
click default is none). The options the seed did not have (stride, input size, EMA, mixup, ...)
default to what reproduces the seed's behaviour, except where this project deliberately differs:
gradient clipping at norm 1 (``grad_clip_norm``, the seed: none), the ``random`` camera move
(``camera_move_style``, the seed's is ``dudek``), bf16 autocast on CUDA (``precision``, the seed:
fp16 with a gradient scaler), and what :mod:`.schedule` and :mod:`.loop` say about the cosine
floor, weight decay and accumulated gradients. The README's "Differences from dude-k" table
lists each difference with the option that restores the seed's behaviour.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from dudek_dali.clips.augment import BLUR_WINDOW, CAMERA_STYLES, CameraStyle
from dudek_dali.devices import check_device_name
from dudek_dali.model.config import TEMPORAL_SHIFT_MODES, TemporalShiftMode
from dudek_dali.sources import AUTO, TRAINING_SOURCES, SourceChoice

Command = Literal["pretrain", "train", "train-challenge"]
COMMANDS: tuple[str, ...] = get_args(Command)
WITH_VALIDATION: tuple[str, ...] = ("pretrain", "train")
NO_COMMAND: tuple[str, ...] = ()  # set by the command itself, not an option

Precision = Literal["auto", "bf16", "fp16", "fp32"]
EvalMetric = Literal["loss", "map"]
SplitMode = Literal["official", "random"]

# The seed's default (clip_frames_count, overlap) per command.
_SEED_WINDOWS = {"pretrain": (70, 55), "train": (70, 55), "train-challenge": (80, 68)}
# The seed's split of the ~500 broadcast games: 460 train / 40 valid.
PRETRAIN_VALID_FRACTION = 40 / 500


def _option(
    default: Any,
    help: str,
    *,
    commands: tuple[str, ...] = COMMANDS,
    per_command: dict[str, Any] | None = None,
    metavar: str | None = None,
    required: bool = False,
) -> Any:
    """A dataclass field carrying its documentation in ``metadata``: help text, the commands that
    offer it (:data:`NO_COMMAND`: set by the command), per-command defaults, a metavar."""
    meta = {
        "help": help,
        "commands": commands,
        "per_command": per_command or {},
        "metavar": metavar,
        "required": required,
    }
    return field(default=default, metadata=meta)


@dataclass
class TrainConfig:
    """Options of one training run (see the module docstring for where the defaults come from)."""

    # --- data -----------------------------------------------------------------------------------
    dataset_path: Path | None = _option(
        None,
        "Dataset root holding <league>/<season>/<match>/ folders (match names may contain spaces).",
        metavar="PATH",
        required=True,
    )
    layout: Literal["bas", "broadcast"] = _option(
        "bas", "bas: SN-BAS-2025; broadcast: older games, two halves.", commands=NO_COMMAND
    )
    validate: bool = _option(
        True, "Hold out validation games and evaluate (train-challenge: no).", commands=NO_COMMAND
    )
    resolution: Literal[224, 720] = _option(224, "Which videos to read: 224 (398x224) or 720 (1280x720).")
    video_source: SourceChoice = _option(
        "auto",
        "Where frames come from: dali-gpu, dali-cpu or frames (default auto: DALI on the GPU when "
        "CUDA is available, else on the CPU).",
    )
    clip_frames_count: int = _option(
        70,
        "Frames per training clip (sampled frames, `stride` apart in the video).",
        per_command={"train-challenge": 80},
    )
    overlap: int | None = _option(
        None,
        "Sampled frames shared by consecutive windows of a video (window step = clip - overlap). Default: "
        "the seed's 55 for 70-frame clips (train-challenge: 68 for 80), scaled to the clip length.",
    )
    stride: int = _option(2, "Take every stride-th video frame (2: 25 fps video -> 12.5 fps clips).")
    input_size: tuple[int, int] = _option(
        (224, 224),
        "Model input size, HxW or one number for a square (the seed trained on 224x224).",
        metavar="HxW",
    )
    displacement: int = _option(4, "An event labels the clip frames within this many frames of it.")
    flip_proba: float = _option(0.1, "Probability of a horizontal flip (swaps left and right teams).")
    camera_move_proba: float = _option(0.1, "Probability of a smooth simulated camera movement per clip.")
    camera_move_style: CameraStyle = _option(
        "random",
        "random: the view moves between two random poses (rotation, shift, zoom), edges repeated; "
        "dudek: dude-k's fixed sinusoidal path (1.2 degrees, 15/224 of the side), black borders.",
    )
    crop_proba: float = _option(0.1, "Probability of a random crop (resized back) per clip.")
    color_jitter_proba: float = _option(
        0.25,
        "Probability of each colour jitter (hue +-0.2 of the colour circle, saturation, brightness, "
        "contrast 0.7-1.2), drawn independently per clip.",
    )
    even_choice_proba: float = _option(
        0.0, "Probability of drawing a class uniformly, then a clip containing it (oversamples rare classes)."
    )
    even_choice_augment_factor: float = _option(
        2.0,
        "Such even-choice clips get their flip, camera and crop probabilities multiplied by this, "
        "at most 1 (dude-k: 2; 1: like every other clip).",
    )
    event_radius_sec: float = _option(
        8.0,
        "Cut clips only from within this many seconds of an annotation, as dude-k's extracted "
        "broadcast frames hold them (0: whole halves).",
        commands=("pretrain",),
    )
    gaussian_blur_kernel_size: int = _option(
        BLUR_WINDOW,
        "Window of the gaussian-blur augmentation: 5 (the loaders' fixed window) or 0 for no blur.",
    )
    split: SplitMode = _option(
        "official",
        "How to pick validation games: the official SN-BAS-2025 split, or a random split by --random-seed.",
        commands=("train",),
    )
    enforce_train_epoch_size: int | None = _option(
        None, "Clips per training epoch (default: every window of every training video once)."
    )
    enforce_val_epoch_size: int | None = _option(
        None,
        "Clips per validation-loss pass (default: every window of the validation videos).",
        commands=WITH_VALIDATION,
    )
    train_batch_size: int = _option(8, "Clips per training batch (per process under torchrun).")
    val_batch_size: int = _option(8, "Clips per validation batch.", commands=WITH_VALIDATION)
    num_threads: int = _option(4, "DALI CPU threads (or frame-loader workers) per process.")

    # --- model ----------------------------------------------------------------------------------
    features_model_name: str = _option("regnety_008", "timm backbone (regnety_008; regnety_002 is small).")
    temporal_shift_mode: TemporalShiftMode = _option(
        "gsf", "Temporal shift in the backbone's last two stages: gsf, gsm or none."
    )
    tdeed_arch_n_layers: int = _option(2, "Levels of the SGP encoder-decoder.")
    tdeed_arch_sgp_ks: int = _option(5, "Kernel size of the SGP layers (odd).")
    tdeed_arch_sgp_k: int = _option(4, "SGP k: ratio of the long to the short branch window.")
    tdeed_arch_dropout: float = _option(0.5, "Dropout before the class head (0 <= p < 1).")
    tdeed_arch_displacement_dropout: float = _option(
        0.5, "Dropout before the displacement head (dude-k: 0.5, as before the class head; 0: none)."
    )
    pretrained: bool = _option(
        True, "Start the backbone from timm's ImageNet weights (downloaded from the hub)."
    )
    model_checkpoint_path: Path | None = _option(
        None,
        "Weights to start from: pretrain loads the whole model; train/train-challenge only the "
        "backbone + temporal layers (heads and positional encoding start fresh).",
        metavar="PATH",
    )

    # --- optimisation ---------------------------------------------------------------------------
    nr_epochs: int = _option(40, "Training epochs.")
    warm_up_epochs: int = _option(1, "Epochs of linear learning-rate warm-up before the cosine decay.")
    warm_up_start_factor: float = _option(
        0.01, "Learning-rate factor of the first warm-up step, rising linearly to 1 (dude-k: 0.01)."
    )
    learning_rate: float = _option(
        0.0006, "Peak learning rate of AdamW.", per_command={"train-challenge": 0.0008}
    )
    weight_decay: float = _option(0.01, "AdamW weight decay.")
    acc_grad_iter: int = _option(1, "Batches whose gradients are accumulated per optimizer step.")
    loss_foreground_weight: float = _option(
        5.0, "Cross-entropy weight of event classes (background weighs 1)."
    )
    grad_clip_norm: float = _option(1.0, "Clip the gradient norm to this value before each step (0: off).")
    precision: Precision = _option(
        "auto", "Autocast precision: auto = bf16 on CUDA, fp32 on CPU; fp16 uses a gradient scaler."
    )
    ema: bool = _option(False, "Keep an exponential moving average of the weights; evaluate and save it.")
    ema_decay: float = _option(0.999, "Decay of the weight EMA per optimizer step.")
    mixup: bool = _option(False, "Mix pairs of clips (frames and soft targets) within a batch.")
    mixup_alpha: float = _option(0.2, "Mixup weights are drawn from Beta(alpha, alpha).")

    # --- evaluation -----------------------------------------------------------------------------
    eval_metric: EvalMetric = _option(
        "loss",
        "Pick the best epoch by validation loss, or by team-mAP@1 on the validation games (map).",
        commands=WITH_VALIDATION,
        per_command={"train": "map"},
    )
    start_eval_epoch_nr: int = _option(
        0, "First epoch (0-based) that is evaluated and can become the best.", commands=WITH_VALIDATION
    )

    # --- output ---------------------------------------------------------------------------------
    save_as: Path = _option(
        Path("tdeed_pretrained.pt"),
        "Where the best model is written (train-challenge: the final model). Training state for "
        "--resume goes beside it as <name>.last.pt.",
        per_command={"train": Path("tdeed_best.pt"), "train-challenge": Path("tdeed_challenge.pt")},
        metavar="PATH",
    )
    save_every_epoch: bool = _option(
        False,
        "Also keep the model of every epoch as <name>.epochNNN.pt (true/false).",
        metavar="BOOLEAN",
    )
    checkpoint_every_steps: int = _option(
        0, "Also write <name>.last.pt every this many optimizer steps (0: only at the end of epochs)."
    )
    resume: Path | None = _option(
        None, "Continue a run from its <name>.last.pt exactly where it stopped.", metavar="PATH"
    )
    experiment_name: str = _option(
        "tdeed_pretraining",
        "Run name: TensorBoard logs go to runs/<name>; also the W&B run's name and, unless "
        "--wandb_experiment_name says otherwise, its project.",
        per_command={"train": "tdeed_training", "train-challenge": "tdeed_training_challenge"},
    )
    use_wandb: bool = _option(
        False,
        "Also log the TensorBoard scalars to Weights & Biases (true/false; pip install "
        "'dudek_dali[wandb]'; WANDB_MODE=offline logs without network).",
        metavar="BOOLEAN",
    )
    wandb_experiment_name: str | None = _option(
        None,
        "W&B project to log to (default: --experiment_name, as dude-k); giving it turns --use_wandb on.",
    )
    log_dir: Path | None = _option(
        None, "TensorBoard folder (default: runs/<experiment_name>).", metavar="PATH"
    )
    random_seed: int = _option(
        42,
        "Seed of every random source (weights, clip order, augmentation, dropout, mixup, random split).",
        per_command={"train": 116},
    )
    device: str = _option("auto", "Training device: auto, cpu, cuda or cuda:N (torchrun: cuda:LOCAL_RANK).")
    progress: bool = _option(True, "Show a progress bar per epoch.")

    def __post_init__(self) -> None:
        self.dataset_path = None if self.dataset_path is None else Path(self.dataset_path)
        self.save_as = Path(self.save_as)
        self.input_size = tuple(int(v) for v in self.input_size)  # type: ignore[assignment]
        if self.overlap is None:
            self.overlap = seed_overlap(
                self.clip_frames_count, command="train-challenge" if not self.validate else "train"
            )
        for name in ("model_checkpoint_path", "resume", "log_dir"):
            value = getattr(self, name)
            setattr(self, name, None if value is None else Path(value))
        if self.wandb_experiment_name:
            self.use_wandb = True  # naming the W&B project asks for W&B
        _check_config(self)

    @property
    def run_dir(self) -> Path:
        """The TensorBoard folder of this run."""
        return self.log_dir if self.log_dir is not None else Path("runs") / self.experiment_name

    @property
    def wandb_project(self) -> str:
        """The W&B project of the run: dude-k calls ``wandb.init(project=experiment_name)``."""
        return self.wandb_experiment_name or self.experiment_name

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (paths as strings, tuples as lists): stored in checkpoints without pickle."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def for_command(cls, command: str, **values: Any) -> TrainConfig:
        """A config with ``command``'s defaults, overridden by ``values``."""
        if command not in COMMANDS:
            raise ValueError(f"command must be one of {COMMANDS}, got {command!r}")
        merged = {
            f.name: f.metadata["per_command"][command]
            for f in dataclasses.fields(cls)
            if command in f.metadata.get("per_command", {})
        }
        merged["layout"] = "broadcast" if command == "pretrain" else "bas"
        merged["validate"] = command in WITH_VALIDATION
        merged.update(values)
        return cls(**merged)


def seed_overlap(clip_frames: int, *, command: str) -> int:
    """The seed's window overlap for its default clip length, scaled to ``clip_frames``."""
    seed_clip, seed_over = _SEED_WINDOWS[command]
    return min(clip_frames - 1, round(clip_frames * seed_over / seed_clip))


def _check_config(c: TrainConfig) -> None:
    """Clear messages for values no run can use (checked before anything heavy starts)."""
    _choice(c, "layout", ("bas", "broadcast"))
    _choice(c, "resolution", (224, 720))
    _choice(c, "video_source", (AUTO, *TRAINING_SOURCES))
    _choice(c, "precision", get_args(Precision))
    _choice(c, "eval_metric", get_args(EvalMetric))
    _choice(c, "split", get_args(SplitMode))
    _choice(c, "temporal_shift_mode", TEMPORAL_SHIFT_MODES)
    _choice(c, "camera_move_style", CAMERA_STYLES)
    for name in (
        "clip_frames_count", "stride", "train_batch_size", "val_batch_size", "num_threads",
        "nr_epochs", "acc_grad_iter", "tdeed_arch_sgp_ks", "tdeed_arch_sgp_k",
    ):  # fmt: skip
        _at_least(c, name, 1)
    for name in ("displacement", "warm_up_epochs", "start_eval_epoch_nr", "checkpoint_every_steps",
                 "tdeed_arch_n_layers", "random_seed"):  # fmt: skip
        _at_least(c, name, 0)
    for name in ("enforce_train_epoch_size", "enforce_val_epoch_size"):
        if getattr(c, name) is not None:
            _at_least(c, name, 1)
    if not 0 <= c.overlap < c.clip_frames_count:
        raise ValueError(
            f"overlap must be in 0..clip_frames_count-1 ({c.clip_frames_count - 1}), got {c.overlap}"
        )
    for name in ("flip_proba", "camera_move_proba", "crop_proba", "color_jitter_proba", "even_choice_proba"):
        if not 0.0 <= getattr(c, name) <= 1.0:
            raise ValueError(f"{name} must be a probability in [0, 1], got {getattr(c, name)}")
    if c.gaussian_blur_kernel_size not in (0, BLUR_WINDOW):
        raise ValueError(
            f"gaussian_blur_kernel_size must be {BLUR_WINDOW} (the loaders blur with a fixed "
            f"{BLUR_WINDOW}x{BLUR_WINDOW} window) or 0 to turn blur off, got {c.gaussian_blur_kernel_size}"
        )
    for name in ("tdeed_arch_dropout", "tdeed_arch_displacement_dropout"):
        if not 0.0 <= getattr(c, name) < 1.0:
            raise ValueError(f"{name} must be in [0, 1), got {getattr(c, name)}")
    if not 0.0 <= c.warm_up_start_factor <= 1.0:
        raise ValueError(f"warm_up_start_factor must be in [0, 1], got {c.warm_up_start_factor}")
    for name in ("even_choice_augment_factor", "event_radius_sec"):
        if not getattr(c, name) >= 0:
            raise ValueError(f"{name} must be >= 0, got {getattr(c, name)}")
    if len(c.input_size) != 2 or min(c.input_size) < 32:
        raise ValueError(f"input_size must be HxW with both sides >= 32, got {c.input_size}")
    if c.warm_up_epochs > c.nr_epochs:
        raise ValueError(f"warm_up_epochs ({c.warm_up_epochs}) cannot exceed nr_epochs ({c.nr_epochs})")
    positive = ("learning_rate", "loss_foreground_weight")
    for name in positive:
        if not getattr(c, name) > 0:
            raise ValueError(f"{name} must be > 0, got {getattr(c, name)}")
    for name in ("weight_decay", "grad_clip_norm"):
        if getattr(c, name) < 0:
            raise ValueError(f"{name} must be >= 0, got {getattr(c, name)}")
    if not 0.0 < c.ema_decay < 1.0:
        raise ValueError(f"ema_decay must be in (0, 1), got {c.ema_decay}")
    if not c.mixup_alpha > 0:
        raise ValueError(f"mixup_alpha must be > 0, got {c.mixup_alpha}")
    check_device_name(c.device)


def _choice(c: TrainConfig, name: str, allowed: tuple) -> None:
    if getattr(c, name) not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, got {getattr(c, name)!r}")


def _at_least(c: TrainConfig, name: str, minimum: int) -> None:
    value = getattr(c, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
