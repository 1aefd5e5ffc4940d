"""``bas-frame-extract`` and ``bas-tdeed-train``: dude-k's command lines, as thin aliases.

dude-k (the seed) ships two console scripts; a dude-k user's command lines run here unchanged:

* ``bas-frame-extract extract-bas-frames`` / ``extract-action-spotting-frames`` ->
  ``dudek extract-frames --layout bas`` / ``--layout broadcast``;
* ``bas-tdeed-train pretrain`` / ``train`` / ``train-challenge`` -> the ``dudek`` commands of the
  same names (every option of those too), reading frame folders unless told to decode video;
* ``bas-tdeed-train create-solution`` -> ``dudek submit``.

Each command only maps option names onto ours and calls the command or library function behind
it; what an option of dude-k means here (or why it is refused) is decided once, in
:mod:`.options`. dude-k's checkpoints are read wherever a checkpoint is read
(:mod:`dudek_dali.model.dudek_import`, with the other checkpoint formats), and its frame folders
wherever frame folders are (:mod:`dudek_dali.frames`): only its command lines live here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from dudek_dali.cli._app import UserError, create_app
from dudek_dali.cli.data_commands import LayoutOption, ResolutionOption
from dudek_dali.cli.options import DEVICE_HELP, TRUST_PICKLE_HELP, SourceCommand, source_option
from dudek_dali.cli.train_commands import register_training
from dudek_dali.cli.train_options import seed_bool_option
from dudek_dali.compat.options import DUDEK_SOURCE, TRAIN_DEFAULTS
from dudek_dali.errors import DudekError

FRAME_EXTRACT = "bas-frame-extract"
TDEED_TRAIN = "bas-tdeed-train"


frame_extract_app = create_app(
    FRAME_EXTRACT, "dude-k's frame extraction: `dudek extract-frames` under its names."
)
tdeed_train_app = create_app(
    TDEED_TRAIN, "dude-k's T-DEED training and submission: the `dudek` commands under its names."
)


GRAYSCALE_HELP = "Refused when true: no training reads grayscale frames (false is accepted)."


def _extract(
    layout: LayoutOption,
    *,
    dataset_path: Path,
    resolution: ResolutionOption,
    stride: int,
    frame_target_width: int,
    frame_target_height: int,
    grayscale: bool,
    save_all: bool,
    quality: int,
    workers: int,
    progress: bool,
    radius_sec: float = 8.0,  # read for the broadcast layout only
) -> None:
    from dudek_dali.cli.frames_commands import extract_frames_command
    from dudek_dali.compat.options import refuse_grayscale

    refuse_grayscale(grayscale)
    extract_frames_command(
        dataset=dataset_path,
        layout=layout,
        resolution=resolution,
        stride=stride,
        size=f"{frame_target_height}x{frame_target_width}",
        save_all=save_all,
        radius_sec=radius_sec,
        quality=quality,
        workers=workers,
        progress=progress,
    )


_DATASET = typer.Option(..., "--dataset-path", "--dataset_path", help="Dataset root.", metavar="PATH")
_RESOLUTION = typer.Option(ResolutionOption.r224, help="Which videos to read: 224p or 720p.")
_STRIDE = typer.Option(2, min=1, help="Keep frames 0, stride, 2*stride, ...")
_WIDTH = typer.Option(224, "--frame-target-width", "--frame_target_width", min=8, help="JPEG width.")
_HEIGHT = typer.Option(224, "--frame-target-height", "--frame_target_height", min=8, help="JPEG height.")
_QUALITY = typer.Option(95, min=1, max=100, help="JPEG quality (95: OpenCV's, as dude-k).")
_WORKERS = typer.Option(1, min=1, help="Videos extracted at once, each in its own process.")
_PROGRESS = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr.")


@frame_extract_app.command("extract-bas-frames")
def extract_bas_frames(
    dataset_path: Path = _DATASET,
    resolution: ResolutionOption = _RESOLUTION,
    stride: int = _STRIDE,
    frame_target_width: int = _WIDTH,
    frame_target_height: int = _HEIGHT,
    grayscale: str = seed_bool_option(False, "--grayscale", help=GRAYSCALE_HELP),
    save_all: str = seed_bool_option(
        False, "--save-all", "--save_all", help="Also extract unlabelled (challenge) games (true/false)."
    ),
    quality: int = _QUALITY,
    workers: int = _WORKERS,
    progress: bool = _PROGRESS,
) -> None:
    """SN-BAS-2025 frames: `dudek extract-frames --layout bas`."""
    _extract(
        LayoutOption.bas, dataset_path=dataset_path, resolution=resolution, stride=stride,
        frame_target_width=frame_target_width, frame_target_height=frame_target_height,
        grayscale=grayscale, save_all=save_all, quality=quality, workers=workers,
        progress=progress,
    )  # fmt: skip


@frame_extract_app.command("extract-action-spotting-frames")
def extract_action_spotting_frames(
    dataset_path: Path = _DATASET,
    resolution: ResolutionOption = _RESOLUTION,
    stride: int = _STRIDE,
    frame_target_width: int = _WIDTH,
    frame_target_height: int = _HEIGHT,
    grayscale: str = seed_bool_option(False, "--grayscale", help=GRAYSCALE_HELP),
    radius_sec: float = typer.Option(
        8.0, "--radius-sec", "--radius_sec", min=0.0, help="Keep frames within this many s of an annotation."
    ),
    quality: int = _QUALITY,
    workers: int = _WORKERS,
    progress: bool = _PROGRESS,
) -> None:
    """Broadcast frames near annotations: `dudek extract-frames --layout broadcast`."""
    _extract(
        LayoutOption.broadcast, dataset_path=dataset_path, resolution=resolution, stride=stride,
        frame_target_width=frame_target_width, frame_target_height=frame_target_height,
        grayscale=grayscale, save_all=False, radius_sec=radius_sec, quality=quality, workers=workers,
        progress=progress,
    )  # fmt: skip


_TRAIN_DOCS = {
    "pretrain": "`dudek pretrain`: broadcast games, 35 outputs.",
    "train": "`dudek train`: SN-BAS-2025, best epoch on the validation games.",
    "train-challenge": "`dudek train-challenge`: every labelled game, from tdeed_pretrained.pt.",
}
_SOURCE_NOTE = (
    " Reads the frame folders bas-frame-extract wrote, as dude-k does; --decode-on-gpu or "
    "--decode-on-cpu decode the video with DALI instead."
)


def _dudek_config(command: str, values: dict[str, Any]):
    from dudek_dali.compat.options import dudek_train_config

    try:
        return dudek_train_config(command, values)
    except ValueError as err:
        raise UserError(str(err)) from None


for _command in ("pretrain", "train", "train-challenge"):
    register_training(
        tdeed_train_app, _command, help=_TRAIN_DOCS[_command] + _SOURCE_NOTE,
        defaults=TRAIN_DEFAULTS.get(_command), make_config=_dudek_config,
    )  # fmt: skip


def _arch_option(dashed: str, alias: str, help: str) -> Any:
    return typer.Option(None, f"--{dashed}", f"--{dashed.replace('-', '_')}", help=help + f" Also --{alias}.")


def _hidden(*names: str) -> Any:
    return typer.Option(None, *names, hidden=True)


@tdeed_train_app.command("create-solution", cls=SourceCommand)
def create_solution(
    dataset_path: Path = typer.Option(
        ..., "--dataset-path", "--dataset_path", help="Games to predict (labels not needed).", metavar="PATH"
    ),
    resolution: ResolutionOption = _RESOLUTION,
    model_checkpoint_path: Path = typer.Option(
        Path("tdeed_challenge.pt"),
        "--model-checkpoint-path",
        "--model_checkpoint_path",
        metavar="PATH",
        help="The model: a dudek checkpoint or a dude-k state dict (converted).",
    ),  # fmt: skip
    solution_archive_file_base_name: str = typer.Option(
        "solution",
        "--solution-archive-file-base-name",
        "--solution_archive_file_base_name",
        help="The archive written is <name>.zip.",
    ),
    clip_frames_count: int | None = typer.Option(
        None, "--clip-frames-count", "--clip_frames_count", help="Checked: must be the model's."
    ),
    overlap: int | None = typer.Option(None, help="Window overlap (default: 85% of the clip, 68 of 80)."),
    displacement: int = typer.Option(4, min=0, help="Accepted; no effect (as in dude-k)."),
    val_batch_size: int = typer.Option(8, "--val-batch-size", "--val_batch_size", min=1, help="Batch size."),
    features_model_name: str | None = typer.Option(
        None, "--features-model-name", "--features_model_name", help="Checked: must be the model's."
    ),
    temporal_shift_mode: str | None = typer.Option(
        None, "--temporal-shift-mode", "--temporal_shift_mode", help="Checked: must be the model's."
    ),
    t_deed_arch_n_layers: int | None = _arch_option(
        "t-deed-arch-n-layers", "tdeed_arch_n_layers", "Checked."
    ),
    t_deed_arch_sgp_ks: int | None = _arch_option("t-deed-arch-sgp-ks", "tdeed_arch_sgp_ks", "Checked."),
    t_deed_arch_sgp_k: int | None = _arch_option("t-deed-arch-sgp-k", "tdeed_arch_sgp_k", "Checked."),
    tdeed_arch_n_layers: int | None = _hidden("--tdeed-arch-n-layers", "--tdeed_arch_n_layers"),
    tdeed_arch_sgp_ks: int | None = _hidden("--tdeed-arch-sgp-ks", "--tdeed_arch_sgp_ks"),
    tdeed_arch_sgp_k: int | None = _hidden("--tdeed-arch-sgp-k", "--tdeed_arch_sgp_k"),
    grayscale: str = seed_bool_option(False, "--grayscale", help=GRAYSCALE_HELP),
    flip_tta: bool = typer.Option(False, "--flip-tta", help="Also score mirrored windows (dude-k: no)."),
    device: str = typer.Option("auto", help=DEVICE_HELP),
    source: str = source_option(
        DUDEK_SOURCE, help="Where frames come from (default: frame folders, as dude-k); see dudek submit."
    ),
    trust_pickle: bool = typer.Option(False, "--trust-pickle", help=TRUST_PICKLE_HELP),
) -> None:
    """`dudek submit`: predict every game, write <base name>.zip (solution.zip).

    The architecture comes from the checkpoint; dude-k's architecture options are checked
    against it. Reads the frame folders `bas-frame-extract extract-bas-frames --save_all=true`
    wrote, unless --decode-on-gpu / --decode-on-cpu.
    """
    from dudek_dali.compat import options as dudek_compat

    architecture = {
        "clip_frames_count": clip_frames_count,
        "features_model_name": features_model_name,
        "temporal_shift_mode": temporal_shift_mode,
        "t_deed_arch_n_layers": _either(t_deed_arch_n_layers, tdeed_arch_n_layers),
        "t_deed_arch_sgp_ks": _either(t_deed_arch_sgp_ks, tdeed_arch_sgp_ks),
        "t_deed_arch_sgp_k": _either(t_deed_arch_sgp_k, tdeed_arch_sgp_k),
    }
    try:
        options = dudek_compat.SolutionOptions(
            archive_base_name=solution_archive_file_base_name,
            resolution=int(resolution.value),  # type: ignore[arg-type]
            overlap=overlap,
            displacement=displacement,
            batch_size=val_batch_size,
            grayscale=grayscale,
            flip_tta=flip_tta,
        )
    except ValueError as err:
        raise UserError(str(err)) from None
    summary = dudek_compat.create_solution(
        dataset_path, model_checkpoint_path, options=options, architecture=architecture,
        device=device, source=source, trust_pickle=trust_pickle,
    )  # fmt: skip
    typer.echo(f"wrote {summary.path}: {summary.games} games, {summary.predictions} predictions")
    typer.echo(f"check it with: dudek validate-submission '{summary.path}'")


def _either(first: Any, second: Any) -> Any:
    if first is not None and second is not None and first != second:
        raise UserError(f"two values for one option: {first} and {second}")
    return first if first is not None else second


def _main(group: typer.Typer, name: str) -> None:
    """Run ``group`` as the console script ``name``: user errors are one line and exit code 2."""
    try:
        group(prog_name=name)
    except (UserError, DudekError) as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        sys.exit(2)


def frame_extract_main() -> None:
    """Console entry point of ``bas-frame-extract``."""
    _main(frame_extract_app, FRAME_EXTRACT)


def tdeed_train_main() -> None:
    """Console entry point of ``bas-tdeed-train``."""
    _main(tdeed_train_app, TDEED_TRAIN)
