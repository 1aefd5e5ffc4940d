"""``dudek doctor``: is this machine, and this dataset, ready to train and spot?

:func:`diagnose` checks the environment (:mod:`.environment`: torch, CUDA builds, driver, DALI,
NVDEC, FFmpeg) and, given a dataset, every video (:mod:`.videos`). Each :class:`Finding` is
``ok``, a ``note``, or a ``problem`` with a one-line fix; the command exits 1 when any problem is
found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dudek_dali.data.games import Layout, Resolution, discover_games
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.doctor.environment import (
    environment,
    environment_findings,
    facts_gpu_problems,
    usable_sources,
)
from dudek_dali.doctor.findings import Finding, problem
from dudek_dali.doctor.videos import VideoRow, check_games


@dataclass
class DoctorReport:
    facts: dict[str, Any]
    environment: list[Finding]
    videos: list[VideoRow] = field(default_factory=list)
    video_findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in (*self.environment, *self.video_findings) if f.is_problem]

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.facts,
            "findings": [f.to_json() for f in (*self.environment, *self.video_findings)],
            "videos": [v.to_json() for v in self.videos],
            "problems": len(self.problems),
        }


def diagnose(
    dataset: Path | str | None = None, *, layout: Layout = "bas", resolution: Resolution = 224
) -> DoctorReport:
    """Check the environment, and every video of ``dataset`` when given."""
    facts = environment()
    gpu_problems = facts_gpu_problems(facts)  # once: it walks the installed packages, loads libcuda
    report = DoctorReport(facts=facts, environment=environment_findings(facts, gpu_problems))
    if dataset is not None:
        cache = VideoInfoCache.shared()  # one load of the cache for discovery, scans and reader choice
        found = discover_games(dataset, layout=layout, resolution=resolution, cache=cache)
        report.video_findings += [
            problem(str(dataset), p, "fix or remove that match folder") for p in found.problems
        ]
        sources = usable_sources(facts, gpu_problems)
        report.videos, findings = check_games(found.games, sources, root=Path(dataset), cache=cache)
        report.video_findings += findings
    return report


__all__ = ["DoctorReport", "Finding", "VideoRow", "diagnose"]
