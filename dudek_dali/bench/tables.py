"""Rich tables of benchmark results (the terminal view of the same dicts the JSON holds)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

from dudek_dali.bench.machine import machine_line
from dudek_dali.bench.spec import LOADER_NAMES

MIB = 2**20


def fmt(value: Any, spec: str = ".1f", missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def loaders_table(result: dict[str, Any]) -> Table:
    """One row per loader: start-up, rates, decode waste, CPU, memory (skipped ones say why)."""
    spec = result["spec"]
    clip = f"{spec['clip_frames']} frames at stride {spec['stride']}, {spec['size'][0]}x{spec['size'][1]}"
    augment = "augmented" if spec["augment"] else "no augmentation"
    table = Table(
        title=f"loaders: {clip}, {augment}, batches of {spec['batch_size']}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    columns = ("loader", "start\ns", "clips\n/s", "frames\n/s", "decoded\n/s", "decoded\n/frame",
               "CPU\ncores", "PSS\nMiB", "GPU\nMiB")  # fmt: skip
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right", no_wrap=True)
    skipped = []
    for kind, row in result["loaders"].items():
        name = LOADER_NAMES.get(kind, kind)
        if "frames_per_s" not in row:
            why = row.get("skipped") or row.get("failed", "?").splitlines()[0]
            skipped.append(f"{name} {'skipped' if 'skipped' in row else 'failed'}: {why}")
            continue
        table.add_row(
            name if kind != "frames" else f"frames {row['device']}",
            fmt(row["startup_s"]), fmt(row["clips_per_s"], ".2f"),
            fmt(row["frames_per_s"], ",.0f"), fmt(row["decoded_frames_per_s"], ",.0f"),
            fmt(row["decoded_per_delivered"], ".2f"), fmt(row["cpu_cores"], ".2f"),
            fmt(row["peak_pss_mib"], ",.0f"), fmt(row["gpu_memory_mib"], ",.0f"),
        )  # fmt: skip
    result = {**result, "_notes": skipped}
    table.caption = _caption(result)
    return table


def _caption(result: dict[str, Any]) -> str:
    lines = [machine_line(result["machine"]), *result.get("_notes", [])]
    ratio = result.get("ratio")
    if ratio is not None:
        dali, frames = result["ratio_between"]
        lines.append(f"ratio {dali} / {frames} frames/s = {ratio:.2f}")
    prep = result.get("preparation", {}).get("frames")
    if prep:
        lines.append(preparation_line(prep))
    return "\n".join(lines)


def preparation_line(prep: dict[str, Any]) -> str:
    """Disk and extraction time the frame approach needs, in one line."""
    disk = (
        f"frame folders {prep['disk_bytes'] / MIB:,.0f} MiB vs videos {prep['video_bytes'] / MIB:,.0f} MiB "
        f"({prep['frames_to_video_disk']:.1f}x)"
    )
    if "seconds" in prep:
        rate = f"{prep['frames_per_s']:,.0f} frames/s, {prep['workers']} workers"
        speed = f"extraction {prep['seconds']:.1f} s ({rate})"
    else:
        speed = f"extraction not timed ({prep.get('note', 'folders existed')})"
    return f"{disk}; {speed}"
