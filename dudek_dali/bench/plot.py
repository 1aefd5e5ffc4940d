"""PNG charts of benchmark results (matplotlib's Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dudek_dali.bench.machine import machine_line
from dudek_dali.bench.spec import LOADER_TITLES
from dudek_dali.files import write_atomic


def _figure(ncols: int, *, width: float = 5.0, height: float = 3.8):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt, *plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)


def _save(plt, fig, path: Path) -> Path:
    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)
    return path


def plot_loaders(result: dict[str, Any], path: Path) -> Path:
    """Delivered and decoded frames/s per loader, start-up time and peak memory, side by side."""
    rows = {k: r for k, r in result["loaders"].items() if "frames_per_s" in r}
    if not rows:
        raise ValueError("no loader was measured: nothing to plot")
    names = [LOADER_TITLES.get(k, k).replace(" (", "\n(") for k in rows]
    plt, fig, axes = _figure(3)
    x = range(len(rows))
    ax = axes[0][0]
    ax.bar([i - 0.2 for i in x], [r["frames_per_s"] for r in rows.values()], width=0.4, label="delivered")
    ax.bar(
        [i + 0.2 for i in x], [r["decoded_frames_per_s"] for r in rows.values()], width=0.4, label="decoded"
    )
    ax.set_title("frames per second")
    ax.legend()
    axes[0][1].bar(x, [r["startup_s"] for r in rows.values()], color="tab:gray")
    axes[0][1].set_title("start-up to first batch (s)")
    axes[0][2].bar(x, [r["peak_pss_mib"] for r in rows.values()], color="tab:purple")
    axes[0][2].set_title("peak memory, PSS (MiB)")
    for ax in axes[0]:
        ax.set_xticks(list(x), names, fontsize=7)
    ratio = result.get("ratio")
    title = machine_line(result["machine"])
    if ratio is not None:
        title += f"\nDALI / frame folders: {ratio:.2f}x frames/s ({' vs '.join(result['ratio_between'])})"
    fig.suptitle(title, fontsize=8)
    return _save(plt, fig, path)


def plot_lines(
    path: Path, x: list[float], series: dict[str, dict[str, list[float | None]]], *, xlabel: str, title: str
) -> Path:
    """One panel per metric (``series[metric][label] = ys``), one line per label."""
    plt, fig, axes = _figure(len(series))
    for ax, (metric, lines) in zip(axes[0], series.items(), strict=True):
        for label, ys in lines.items():
            points = [(a, b) for a, b in zip(x, ys, strict=True) if b is not None]
            if points:
                ax.plot(*zip(*points, strict=True), marker="o", label=label)
        ax.set_xlabel(xlabel)
        ax.set_title(metric)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=8)
    return _save(plt, fig, path)


def plot_scaling(result: dict[str, Any], path: Path) -> Path:
    """Start-up and peak memory against the number of games, one line per loader."""
    x = [r["games"] for r in result["rows"]]
    kinds = [k for k in LOADER_TITLES if any(k in r and "startup_s" in r[k] for r in result["rows"])]
    series = {
        metric: {LOADER_TITLES[k]: [r.get(k, {}).get(key) for r in result["rows"]] for k in kinds}
        for metric, key in (
            ("start-up to first batch (s)", "startup_s"),
            ("peak memory, PSS (MiB)", "peak_pss_mib"),
        )
    }
    return plot_lines(path, x, series, xlabel="games", title=machine_line(result["machine"]))


def plot_keyframes(result: dict[str, Any], path: Path) -> Path:
    """Delivered frames/s and disk per variant (original, short GOPs, half frame rate)."""
    rows = result["variants"]
    names = [r["variant"] for r in rows]
    plt, fig, axes = _figure(2)
    axes[0][0].bar(names, [r["frames_per_s"] for r in rows], color="tab:blue")
    axes[0][0].set_title(f"delivered frames/s ({result['loader']})")
    disk = [r["disk_bytes"] / 2**20 for r in rows]
    axes[0][1].bar(names, disk, color="tab:green", label="videos")
    if result.get("frames"):
        axes[0][1].axhline(result["frames"]["disk_bytes"] / 2**20, color="tab:red", label="frame folders")
    axes[0][1].set_title("disk (MiB)")
    axes[0][1].legend()
    for ax in axes[0]:
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(machine_line(result["machine"]), fontsize=8)
    return _save(plt, fig, path)
