"""``dudek demo``: the main job on the embedded default (a synthetic SN-BAS-2025)."""

from __future__ import annotations

from pathlib import Path

import typer

from dudek_dali.cli._app import app
from dudek_dali.cli.options import SourceCommand, source_option
from dudek_dali.demo import DemoConfig

_DEFAULTS = DemoConfig()


@app.command(cls=SourceCommand)
def demo(
    workdir: Path = typer.Option(Path("demo"), help="Folder for the dataset, model, logs, plots and zips."),
    source: str = source_option(),
    epochs: int = typer.Option(_DEFAULTS.epochs, help="Training epochs (each of --clips-per-epoch clips)."),
    clips_per_epoch: int = typer.Option(_DEFAULTS.clips_per_epoch, help="Training clips per epoch."),
    seed: int = typer.Option(0, help="Seed of the synthetic dataset and of training."),
) -> None:
    """Synthesise a small SN-BAS-2025, train T-DEED through DALI, evaluate the test games, write the zips.

    Takes a few minutes on a 2-core CPU; uses no hub weights and no network.
    """
    from rich.console import Console

    from dudek_dali.cli.demo_report import demo_summary
    from dudek_dali.demo import run_demo

    config = DemoConfig(epochs=epochs, clips_per_epoch=clips_per_epoch, seed=seed)
    result = run_demo(workdir, source=source, config=config)
    Console().print(demo_summary(result))
