"""``dudek doctor``: the environment checks, and every video of a dataset checked from its packets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import torch
from cli_runner import dudek

from dudek_dali.doctor import diagnose
from dudek_dali.doctor.environment import environment, environment_findings
from dudek_dali.pipelines import environment as gpu_env
from dudek_dali.torchcodec import torchcodec_status

# ``dudek doctor`` under a CPU build of torch. Installing one needs download.pytorch.org, which a
# test cannot reach. As the doctor sees torch, a CPU build differs from this CUDA build only in
# torch.version.cuda (None) and in seeing no GPU (CUDA_VISIBLE_DEVICES=""): both are set so in a
# process of its own (torch.__version__ keeps its +cu tag, which the doctor only prints).
CPU_TORCH_DOCTOR = """
import sys, torch
torch.version.cuda = None
from dudek_dali.cli import main
sys.argv = ["dudek", "doctor", *sys.argv[1:]]
main()
"""


def doctor_under_cpu_torch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CPU_TORCH_DOCTOR, *args],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": "", "COLUMNS": "200"},
    )  # fmt: skip


def test_the_environment_is_reported_and_this_install_is_consistent():
    report = diagnose()
    subjects = {f.subject for f in report.environment}
    assert {"torch", "driver", "DALI", "NVDEC", "dali-cpu", "pyav"} <= subjects
    assert report.problems == []  # scripts/setup installs a DALI built for torch's CUDA major
    # scripts/setup's rule: DALI for torch's CUDA major, CUDA 12's for a CPU build of torch.
    assert report.facts["dali"][0]["cuda_major"] == int((torch.version.cuda or "12").split(".")[0])


def test_torchcodec_its_ffmpeg_and_its_cuda_backend_are_reported():
    report = diagnose()
    found = {f.subject: f for f in report.environment}
    status = torchcodec_status()
    facts = report.facts["torchcodec"]
    assert (facts["version"], facts["ffmpeg"], facts["cuda"]) == (status.version, status.ffmpeg, status.cuda)
    if not status.available:
        assert found["torchcodec"].fix == status.problem
        return
    assert found["torchcodec"].level == "ok"
    assert found["torchcodec"].text.startswith(f"{status.version} on FFmpeg {status.ffmpeg}; its CUDA")
    assert found["torchcodec-cpu"].level == "ok" and status.ffmpeg in found["torchcodec-cpu"].text
    if status.cuda is None:  # no GPU here: the GPU source is listed with why
        assert found["torchcodec-gpu"].level == "note"
        assert found["torchcodec-gpu"].fix == "it decodes on a CUDA GPU (no CUDA device visible)"


def test_where_torchcodec_cannot_load_both_its_sources_are_listed_with_the_fix():
    fix = "torchcodec is not installed: bash scripts/setup installs it next to a CUDA 13 torch"
    facts = {**environment(), "torchcodec": {"version": None, "ffmpeg": None, "cuda": None, "cuda_note": "",
                                             "problem": fix}}  # fmt: skip
    found = {f.subject: f for f in environment_findings(facts)}
    assert found["torchcodec"].level == "note" and found["torchcodec"].fix == fix
    for source in ("torchcodec-cpu", "torchcodec-gpu"):
        finding = found[source]
        assert (finding.level, finding.text, finding.fix) == ("note", "not available here", fix)
    assert not [f for f in found.values() if f.is_problem]  # the other sources still decode: not a problem


def test_a_dali_built_for_another_cuda_is_a_problem_with_its_fix(monkeypatch):
    """Fault 1 of the GPU-path review: torch cu130 beside nvidia-dali-cuda120."""
    other = gpu_env.DaliBuild(package="nvidia-dali-cuda120", version="2.4.0", cuda_major=12)
    monkeypatch.setattr(gpu_env, "dali_builds", lambda: [other])
    monkeypatch.setattr(gpu_env, "torch_cuda_major", lambda: 13)
    facts = {**environment(), "dali": [vars(other)], "torch_cuda": "13.0"}
    problems = [f for f in environment_findings(facts) if f.is_problem]
    assert len(problems) == 1 and problems[0].subject == "CUDA builds"
    assert "CUDA 13" in problems[0].text and "nvidia-dali-cuda120" in problems[0].text
    assert "nvidia-dali-cuda130" in problems[0].fix


def test_a_cpu_build_of_torch_is_reported_and_only_a_problem_beside_a_gpu():
    result = doctor_under_cpu_torch("--json")
    assert result.returncode in (0, 1), result.stderr  # 1: problems found; anything else: a crash
    report = json.loads(result.stdout)
    assert report["environment"]["torch_cuda"] is None and report["environment"]["gpus"] == []
    found = {(f["subject"], f["level"]): f["text"] for f in report["findings"]}
    assert "(CPU build); sees 0 GPU(s)" in found["torch", "ok"]
    assert not [s for s, _ in found if s == "CUDA builds"]  # no claim that torch and DALI agree
    assert {("dali-cpu", "ok"), ("pyav", "ok"), ("dali-gpu", "note")} <= found.keys()
    if gpu_env.driver_cuda_version() is None:  # a CPU-only machine: a supported setup
        assert (result.returncode, report["problems"]) == (0, 0), result.stdout + result.stderr
    else:  # a GPU machine: the CPU build is a problem, named with its fix
        assert result.returncode == 1 and "CPU build" in found["torch", "problem"], result.stdout
    human = doctor_under_cpu_torch()
    assert human.returncode == result.returncode, human.stdout + human.stderr
    assert "(CPU build)" in human.stdout


def test_a_cpu_build_of_torch_beside_a_driver_is_named_with_its_fix(monkeypatch):
    """A machine with a driver and NVDEC, torch built for no CUDA: the facts' functions with None."""
    build = gpu_env.DaliBuild(package="nvidia-dali-cuda130", version="2.4.0", cuda_major=13)
    monkeypatch.setattr(gpu_env, "dali_builds", lambda: [build])
    monkeypatch.setattr(gpu_env, "torch_cuda_major", lambda: None)
    monkeypatch.setattr(gpu_env, "driver_cuda_version", lambda: (13, 0))
    monkeypatch.setattr(gpu_env, "nvdec_available", lambda: True)
    assert gpu_env.cuda_build_mismatch(None, [build]) is None
    facts = {
        **environment(), "torch_cuda": None, "torch_sees_gpu": False, "gpus": [], "driver_cuda": "13.0",
        "nvdec": True, "dali": [vars(build)],
    }  # fmt: skip
    findings = environment_findings(facts)
    problems = [f for f in findings if f.is_problem]
    assert [p.subject for p in problems] == ["torch"], [f.line() for f in findings]
    assert "CPU build" in problems[0].text and "CUDA build of torch" in problems[0].fix
    assert "CUDA builds" not in {f.subject for f in findings}
    (gpu,) = [f for f in findings if f.subject == "dali-gpu"]
    assert gpu.level == "note" and "CPU build" in gpu.fix


def test_a_gpu_that_cannot_start_names_the_cause(monkeypatch):
    """Fault 2: without libnvcuvid the pipeline build failed, reported as a decode failure."""
    monkeypatch.setattr(gpu_env, "driver_cuda_version", lambda: (13, 0))
    monkeypatch.setattr(gpu_env, "nvdec_available", lambda: False)
    from dudek_dali.pipelines.clip_loader import start_failure

    failure = start_failure("gpu")
    assert failure is not None and "libnvcuvid.so.1" in str(failure)
    assert "NVIDIA_DRIVER_CAPABILITIES=compute,utility,video" in str(failure)
    assert start_failure("cpu") is None


def test_a_video_that_holds_fewer_frames_than_its_container_claims_is_named(broadcast_root, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(broadcast_root, data)
    half = next(data.rglob("2_224p.mkv"))
    half.write_bytes(half.read_bytes()[: int(half.stat().st_size * 0.7)])  # an interrupted copy
    result = dudek("doctor", data, "--layout", "broadcast")
    assert result.returncode == 1, result.stdout + result.stderr
    named = [
        line for line in result.stdout.splitlines() if line.startswith("[problem]") and "2_224p.mkv" in line
    ]
    assert any("the container claims 150 frames, its packets hold" in line for line in named), result.stdout
    assert not any(
        "1_224p.mkv" in line for line in result.stdout.splitlines() if line.startswith("[problem]")
    )
    report = json.loads(dudek("doctor", data, "--layout", "broadcast", "--json").stdout)
    rows = {row["video"].split("/")[-1]: row for row in report["videos"]}
    assert rows["1_224p.mkv"]["packet_frames"] == rows["1_224p.mkv"]["container_frames"] == 150
    assert rows["2_224p.mkv"]["packet_frames"] < 150 and rows["2_224p.mkv"]["constant_rate"] is True
    assert "dali-cpu" in rows["1_224p.mkv"]["sources"]
