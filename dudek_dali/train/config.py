"""What one training run is: the configs its parts take, composed, each checking its own values.

:class:`TrainConfig` is made of the configs it feeds, handed on as they are:

* ``data`` (:class:`DataConfig`): which games (dataset, layout, resolution, split, validation),
  where frames come from (``source``: a name, resolved once when the run is set up), batch sizes,
  loader threads and the target radius;
* ``sampling`` (:class:`~dudek_dali.clips.SamplingConfig`): which clips an epoch trains on and
  their augmentation (:class:`~dudek_dali.clips.AugmentConfig`), given to the clip loader as it is;
  its ``seed``, ``rank`` and ``world_size`` are the run's, filled in by setup;
* ``model`` (:class:`~dudek_dali.model.TDeedConfig`): the architecture and how it reads video
  (clip length, stride, input size): what every checkpoint stores;
* ``optim`` (:class:`OptimConfig`): epochs, schedule, AdamW, loss weights, precision, EMA, mixup;
* ``run`` (:class:`RunConfig`): where it starts (a checkpoint, ``--resume``), what it writes and
  logs, how it is evaluated, its seed and device.

A clip's length and stride are the model's and the sampler's at once; :class:`TrainConfig` checks
that the two agree (and that the model's class head fits the layout's label set) instead of
copying one into the other. How dude-k's flat command-line options (``--clip_frames_count``,
``--nr_epochs``, ...) and their per-command defaults map onto these fields is the command line's
business: one table, :mod:`dudek_dali.cli.train_options`. The library defaults below are this
project's; where they differ from dude-k's, the README's "Differences from dude-k" table says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from dudek_dali.clips.sampling import SamplingConfig
from dudek_dali.data.games import Layout, Resolution, check_layout, check_resolution, label_set_of
from dudek_dali.devices import check_device_name
from dudek_dali.model.config import TDeedConfig

Precision = Literal["auto", "bf16", "fp16", "fp32"]
EvalMetric = Literal["loss", "map"]
SplitMode = Literal["official", "random"]
# The seed's split of the ~500 broadcast games: 460 train / 40 valid.
PRETRAIN_VALID_FRACTION = 40 / 500


@dataclass(frozen=True)
class DataConfig:
    """Which games a run reads, from where, in what batches.

    ``validate``: hold out validation games (pretraining: 40 of every 500 at random; SN-BAS-2025:
    the official split, or ``split="random"``); off trains on every labelled game.
    ``displacement``: an event labels the clip frames within this many frames of it.
    """

    dataset_path: Path
    layout: Layout = "bas"
    resolution: Resolution = 224
    validate: bool = True
    split: SplitMode = "official"
    source: str = "auto"
    batch_size: int = 8
    val_batch_size: int = 8
    val_epoch_size: int | None = None  # None: every window of the validation videos
    workers: int = 4  # DALI CPU threads, or frame-loader processes, per process
    displacement: int = 4

    def __post_init__(self) -> None:
        object.__setattr__(self, "dataset_path", Path(self.dataset_path))
        check_layout(self.layout)
        check_resolution(self.resolution)
        _choice("split", self.split, get_args(SplitMode))
        for name in ("batch_size", "val_batch_size", "workers"):
            _at_least(name, getattr(self, name), 1)
        _at_least("displacement", self.displacement, 0)
        if self.val_epoch_size is not None:
            _at_least("val_epoch_size", self.val_epoch_size, 1)


@dataclass(frozen=True)
class OptimConfig:
    """How the weights are fitted (the schedule: :mod:`.schedule`; the step: :mod:`.loop`)."""

    epochs: int = 40
    warm_up_epochs: int = 1
    warm_up_start_factor: float = 0.01  # of the peak rate at the first step, rising linearly to 1
    learning_rate: float = 6e-4
    weight_decay: float = 0.01
    grad_accumulation: int = 1  # batches per optimizer step
    foreground_weight: float = 5.0  # cross-entropy weight of event classes (background: 1)
    grad_clip_norm: float = 1.0  # 0: no clipping
    precision: Precision = "auto"  # bf16 on CUDA, fp32 on the CPU; fp16 adds a gradient scaler
    ema: bool = False
    ema_decay: float = 0.999
    mixup: bool = False
    mixup_alpha: float = 0.2

    def __post_init__(self) -> None:
        _at_least("epochs", self.epochs, 1)
        _at_least("grad_accumulation", self.grad_accumulation, 1)
        _at_least("warm_up_epochs", self.warm_up_epochs, 0)
        if self.warm_up_epochs > self.epochs:
            raise ValueError(f"warm_up_epochs ({self.warm_up_epochs}) cannot exceed epochs ({self.epochs})")
        if not 0.0 <= self.warm_up_start_factor <= 1.0:
            raise ValueError(f"warm_up_start_factor must be in [0, 1], got {self.warm_up_start_factor}")
        for name in ("learning_rate", "foreground_weight", "mixup_alpha"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("weight_decay", "grad_clip_norm"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not 0.0 < self.ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1), got {self.ema_decay}")
        _choice("precision", self.precision, get_args(Precision))


@dataclass(frozen=True)
class RunConfig:
    """Where a run starts, what it writes and logs, how it is evaluated, its seed and device.

    ``start_from``: a checkpoint to start from (a pretraining run loads the whole model; fine-tuning
    only the backbone and temporal layers); ``resume``: a run's ``<name>.last.pt``, continued
    exactly. The best model goes to ``save_as`` (without validation: the last one), the resumable
    state beside it as ``<name>.last.pt``. ``seed`` seeds every random source: weights, clip order,
    augmentation, dropout, mixup, the random split.
    """

    save_as: Path = Path("tdeed_best.pt")
    start_from: Path | None = None
    resume: Path | None = None
    save_every_epoch: bool = False
    checkpoint_every_steps: int = 0  # also write <name>.last.pt every this many optimizer steps
    experiment_name: str = "tdeed_training"
    log_dir: Path | None = None  # TensorBoard; default runs/<experiment_name>
    wandb_project: str | None = None  # naming a project turns W&B on
    use_wandb: bool = False
    eval_metric: EvalMetric = "loss"  # the best epoch by validation loss, or by team-mAP@1
    start_eval_epoch: int = 0  # the first epoch (0-based) evaluated and eligible as the best
    seed: int = 42
    device: str = "auto"
    progress: bool = True
    trust_pickle: bool = False  # read a start checkpoint that needs arbitrary Python objects

    def __post_init__(self) -> None:
        for name in ("save_as", "start_from", "resume", "log_dir"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value))
        _choice("eval_metric", self.eval_metric, get_args(EvalMetric))
        for name in ("checkpoint_every_steps", "start_eval_epoch", "seed"):
            _at_least(name, getattr(self, name), 0)
        check_device_name(self.device)

    @property
    def run_dir(self) -> Path:
        """The TensorBoard folder of this run."""
        return self.log_dir if self.log_dir is not None else Path("runs") / self.experiment_name

    @property
    def wandb(self) -> bool:
        """Whether the scalars also go to Weights & Biases."""
        return self.use_wandb or bool(self.wandb_project)

    @property
    def wandb_project_name(self) -> str:
        """The W&B project: dude-k calls ``wandb.init(project=experiment_name)``."""
        return self.wandb_project or self.experiment_name


@dataclass(frozen=True)
class TrainConfig:
    """One training run (module docstring)."""

    data: DataConfig
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    model: TDeedConfig = field(default_factory=TDeedConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def __post_init__(self) -> None:
        for name in ("clip_frames", "stride"):
            if getattr(self.sampling, name) != getattr(self.model, name):
                raise ValueError(
                    f"sampling.{name} ({getattr(self.sampling, name)}) and model.{name} "
                    f"({getattr(self.model, name)}) must agree: the model reads the clips the sampler cuts"
                )
        label_set = label_set_of(self.data.layout)
        if self.model.num_outputs != label_set.num_outputs:
            raise ValueError(
                f"model.num_outputs is {self.model.num_outputs}, but {self.data.layout} games have "
                f"{label_set.num_outputs} team-doubled outputs ({label_set.num_classes} classes)"
            )
        if self.data.layout == "bas" and self.sampling.event_radius_sec is not None:
            raise ValueError("sampling.event_radius_sec applies to broadcast games (pretraining) only")
        if self.run.eval_metric == "map" and not self.data.validate:
            raise ValueError("eval_metric 'map' needs validation games (data.validate)")

    def to_dict(self) -> dict[str, Any]:
        """Plain nested values (paths as strings, tuples as lists): stored in checkpoints without pickle."""
        return _plain(asdict(self))

    def flat(self) -> dict[str, Any]:
        """``section.field`` -> value of every leaf (``sampling.augment.flip_proba``): for comparing runs."""
        return flatten(self.to_dict())


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested config values (:meth:`TrainConfig.to_dict`) as ``section.field`` -> value."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _choice(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, got {value!r}")


def _at_least(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
