"""``dudek doctor``: the environment checks, and every video of a dataset checked from its packets."""

from __future__ import annotations

import json
import shutil

from cli_runner import dudek

from dudek_dali.doctor import diagnose
from dudek_dali.doctor.environment import environment, environment_findings
from dudek_dali.pipelines import environment as gpu_env
from dudek_dali.torchcodec import torchcodec_status


def test_the_environment_is_reported_and_this_install_is_consistent():
    report = diagnose()
    subjects = {f.subject for f in report.environment}
    assert {"torch", "driver", "DALI", "NVDEC", "dali-cpu", "pyav"} <= subjects
    assert report.problems == []  # scripts/setup installs a DALI built for torch's CUDA major
    assert report.facts["dali"][0]["cuda_major"] == int(report.facts["torch_cuda"].split(".")[0])


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
