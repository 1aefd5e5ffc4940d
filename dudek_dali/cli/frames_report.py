"""Rich rendering for ``dudek extract-frames``: the progress bar and the final report."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dudek_dali.frames import ExtractionProgress, ExtractionReport


@contextlib.contextmanager
def progress_bar(console: Console, *, enabled: bool = True) -> Iterator:
    """Yields the callback :func:`~dudek_dali.frames.extract_frames` reports progress to."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("extracting", total=None)

        def update(state: ExtractionProgress) -> None:
            videos = f"video {min(state.videos_done + 1, state.videos_total)}/{state.videos_total}"
            bar.update(task, total=state.frames_total, completed=state.frames_done, description=videos)

        yield update


def _size(num_bytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if num_bytes < 1024 or unit == "TiB":
            return f"{num_bytes:.1f} {unit}" if unit != "B" else f"{int(num_bytes)} B"
        num_bytes /= 1024
    raise AssertionError("unreachable")


def extraction_table(report: ExtractionReport) -> Table:
    table = Table(title="frame extraction", show_header=False)
    table.add_row("videos extracted", str(len(report.extracted)))
    table.add_row("videos already done (skipped)", str(len(report.skipped)))
    if report.failed:
        table.add_row("videos failed (see the errors below)", str(len(report.failed)))
    if report.unlabelled:
        table.add_row("unlabelled games skipped (use --save-all)", str(len(report.unlabelled)))
    table.add_row("frames written", f"{report.frames_written:,}")
    table.add_row("speed", f"{report.frames_per_second:,.0f} frames/s in {report.seconds:.1f} s")
    table.add_row("disk used by frame folders", _size(report.disk_bytes))
    table.add_row("disk per game-minute", _size(report.bytes_per_game_minute))
    return table
