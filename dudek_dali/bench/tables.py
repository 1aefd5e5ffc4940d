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
    columns = ("loader", "start\ns", "clips\n/s", "frames\n/s", "x\nfloor", "decoded\n/s", "decoded\n/frame",
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
            fmt(row["frames_per_s"], ",.0f"), fmt(row.get("ratio_to_floor"), ".2f"),
            fmt(row["decoded_frames_per_s"], ",.0f"),
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


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right", no_wrap=True)
    return table


def scaling_table(result: dict[str, Any]) -> Table:
    """Start-up (s) and peak PSS (MiB) per dataset size and loader."""
    kinds = [k for k in ("dali-gpu", "dali-cpu", "frames") if any(k in r for r in result["rows"])]
    columns = ["games", "video\nMiB", "frames\nMiB"]
    for kind in kinds:
        columns += [f"{LOADER_NAMES[kind]}\nstart s", f"{LOADER_NAMES[kind]}\nPSS MiB"]
    table = _table(f"scaling: {result['minutes_per_game']:g} min per game", tuple(columns))
    for row in result["rows"]:
        cells = [str(row["games"]), fmt(row["video_mib"]), fmt(row.get("frame_folders_mib"))]
        for kind in kinds:
            m = row.get(kind, {})
            cells += [fmt(m.get("startup_s")), fmt(m.get("peak_pss_mib"), ",.0f")]
        table.add_row(*cells)
    failures = [
        f"{row['games']} games, {LOADER_NAMES[k]} failed: {row[k]['failed'].splitlines()[0]}"
        for row in result["rows"]
        for k in kinds
        if "failed" in row.get(k, {})
    ]
    skipped = [f"{LOADER_NAMES.get(k, k)} skipped: {why}" for k, why in result.get("skipped", {}).items()]
    table.caption = "\n".join([machine_line(result["machine"]), *skipped, *failures])
    return table


def training_table(result: dict[str, Any]) -> Table:
    spec = result["spec"]
    title = (
        f"training: {spec['model']}, {spec['clip_frames']} frames, batches of {spec['batch_size']}, "
        f"{spec['epochs']} x {spec['steps']} steps"
    )
    table = _table(
        title, ("loader", "device", "setup\ns", "first\nepoch s", "steps\n/s", "clips\n/s", "data\nwait")
    )
    notes = []
    for kind, row in result["loaders"].items():
        if "steps_per_s" not in row:
            why = row.get("skipped") or row.get("failed", "?").splitlines()[0]
            notes.append(f"{LOADER_NAMES.get(kind, kind)}: {why}")
            continue
        table.add_row(
            LOADER_NAMES.get(kind, kind), row["device"], fmt(row["setup_s"]), fmt(row["first_epoch_s"]),
            fmt(row["steps_per_s"], ".3f"), fmt(row["clips_per_s"], ".2f"),
            f"{row['data_wait_fraction']:.0%}",
        )  # fmt: skip
    table.caption = "\n".join([machine_line(result["machine"]), *notes])
    return table


def keyframes_table(result: dict[str, Any]) -> Table:
    columns = ("variant", "key\nevery s", "frames\n/s", "decoded\n/frame", "speed\nup", "encode\ns",
               "x\nvideo", "x\nframes", "PSNR\ndB")  # fmt: skip
    loader = LOADER_NAMES.get(result["loader"], result["loader"])
    table = _table(f"keyframe spacing: {loader}; disk against the videos and against frame folders", columns)
    for row in result["variants"]:
        table.add_row(
            row["variant"], fmt(row["keyframe_interval_s"]), fmt(row["frames_per_s"], ",.0f"),
            fmt(row["decoded_per_delivered"], ".2f"), fmt(row["speedup"], ".2f"),
            fmt(row.get("preparation_s")), fmt(row["disk_vs_original"], ".2f"),
            fmt(row["disk_vs_frame_folders"], ".2f"), fmt(row.get("psnr_db"), ".0f"),
        )  # fmt: skip
    lines = [
        machine_line(result["machine"]),
        f"pays: {'yes' if result['pays'] else 'no'} ({result['pays_rule']})",
    ]
    if result.get("frames"):
        lines.append(preparation_line(result["frames"]))
    table.caption = "\n".join(lines)
    return table
