"""What a GPU pipeline needs from the machine, checked without starting one.

A DALI GPU pipeline needs three things beside DALI itself, and each fails in its own confusing way
when missing: a CUDA driver new enough for the CUDA build of *both* torch and DALI (torch built
for CUDA 13 sees no GPU on a driver older than R580, though DALI built for CUDA 12 would run),
and NVDEC's user-space library ``libnvcuvid.so.1`` (a Docker container gets it only with
``NVIDIA_DRIVER_CAPABILITIES`` including ``video``; without it the pipeline build fails and the
failure reads like a broken video). :func:`gpu_problems` names whichever of these is wrong, with
the fix, so the loaders can say so instead of "failed to decode", and ``dudek doctor`` reports it.

Nothing here imports ``nvidia.dali`` or initialises CUDA: versions come from package metadata and
the driver is asked through ``libcuda`` directly (``cuDriverGetVersion`` works before ``cuInit``);
only :func:`start_failure` asks torch whether it sees a GPU.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from importlib import metadata

from dudek_dali.errors import DudekError

NVDEC_LIBRARY = "libnvcuvid.so.1"
CUDA_DRIVER_LIBRARY = "libcuda.so.1"
DALI_PACKAGE = re.compile(r"^nvidia-dali-cuda(\d+)$")
# The oldest driver branch that runs each CUDA major (NVIDIA's CUDA toolkit release notes).
MIN_DRIVER = {11: "R450", 12: "R525", 13: "R580"}
DOCKER_HINT = "in Docker run with --gpus all -e NVIDIA_DRIVER_CAPABILITIES=compute,utility,video"


@dataclass(frozen=True)
class DaliBuild:
    """The installed DALI wheel: its distribution name, version and the CUDA major it was built for."""

    package: str
    version: str
    cuda_major: int


def dali_builds() -> list[DaliBuild]:
    """Every ``nvidia-dali-cudaXXX`` distribution installed (normally one; two is itself a problem)."""
    found = []
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        match = DALI_PACKAGE.match(name)
        if match:
            found.append(DaliBuild(package=name, version=dist.version, cuda_major=int(match.group(1)[:-1])))
    return sorted(found, key=lambda b: b.package)


def torch_cuda_major() -> int | None:
    """The CUDA major torch was built for (None: a CPU build)."""
    import torch

    return int(torch.version.cuda.split(".")[0]) if torch.version.cuda else None


def driver_cuda_version() -> tuple[int, int] | None:
    """The newest CUDA version the installed driver supports, e.g. (12, 8); None without a driver."""
    try:
        libcuda = ctypes.CDLL(CUDA_DRIVER_LIBRARY)
    except OSError:
        return None
    version = ctypes.c_int(0)
    if libcuda.cuDriverGetVersion(ctypes.byref(version)) != 0 or version.value <= 0:
        return None
    return version.value // 1000, (version.value % 1000) // 10


def nvdec_available() -> bool:
    """Whether NVDEC's library can be loaded (what DALI's GPU video reader opens)."""
    try:
        ctypes.CDLL(NVDEC_LIBRARY)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class GpuProblem:
    """One reason a GPU pipeline cannot start: what is wrong, the fix, and whether it is about the
    installation (``install``: wrong on any machine) or about this machine's GPU (``gpu``)."""

    subject: str
    cause: str
    fix: str
    kind: str = "gpu"

    def line(self) -> str:
        return f"{self.cause}; {self.fix}"


def cuda_build_mismatch(torch_major: int | None, builds: list[DaliBuild]) -> GpuProblem | None:
    """The problem when torch's and DALI's CUDA majors differ (None when they agree)."""
    if torch_major is None or not builds:
        return None
    others = [b for b in builds if b.cuda_major != torch_major]
    if not others:
        return None
    return GpuProblem(
        "CUDA builds",
        f"torch is built for CUDA {torch_major} but {', '.join(b.package for b in others)} is built for "
        f"CUDA {others[0].cuda_major}",
        f"install the matching pair: bash scripts/setup picks nvidia-dali-cuda{torch_major}0 for this torch "
        f"(or pip install 'dudek_dali[cu{torch_major}]')",
        kind="install",
    )


def gpu_problems(*, torch_sees_gpu: bool) -> list[GpuProblem]:
    """Why a DALI GPU pipeline cannot start here, cause and fix each; [] when it can."""
    problems = []
    builds = dali_builds()
    torch_major = torch_cuda_major()
    driver = driver_cuda_version()
    if not builds:
        fix = "bash scripts/setup, or pip install 'dudek_dali[cu13]' (or [cu12], matching torch's CUDA build)"
        problems.append(GpuProblem("DALI", "DALI is not installed", fix, kind="install"))
    if len(builds) > 1:
        names = ", ".join(b.package for b in builds)
        cause = f"several DALI builds are installed ({names})"
        problems.append(GpuProblem("DALI", cause, "uninstall all but one", kind="install"))
    mismatch = cuda_build_mismatch(torch_major, builds)
    if mismatch:
        problems.append(mismatch)
    if driver is None:
        problems.append(
            GpuProblem("driver", f"no NVIDIA driver ({CUDA_DRIVER_LIBRARY} not loadable)", DOCKER_HINT)
        )
        return problems
    for what, major in [("torch", torch_major), *((b.package, b.cuda_major) for b in builds)]:
        if major is not None and major > driver[0]:
            cause = f"{what} is built for CUDA {major}, the driver supports CUDA {driver[0]}.{driver[1]}"
            fix = (
                f"update the driver to {MIN_DRIVER.get(major, 'a newer branch')}+, or install the CUDA "
                f"{driver[0]} builds (DUDEK_TORCH_SPEC with a cu{driver[0]}x torch, then bash scripts/setup)"
            )
            problems.append(GpuProblem("driver", cause, fix))
    if not nvdec_available():
        cause = f"NVDEC's {NVDEC_LIBRARY} cannot be loaded, so the GPU cannot decode video"
        problems.append(GpuProblem("NVDEC", cause, DOCKER_HINT))
    if torch_major is None:  # no CUDA_VISIBLE_DEVICES makes a CPU build see a GPU
        fix = "install a CUDA build of torch (DUDEK_TORCH_SPEC, then bash scripts/setup), or use a CPU source"
        problems.append(GpuProblem("torch", "torch is a CPU build (torch.version.cuda is None)", fix))
    elif not problems and not torch_sees_gpu:
        problems.append(
            GpuProblem("GPU", "torch sees no CUDA GPU", "check CUDA_VISIBLE_DEVICES, or use a CPU source")
        )
    return problems


def problem_lines(problems: list[GpuProblem]) -> str:
    """``problems`` as one line: each cause with its fix, ``; ``-separated."""
    return "; ".join(p.line() for p in problems)


def start_failure(backend: str) -> DudekError | None:
    """Why a pipeline on DALI's ``gpu`` backend cannot start on this machine (driver, CUDA builds,
    NVDEC), or None (also for the ``cpu`` backend).

    A pipeline build that fails for one of these reasons would otherwise read as a decode
    failure of the videos; ``dudek doctor`` reports the same causes.
    """
    if backend != "gpu":
        return None
    import torch

    problems = gpu_problems(torch_sees_gpu=torch.cuda.is_available())
    if not problems:
        return None
    return DudekError("the GPU cannot decode video here: " + problem_lines(problems))
