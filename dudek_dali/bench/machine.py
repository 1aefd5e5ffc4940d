"""The machine a benchmark ran on, recorded next to its numbers (they mean nothing without it)."""

from __future__ import annotations

import os
import platform
import socket
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from dudek_dali.devices import usable_cores

_PACKAGES = ("torch", "av", "timm", "numpy", "dudek_dali")  # and whichever nvidia-dali-cudaXXX is installed


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _versions() -> dict[str, str]:
    from dudek_dali.pipelines.environment import dali_builds

    found = {b.package: b.version for b in dali_builds()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _gpus() -> list[dict[str, Any]]:
    import torch

    if not torch.cuda.is_available():
        return []
    return [
        {
            "name": torch.cuda.get_device_name(i),
            "memory_gib": round(torch.cuda.get_device_properties(i).total_memory / 2**30, 1),
        }
        for i in range(torch.cuda.device_count())
    ]


def describe_machine() -> dict[str, Any]:
    """Host, CPU, cores usable by this process, memory, GPUs, load and library versions."""
    usable = usable_cores()
    return {
        "host": socket.gethostname(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": _memory_gib(),
        "gpus": _gpus(),
        "load_average_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": _versions(),
    }


def machine_line(machine: dict[str, Any]) -> str:
    """One line for tables and the README: CPU, cores, memory, GPU, load."""
    gpus = ", ".join(g["name"] for g in machine.get("gpus", [])) or "no GPU"
    load = machine.get("load_average_start")
    busy = f", load average {load:.1f} at start" if load is not None else ""
    return (
        f"{machine['host']}: {machine['cpu']}, {machine['usable_cores']} usable cores, "
        f"{machine['memory_gib']} GiB, {gpus}{busy}"
    )
