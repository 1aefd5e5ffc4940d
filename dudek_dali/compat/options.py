"""What dude-k's command lines mean here: the decisions behind ``bas-frame-extract`` and
``bas-tdeed-train`` (:mod:`.commands`).

dude-k (PyPI ``dude.k``, the seed) trains from JPEG frame folders that ``bas-frame-extract``
writes, so its aliases read frame folders by default (``--decode-on-gpu`` / ``--decode-on-cpu``
decode the video with DALI instead). Every training option of dude-k is already in the command
line's table (:mod:`dudek_dali.cli.train_options`) with dude-k's name and default; what differs
is collected here, each decision once:

* ``train-challenge`` starts from ``tdeed_pretrained.pt`` by default, as in dude-k (``dudek
  train-challenge`` has no default start); ``--model_checkpoint_path ''`` starts from ImageNet.
* ``create-solution`` takes its architecture from the checkpoint: dude-k's architecture options
  (``--features_model_name``, ``--temporal_shift_mode``, ``--t_deed_arch_*``, ``--clip_frames_count``)
  are checked against it, and a different value is refused (the weights fix them).
  ``--displacement`` has no effect, in dude-k either: it only shapes target vectors that making
  a solution never reads. ``--val_batch_size`` is the batch size, and the archive is
  ``<--solution_archive_file_base_name>.zip`` (``solution.zip``), as dude-k's ``make_archive``.
* ``--grayscale true`` is refused: dude-k writes grayscale JPEGs to ``.grayscale_frames_<video>/``,
  which no training or inference command (dude-k's or ours) reads, and its 3-channel backbones
  could not take them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dudek_dali.cli.train_options import train_config
from dudek_dali.data.games import Resolution
from dudek_dali.errors import DudekError
from dudek_dali.train.config import TrainConfig

if TYPE_CHECKING:
    import torch

    from dudek_dali.inference import SubmissionSummary, TrainedModel

DUDEK_SOURCE = "frames"  # dude-k reads the folders bas-frame-extract wrote
PRETRAINED = Path("tdeed_pretrained.pt")  # dude-k's pretrain --save_as, train-challenge's start
CHALLENGE = Path("tdeed_challenge.pt")  # dude-k's train-challenge --save_as, create-solution's model
SOLUTION_BASE_NAME = "solution"
# Defaults of the aliases where dude-k's differ from dudek's commands.
TRAIN_DEFAULTS: dict[str, dict[str, Any]] = {
    "pretrain": {"source": DUDEK_SOURCE},
    "train": {"source": DUDEK_SOURCE},
    "train-challenge": {"source": DUDEK_SOURCE, "model_checkpoint_path": PRETRAINED},
}
# create-solution's architecture options (dude-k's names) -> TDeedConfig fields.
ARCHITECTURE = {
    "clip_frames_count": "clip_frames",
    "features_model_name": "features_model_name",
    "temporal_shift_mode": "temporal_shift_mode",
    "t_deed_arch_n_layers": "n_layers",
    "t_deed_arch_sgp_ks": "sgp_ks",
    "t_deed_arch_sgp_k": "sgp_k",
}


def refuse_grayscale(grayscale: bool) -> None:
    """``--grayscale true`` as one line saying why (module docstring); false is accepted."""
    if grayscale:
        raise DudekError(
            "--grayscale true: grayscale frames are not supported; dude-k writes them to "
            ".grayscale_frames_<video>/, which no training or inference command reads (dude-k's "
            "or ours: the backbones take RGB); drop --grayscale"
        )


def _no_checkpoint(value: Any) -> bool:
    """dude-k's ``--model_checkpoint_path ''`` (click: empty, falsy): start without one."""
    return value is not None and str(value) in ("", ".")


def dudek_train_config(command: str, values: dict[str, Any]) -> TrainConfig:
    """The :class:`TrainConfig` of ``bas-tdeed-train COMMAND`` given its option values (by dude-k's
    names). Frame folders are the default source. The default ``tdeed_pretrained.pt`` of
    train-challenge must exist; ``ValueError`` for bad values, as the option table raises them.
    """
    values = dict(values)
    if _no_checkpoint(values.get("model_checkpoint_path")):
        values["model_checkpoint_path"] = None
    config = train_config(command, values, defaults=TRAIN_DEFAULTS.get(command))
    default = TRAIN_DEFAULTS.get(command, {}).get("model_checkpoint_path")
    start = config.run.start_from
    if default is not None and start == default and not start.exists():
        raise DudekError(
            f"{start}: checkpoint not found; bas-tdeed-train {command} starts from it by default, "
            f"as dude-k (bas-tdeed-train pretrain writes it): pass --model_checkpoint_path PATH, "
            f"or --model_checkpoint_path '' to start from the ImageNet backbone"
        )
    return config


def check_architecture(checkpoint: Path | str, model: TrainedModel, given: dict[str, Any]) -> None:
    """Refuse an architecture option (dude-k's name -> value, None: not given) the model contradicts."""
    unknown = sorted(set(given) - set(ARCHITECTURE))
    if unknown:
        raise ValueError(f"not architecture options: {', '.join(unknown)}")
    stored = model.config.to_dict()
    for option, value in given.items():
        ours = stored[ARCHITECTURE[option]]
        if value is not None and value != ours:
            raise DudekError(
                f"{checkpoint}: the model was trained with {option} {ours}, --{option} asks for "
                f"{value}; the checkpoint fixes the architecture: drop the option or give {ours}"
            )


@dataclass(frozen=True)
class SolutionOptions:
    """dude-k's ``create-solution`` options besides the dataset and the checkpoint."""

    archive_base_name: str = SOLUTION_BASE_NAME
    resolution: Resolution = 224
    overlap: int | None = None  # None: 85% of the clip (dude-k's 68 for its 80-frame clips)
    displacement: int = 4  # accepted, no effect (module docstring)
    batch_size: int = 8  # dude-k's --val_batch_size
    grayscale: bool = False
    flip_tta: bool = False  # dude-k: use_hflip=False

    def __post_init__(self) -> None:
        if not self.archive_base_name or Path(self.archive_base_name).name in ("", ".", ".."):
            raise ValueError(
                f"solution_archive_file_base_name must name a file, got {self.archive_base_name!r}"
            )
        if self.displacement < 0:
            raise ValueError(f"displacement must be >= 0, got {self.displacement}")
        if self.batch_size < 1:
            raise ValueError(f"val_batch_size must be >= 1, got {self.batch_size}")

    @property
    def archive(self) -> Path:
        """``<base name>.zip``, as ``shutil.make_archive(base_name, "zip")`` names it."""
        return Path(f"{self.archive_base_name}.zip")


def create_solution(
    dataset_path: Path | str,
    checkpoint: Path | str = CHALLENGE,
    *,
    options: SolutionOptions | None = None,
    architecture: dict[str, Any] | None = None,
    device: str | torch.device | None = None,
    source: str = DUDEK_SOURCE,
    progress: bool = True,
    trust_pickle: bool = False,
) -> SubmissionSummary:
    """dude-k's ``create-solution``: predict every game of ``dataset_path``, write the archive.

    ``checkpoint`` may be a dude-k state dict (converted on reading). ``architecture`` holds the
    architecture options as given (None: not given), checked against the checkpoint.
    """
    from dudek_dali.inference import create_submission, load_model

    options = options or SolutionOptions()
    refuse_grayscale(options.grayscale)
    model = load_model(checkpoint, device=device, trust_pickle=trust_pickle)
    check_architecture(checkpoint, model, architecture or {})
    return create_submission(
        dataset_path,
        model,
        output=options.archive,
        resolution=options.resolution,
        overlap=options.overlap,
        batch_size=options.batch_size,
        flip_tta=options.flip_tta,
        source=source,
        progress=progress,
    )
