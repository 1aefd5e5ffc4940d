"""``dudek doctor``'s environment checks: torch and its CUDA build, the driver, DALI and its CUDA
build, GPUs, NVDEC, FFmpeg's decoders, torchcodec (its version, the FFmpeg it loaded, whether its
CUDA backend decodes here), and which codecs each video source decodes here; a source that cannot
run here is listed with its fix in one line."""

from __future__ import annotations

from dataclasses import asdict
from importlib import metadata
from typing import Any

from dudek_dali.doctor.findings import Finding, note, ok, problem
from dudek_dali.errors import DudekError
from dudek_dali.pipelines.environment import (
    NVDEC_LIBRARY,
    GpuProblem,
    dali_builds,
    driver_cuda_version,
    gpu_problems,
    nvdec_available,
)
from dudek_dali.sources import SOURCE_NAMES, Source, resolve_source
from dudek_dali.sources.source import TORCHCODEC_SOURCES, cannot_load
from dudek_dali.torchcodec import TorchcodecStatus, torchcodec_status

# The codecs a SoccerNet-style dataset may hold, by FFmpeg's decoder name.
CODECS = ("h264", "hevc", "vp8", "vp9", "av1", "mjpeg")


def pyav_decoders() -> list[str]:
    """Which of :data:`CODECS` this PyAV's FFmpeg can decode."""
    import av

    found = []
    for name in CODECS:
        try:
            av.codec.Codec(name, "r")
        except Exception:  # unknown decoder: FFmpeg built without it
            continue
        found.append(name)
    return found


def environment() -> dict[str, Any]:
    """The facts (JSON-ready)."""
    import torch

    cuda = torch.cuda.is_available()
    driver = driver_cuda_version()
    return {
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "torch_sees_gpu": cuda,
        "gpus": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else [],
        "driver_cuda": f"{driver[0]}.{driver[1]}" if driver else None,
        "dali": [
            {"package": b.package, "version": b.version, "cuda_major": b.cuda_major} for b in dali_builds()
        ],
        "nvdec": nvdec_available() if driver else None,
        "pyav": _version("av"),
        "pyav_decoders": pyav_decoders(),
        "torchcodec": torchcodec_facts(),
    }


def torchcodec_facts() -> dict[str, Any]:
    """torchcodec's version, the FFmpeg it loaded, whether its CUDA backend decoded a frame on the
    GPU (None: not tried, no GPU), and the problem with its fix (None: it decodes on the CPU)."""
    return asdict(torchcodec_status())


def facts_gpu_problems(facts: dict[str, Any]) -> list[GpuProblem]:
    """Why a GPU pipeline cannot start here (:func:`~dudek_dali.pipelines.environment.gpu_problems`,
    asked once per report: it walks the installed packages and loads ``libcuda``)."""
    return gpu_problems(torch_sees_gpu=facts["torch_sees_gpu"])


def usable_sources(facts: dict[str, Any], problems: list[GpuProblem] | None = None) -> list[Source]:
    """The video sources that decode on this machine, resolved for reading whole games (frame
    folders are a source per video, where extracted; :mod:`.videos` says where).

    ``problems``: :func:`facts_gpu_problems` of ``facts``, when already known."""
    problems = facts_gpu_problems(facts) if problems is None else problems
    torchcodec = TorchcodecStatus(**facts["torchcodec"])
    installed = {"dali-cpu": bool(facts["dali"]), "dali-gpu": bool(facts["dali"]) and not problems,
                 "pyav": bool(facts["pyav"])}  # fmt: skip
    installed |= {name: cannot_load(name, status=torchcodec) is None for name in TORCHCODEC_SOURCES}
    sources = []
    for name in SOURCE_NAMES:
        if installed.get(name):
            try:
                sources.append(resolve_source(name, job="read"))
            except DudekError:  # a GPU source where torch sees no CUDA device, torchcodec missing
                continue
    return sources


def decoded_codecs(source: Source, facts: dict[str, Any]) -> str:
    """The codecs ``source`` decodes here, in words (PyAV: those its FFmpeg was built with)."""
    if source.codecs is not None:
        return ", ".join(sorted(source.codecs))
    if source.name == "torchcodec-cpu":
        return f"what FFmpeg {facts['torchcodec']['ffmpeg']} decodes"
    return ", ".join(facts["pyav_decoders"])


def environment_findings(facts: dict[str, Any], problems: list[GpuProblem] | None = None) -> list[Finding]:
    """One finding per component, then every problem with its fix.

    Without an NVIDIA driver the GPU-only problems are not problems (a CPU-only machine is a
    supported setup: the CPU sources decode); problems of the installation itself always are.
    ``problems``: :func:`facts_gpu_problems` of ``facts``, when already known.
    """
    problems = facts_gpu_problems(facts) if problems is None else problems
    findings = [_torch(facts), _driver(facts), *_dali(facts), _nvdec(facts), _torchcodec(facts)]
    for found in problems:
        if found.kind == "install" or facts["driver_cuda"] is not None:
            findings.append(problem(found.subject, found.cause, found.fix))
    usable = {s.name: s for s in usable_sources(facts, problems)}
    for name in (n for n in SOURCE_NAMES if n != "frames"):
        if name in usable:
            findings.append(ok(name, "decodes " + decoded_codecs(usable[name], facts)))
        else:
            findings.append(note(name, "not available here", _unavailable_hint(name, facts, problems)))
    return findings


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _torch(facts: dict[str, Any]) -> Finding:
    build = f"CUDA {facts['torch_cuda']} build" if facts["torch_cuda"] else "CPU build"
    gpus = ", ".join(facts["gpus"]) or "no GPU"
    return ok("torch", f"{facts['torch']} ({build}); sees {len(facts['gpus'])} GPU(s): {gpus}")


def _driver(facts: dict[str, Any]) -> Finding:
    if facts["driver_cuda"] is None:
        return note(
            "driver",
            "no NVIDIA driver: GPU decoding (dali-gpu, torchcodec-gpu) is unavailable, the CPU sources work",
        )
    return ok("driver", f"NVIDIA driver supporting CUDA {facts['driver_cuda']}")


def _dali(facts: dict[str, Any]) -> list[Finding]:
    found = [
        ok("DALI", f"{b['package']} {b['version']} (CUDA {b['cuda_major']} build)") for b in facts["dali"]
    ]
    majors = {b["cuda_major"] for b in facts["dali"]}
    if facts["torch_cuda"] and majors == {int(facts["torch_cuda"].split(".")[0])}:
        found.append(ok("CUDA builds", f"torch and DALI are both built for CUDA {majors.pop()}"))
    return found


def _nvdec(facts: dict[str, Any]) -> Finding:
    if facts["nvdec"] is None:
        return note("NVDEC", f"{NVDEC_LIBRARY} not checked (no driver)")
    return (
        ok("NVDEC", f"{NVDEC_LIBRARY} loads") if facts["nvdec"] else note("NVDEC", f"{NVDEC_LIBRARY} missing")
    )


def _torchcodec(facts: dict[str, Any]) -> Finding:
    found = facts["torchcodec"]
    if found["problem"] is not None:
        return note("torchcodec", "cannot decode here: torchcodec-cpu and torchcodec-gpu are unavailable",
                    found["problem"])  # fmt: skip
    if found["cuda"]:
        cuda = "its CUDA backend decodes on the GPU (NVDEC)"
    elif found["cuda"] is None:
        cuda = f"its CUDA backend not tried ({found['cuda_note']})"
    else:
        cuda = f"its CUDA backend does not decode here ({found['cuda_note']})"
    return ok("torchcodec", f"{found['version']} on FFmpeg {found['ffmpeg']}; {cuda}")


def _unavailable_hint(source: str, facts: dict[str, Any], problems: list[GpuProblem]) -> str:
    if source == "pyav":
        return "pip install av"
    if source.startswith("torchcodec"):
        return cannot_load(source, status=TorchcodecStatus(**facts["torchcodec"])) or "no CUDA GPU visible"
    if not facts["dali"]:
        return "install DALI (bash scripts/setup)"
    return problems[0].line() if problems else "no CUDA GPU visible"
