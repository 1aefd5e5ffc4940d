"""Markdown of benchmark results: the dated results file and the README table come from here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dudek_dali.bench.machine import machine_line
from dudek_dali.bench.spec import LOADER_NAMES
from dudek_dali.bench.tables import fmt, preparation_line

MIB = 2**20


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _notes(rows: dict[str, dict[str, Any]], key: str) -> list[str]:
    return [
        f"- {LOADER_NAMES.get(k, k)}: {r.get('skipped') or r.get('failed', '?').splitlines()[0]}"
        for k, r in rows.items()
        if key not in r
    ]


def loaders_markdown(result: dict[str, Any]) -> str:
    spec = result["spec"]
    headers = ("loader", "device", "start-up s", "clips/s", "frames/s", "x decode floor", "decoded frames/s",
               "decoded per frame", "CPU cores", "peak PSS MiB", "peak RSS MiB", "GPU MiB")  # fmt: skip
    rows = [
        (
            LOADER_NAMES.get(k, k),
            r["device"],
            fmt(r["startup_s"]),
            fmt(r["clips_per_s"], ".2f"),
            fmt(r["frames_per_s"], ",.0f"),
            fmt(r.get("ratio_to_floor"), ".2f"),
            fmt(r["decoded_frames_per_s"], ",.0f"),
            fmt(r["decoded_per_delivered"], ".2f"),
            fmt(r["cpu_cores"], ".2f"),
            fmt(r["peak_pss_mib"], ",.0f"),
            fmt(r["peak_rss_mib"], ",.0f"),
            fmt(r["gpu_memory_mib"], ",.0f"),
        )  # fmt: skip
        for k, r in result["loaders"].items()
        if "frames_per_s" in r
    ]
    data = result["dataset"]
    size = f"{spec['size'][1]}x{spec['size'][0]}"
    clips = f"Clips of {spec['clip_frames']} frames at stride {spec['stride']}, {size}"
    augment = "augmented" if spec["augment"] else "not augmented"
    parts = [
        f"{clips}, {augment}, batches of {spec['batch_size']}, random windows; "
        f"{len(data['games'])} games ({data['frames']:,} frames, {', '.join(data['codecs'])} "
        f"{data['resolution']}, a keyframe every {data['mean_keyframe_gap']:.0f} frames); "
        f"{result['seconds']:g} s per loader after its first batch.",
        "",
        md_table(headers, rows),
        *(
            ["", *_notes(result["loaders"], "frames_per_s")]
            if _notes(result["loaders"], "frames_per_s")
            else []
        ),
    ]
    if result.get("ratio") is not None:
        dali, frames = result["ratio_between"]
        parts += ["", f"**ratio** ({dali} frames/s / {frames} frames/s): **{result['ratio']:.2f}**"]
    prep = result.get("preparation", {}).get("frames")
    if prep:
        parts += ["", f"Frame-folder preparation: {preparation_line(prep)}."]
    return "\n".join(parts)


def scaling_markdown(result: dict[str, Any]) -> str:
    kinds = [
        k
        for k in ("dali-gpu", "dali-cpu", "frames")
        if any("startup_s" in r.get(k, {}) for r in result["rows"])
    ]
    headers = ["games", "video MiB", "frame folders MiB"]
    for k in kinds:
        headers += [f"{LOADER_NAMES[k]} start-up s", f"{LOADER_NAMES[k]} PSS MiB"]
    rows = []
    for r in result["rows"]:
        cells = [str(r["games"]), fmt(r["video_mib"]), fmt(r.get("frame_folders_mib"))]
        for k in kinds:
            cells += [fmt(r.get(k, {}).get("startup_s")), fmt(r.get(k, {}).get("peak_pss_mib"), ",.0f")]
        rows.append(cells)
    return f"Synthetic games of {result['minutes_per_game']:g} min.\n\n" + md_table(headers, rows)


def training_markdown(result: dict[str, Any]) -> str:
    spec = result["spec"]
    headers = ("loader", "device", "setup s", "first epoch s", "steps/s", "clips/s", "data wait")
    rows = [
        (
            LOADER_NAMES.get(k, k),
            r["device"],
            fmt(r["setup_s"]),
            fmt(r["first_epoch_s"]),
            fmt(r["steps_per_s"], ".3f"),
            fmt(r["clips_per_s"], ".2f"),
            f"{r['data_wait_fraction']:.0%}",
        )  # fmt: skip
        for k, r in result["loaders"].items()
        if "steps_per_s" in r
    ]
    head = (
        f"train-challenge on {result['games']} games, {spec['model']} (random weights), "
        f"{spec['clip_frames']} frames, {spec['size'][1]}x{spec['size'][0]}, "
        f"batches of {spec['batch_size']}, "
        f"{spec['epochs']} epochs of {spec['steps']} steps (the last epoch is reported)."
    )
    notes = _notes(result["loaders"], "steps_per_s")
    return "\n".join([head, "", md_table(headers, rows), *([""] + notes if notes else [])])


def keyframes_markdown(result: dict[str, Any]) -> str:
    headers = ("variant", "keyframe every s", "frames/s", "decoded per frame", "speed-up", "re-encode s",
               "disk MiB", "x videos", "x frame folders", "luma PSNR dB")  # fmt: skip
    rows = [
        (
            r["variant"],
            fmt(r["keyframe_interval_s"]),
            fmt(r["frames_per_s"], ",.0f"),
            fmt(r["decoded_per_delivered"], ".2f"),
            fmt(r["speedup"], ".2f"),
            fmt(r.get("preparation_s")),
            fmt(r["disk_bytes"] / MIB),
            fmt(r["disk_vs_original"], ".2f"),
            fmt(r["disk_vs_frame_folders"], ".2f"),
            fmt(r.get("psnr_db")),
        )  # fmt: skip
        for r in result["variants"]
    ]
    verdict = f"Pays: **{'yes' if result['pays'] else 'no'}** ({result['pays_rule']})."
    loader = LOADER_NAMES.get(result["loader"], result["loader"])
    return f"Loader: {loader}.\n\n{md_table(headers, rows)}\n\n{verdict}"


def postprocess_markdown(result: dict[str, Any]) -> str:
    headers = ("step", "fast s", "reference s", "speed-up", "max abs diff")
    rows = [
        (
            r["step"],
            fmt(r["fast_s"], ".3f"),
            fmt(r["reference_s"], ".3f") + (" (extrapolated)" if r["reference_extrapolated"] else ""),
            f"{r['speedup']:.0f}x",
            f"{r['max_abs_diff']:.1e}",
        )  # fmt: skip
        for r in result["rows"]
    ]
    return f"A game of {result['frames']:,} frames.\n\n" + md_table(headers, rows)


_SECTIONS = {
    "loaders": ("Loaders side by side", loaders_markdown),
    "loaders_h264": ("Loaders on H.264 video (as SoccerNet ships it)", loaders_markdown),
    "scaling": ("Start-up and memory as the dataset grows", scaling_markdown),
    "training": ("Short training run", training_markdown),
    "keyframes": ("Keyframe spacing", keyframes_markdown),
    "postprocess": ("Post-processing and metric against the references", postprocess_markdown),
}


def results_markdown(results: dict[str, Any]) -> str:
    """The whole results file: machine, then one section per study (failed ones say why)."""
    parts = [f"# Benchmark results, {results['machine']['date']}", "", machine_line(results["machine"]), ""]
    if results.get("command"):
        parts += [f"Command: `{results['command']}`", ""]
    for key, value in results["studies"].items():
        title, render = _SECTIONS.get(key, (key, None))
        parts += [f"## {title}", ""]
        if "error" in value:
            parts += [f"Failed: `{value['error'].splitlines()[0]}`"]
        elif render is not None:
            parts += [render(value)]
        elif "text" in value:
            parts += ["```", value["text"].rstrip(), "```"]
        else:
            parts += ["```json", _compact(value), "```"]
        parts.append("")
    return "\n".join(parts)


def _compact(value: dict[str, Any]) -> str:
    import json

    return json.dumps(value, indent=1, default=str)
