"""Steps/s and data-wait fraction of a short training run with each loader.

Runs the trainer itself (``setup`` then ``train_one_epoch``, the pieces ``train_model`` calls)
as ``train-challenge`` on every labelled game of the dataset, in a fresh process per loader,
with random weights and small epochs. The trainer measures the time each step waits for its
batch; the first epoch also pays the loader's start-up, so the steady state is the last epoch.
On a CPU-only machine the model's forward and backward dominate and hide the loaders'
differences; the data-wait fraction says how much faster a loader would make training.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dudek_dali.bench.frame_prep import prepare_frames, remove_frame_folders
from dudek_dali.bench.isolate import IsolatedError, run_isolated
from dudek_dali.bench.loaders import resolve_loaders
from dudek_dali.bench.machine import describe_machine
from dudek_dali.data.games import discover_games
from dudek_dali.devices import usable_cores


@dataclass(frozen=True)
class TrainingSpec:
    """The short run: by default the seed's clips on the small backbone, 2 epochs of 8 steps."""

    model: str = "regnety_002"
    clip_frames: int = 80
    size: tuple[int, int] = (224, 224)
    batch_size: int = 4
    steps: int = 8  # optimizer steps per epoch
    epochs: int = 2

    def __post_init__(self) -> None:
        if self.steps < 1 or self.epochs < 1 or self.batch_size < 1:
            raise ValueError("steps, epochs and batch_size must be >= 1")

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "size": list(self.size)}


def measure_training(kind: str, root: Path, spec: TrainingSpec, *, workers: int) -> dict[str, Any]:
    """One short run without validation (as ``dudek train-challenge``) with the ``kind`` loader, in
    this process."""
    import time

    from rich.console import Console

    from dudek_dali.clips.sampling import SamplingConfig, scaled_overlap
    from dudek_dali.model.config import TDeedConfig
    from dudek_dali.train.config import DataConfig, OptimConfig, RunConfig, TrainConfig
    from dudek_dali.train.loop import train_one_epoch
    from dudek_dali.train.setup import setup

    with tempfile.TemporaryDirectory(prefix="dudek-bench-train-") as tmp:
        config = TrainConfig(
            data=DataConfig(
                dataset_path=root, validate=False, source=kind, batch_size=spec.batch_size, workers=workers
            ),
            sampling=SamplingConfig(
                clip_frames=spec.clip_frames, overlap=scaled_overlap(spec.clip_frames),
                epoch_size=spec.batch_size * spec.steps,
            ),  # fmt: skip
            model=TDeedConfig(
                features_model_name=spec.model, clip_frames=spec.clip_frames, input_size=spec.size,
                pretrained=False,
            ),  # fmt: skip
            optim=OptimConfig(epochs=spec.epochs, warm_up_epochs=0),
            run=RunConfig(save_as=Path(tmp) / "model.pt", log_dir=Path(tmp) / "runs", progress=False),
        )
        start = time.perf_counter()
        run = setup(config, console=Console(file=io.StringIO()))
        setup_s = time.perf_counter() - start
        try:
            epochs = []
            for epoch in range(spec.epochs):
                run.state.epoch, run.state.step_in_epoch = epoch, 0  # fit's end-of-epoch bookkeeping
                epochs.append(train_one_epoch(run, epoch))
        finally:
            run.close_loaders()
            run.logger.close()
    last = epochs[-1]
    return {
        "loader": kind,
        "device": str(run.device),
        "setup_s": setup_s,
        "first_epoch_s": epochs[0].seconds,
        "steps_per_s": run.steps_per_epoch / last.seconds if last.seconds else 0.0,
        "clips_per_s": last.clips_per_second,
        "data_wait_fraction": last.data_wait_fraction,
        "first_epoch_data_wait_fraction": epochs[0].data_wait_fraction,
    }


def training_study(
    root: Path,
    spec: TrainingSpec,
    *,
    kinds: tuple[str, ...] = ("dali-gpu", "dali-cpu", "frames"),
    workers: int | None = None,
    keep_frames: bool = False,
    log=print,
) -> dict[str, Any]:
    """Measure each loader's short training run (module docstring)."""
    workers = workers or usable_cores()
    games = [g for g in discover_games(root).games if g.is_labelled]
    if not games:
        raise ValueError(f"{root}: no labelled games to train on")
    loaders, skipped = resolve_loaders(games, kinds)
    rows: dict[str, Any] = {k: {"loader": k, "skipped": why} for k, why in skipped.items()}
    frames = None
    if "frames" in kinds:
        log("frame folders for every labelled game")
        frames = prepare_frames(games, workers=workers, stride=2, size=spec.size)
    try:
        for kind in loaders:
            log(f"training {spec.epochs} x {spec.steps} steps with {kind}")
            try:
                rows[kind] = run_isolated(measure_training, kind, Path(root), spec, workers=workers)
            except IsolatedError as err:
                rows[kind] = {"loader": kind, "failed": str(err)}
    finally:
        if frames and frames["created"] and not keep_frames:
            remove_frame_folders(games)
    return {
        "benchmark": "training",
        "machine": describe_machine(),
        "spec": spec.to_json(),
        "games": len(games),
        "loaders": rows,
    }
