"""``dudek info`` and ``dudek download``: look at a dataset, fetch the real one."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from dudek_dali.cli._app import UserError, app


class LayoutOption(str, Enum):
    bas = "bas"
    broadcast = "broadcast"


class ResolutionOption(str, Enum):
    r224 = "224"
    r720 = "720"


class DatasetName(str, Enum):
    sn_bas_2025 = "sn-bas-2025"
    broadcasts = "broadcasts"


@app.command()
def info(
    dataset: Path | None = typer.Argument(
        None, help="Dataset root holding <league>/<season>/<match>/ folders (not needed with --classes)."
    ),
    layout: LayoutOption = typer.Option(
        LayoutOption.bas,
        help="bas: SN-BAS-2025 (one video per game); broadcast: older games, a video per half.",
    ),
    resolution: ResolutionOption = typer.Option(
        ResolutionOption.r224, help="Which videos to read: 224p or 720p."
    ),
    classes: bool = typer.Option(
        False, "--classes", help="Print the team-doubled model outputs in index order and exit."
    ),
) -> None:
    """Summarise a dataset: games, durations, frame rates, annotation counts per class and team."""
    from rich.console import Console

    from dudek_dali.cli.data_tables import classes_table, games_table, label_counts_table
    from dudek_dali.data.games import discover_games, label_set_of

    console = Console()
    label_set = label_set_of(layout.value)
    if classes:
        console.print(classes_table(label_set))
        return
    if dataset is None:
        raise UserError("give a DATASET folder (or --classes)")
    found = discover_games(dataset, layout=layout.value, resolution=int(resolution.value))
    if found.problems:
        for problem in found.problems:
            typer.secho(f"error: {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    if not found.games:
        raise UserError(f"{dataset}: no {layout.value} games at {resolution.value}p found")
    from dudek_dali.data.summary import summarize

    summary = summarize(found.games, label_set)
    console.print(games_table(summary))
    console.print(label_counts_table(summary))


@app.command()
def download(
    dataset: DatasetName = typer.Argument(
        ..., help="sn-bas-2025 (Hugging Face hub) or broadcasts (SoccerNet)."
    ),
    local_dir: Path = typer.Option(..., "--local-dir", help="Folder to download into."),
    include_720p: bool = typer.Option(
        False, "--include-720p", help="broadcasts: also fetch the 720p halves (most of the ~1.2 TB)."
    ),
    password: str | None = typer.Option(
        None,
        help="broadcasts: the NDA password (default: $SOCCERNET_PASSWORD, else you are prompted).",
        show_default=False,
    ),
) -> None:
    """Download SN-BAS-2025 or the broadcast videos, then print the unzip step that needs the NDA password."""
    from dudek_dali.data import download as dl

    if dataset is DatasetName.sn_bas_2025:
        path = dl.download_sn_bas_2025(local_dir)
        typer.echo(f"downloaded {dl.SN_BAS_REPO} to {path}")
        typer.echo("Unzip the labelled zips into ONE folder (7z asks for the NDA password):")
        typer.echo(dl.sn_bas_unzip_instructions(path, Path(local_dir) / "sn_bas_2025"))
        return
    password = password or dl.password_from_env() or typer.prompt("SoccerNet NDA password", hide_input=True)
    dl.download_broadcasts(local_dir, password=password, include_720p=include_720p)
    typer.echo(f"downloaded broadcast videos to {local_dir}")
    typer.echo("Their labels ship inside SN-BAS-2025; unzip them next to the videos (NDA password):")
    typer.echo(dl.broadcast_label_instructions(Path("SN-BAS-2025"), local_dir))
