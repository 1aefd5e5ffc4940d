"""CPU time, memory and GPU memory of this process and its children, sampled in a thread.

A loader's cost is spread over threads (DALI) and worker processes (the frame loader's
DataLoader), so we watch the whole process tree:

* **CPU**: user + system time of this process, its live descendants, and the children already
  reaped (``cutime``/``cstime``), so workers that exit between samples still count. Divided
  by wall time this is the number of cores kept busy (2.0 = two cores at 100 %).
* **Memory**: the peak over samples of the tree's summed RSS and PSS (``smaps_rollup``).
  Forked workers share pages copy-on-write, so the summed RSS overcounts them; PSS splits
  shared pages between their users and is the honest total. Samples every ``interval``
  seconds can miss a short spike; ``ru_maxrss`` of this process is a floor for the peak.
* **GPU**: device-wide used memory (``cudaMemGetInfo``) minus what was in use at the start.
  It includes DALI's own pools, which ``torch.cuda.max_memory_allocated`` would miss, but
  also any other process on the same GPU.

Linux only (``/proc``); elsewhere CPU time falls back to ``getrusage`` and memory to
``ru_maxrss``.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MIB = 2**20


@dataclass(frozen=True)
class Usage:
    """What a :class:`ResourceSampler` saw between two marks."""

    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    peak_pss_bytes: int
    peak_gpu_bytes: int | None  # None: no GPU watched

    @property
    def cpu_cores(self) -> float:
        """Average busy cores over the interval (CPU seconds / wall seconds)."""
        return self.cpu_seconds / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, float | None]:
        return {
            "cpu_cores": round(self.cpu_cores, 3),
            "peak_rss_mib": round(self.peak_rss_bytes / MIB, 1),
            "peak_pss_mib": round(self.peak_pss_bytes / MIB, 1),
            "gpu_memory_mib": None if self.peak_gpu_bytes is None else round(self.peak_gpu_bytes / MIB, 1),
        }


def _stat_fields(pid: int | str) -> list[str] | None:
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:  # the process ended between listing and reading
        return None
    return text[text.rindex(")") + 2 :].split()  # the command name may hold spaces


def _descendants(pid: int) -> list[int]:
    """Live descendants, from the kernel's per-thread ``children`` lists."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list((_PROC / str(parent) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def tree_cpu_seconds(pid: int | None = None) -> float:
    """CPU seconds used so far by ``pid`` (default: this process), its live and reaped children."""
    pid = os.getpid() if pid is None else pid
    if not _PROC.is_dir():
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    ticks = 0
    for member in (pid, *_descendants(pid)):
        fields = _stat_fields(member)
        if fields is not None:  # utime, stime, cutime, cstime are fields 14-17 of stat
            ticks += sum(int(v) for v in fields[11:15])
    return ticks / _TICK


def tree_memory_bytes(pid: int | None = None) -> tuple[int, int]:
    """Summed (RSS, PSS) of ``pid`` (default: this process) and its live descendants."""
    pid = os.getpid() if pid is None else pid
    rss = pss = 0
    for member in (pid, *_descendants(pid)):
        try:
            lines = (_PROC / str(member) / "smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        values = {
            k: int(v.split()[0]) * 1024 for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)
        }
        rss += values.get("Rss", 0)
        pss += values.get("Pss", 0)
    return rss, pss


def _gpu_used_bytes() -> int:
    import torch

    free, total = torch.cuda.mem_get_info()
    return total - free


class ResourceSampler:
    """Samples the process tree every ``interval`` s between :meth:`start` and :meth:`stop`.

    :meth:`mark` starts a new interval (e.g. "steady state" after the first batch); :meth:`usage`
    reports CPU since the last mark and memory peaks since :meth:`start` (start-up allocations
    count: they are what the machine must hold).
    """

    def __init__(self, *, interval: float = 0.2, gpu: bool = False) -> None:
        self.interval = interval
        self.gpu = gpu
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._peak_rss = self._peak_pss = 0
        self._gpu_baseline = self._peak_gpu = 0
        self._mark_time = self._mark_cpu = 0.0

    def start(self) -> ResourceSampler:
        if self.gpu:
            self._gpu_baseline = _gpu_used_bytes()
        self.mark()
        self._sample()
        self._thread = threading.Thread(target=self._run, name="resource-sampler", daemon=True)
        self._thread.start()
        return self

    def mark(self) -> None:
        self._mark_time, self._mark_cpu = time.perf_counter(), tree_cpu_seconds()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        rss, pss = tree_memory_bytes() if _PROC.is_dir() else (0, 0)
        used = _gpu_used_bytes() - self._gpu_baseline if self.gpu else 0
        with self._lock:
            self._peak_rss = max(self._peak_rss, rss)
            self._peak_pss = max(self._peak_pss, pss)
            self._peak_gpu = max(self._peak_gpu, used)

    def usage(self) -> Usage:
        """CPU since the last mark, memory peaks so far (sampled once more now)."""
        self._sample()
        seconds = time.perf_counter() - self._mark_time
        cpu = tree_cpu_seconds() - self._mark_cpu
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        with self._lock:
            return Usage(
                seconds=seconds,
                cpu_seconds=cpu,
                peak_rss_bytes=max(self._peak_rss, floor),
                peak_pss_bytes=self._peak_pss,
                peak_gpu_bytes=self._peak_gpu if self.gpu else None,
            )

    def stop(self) -> Usage:
        result = self.usage()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return result

    def __enter__(self) -> ResourceSampler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
