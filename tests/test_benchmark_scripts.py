"""Every script in benchmarks/ runs, at tiny sizes, as a user runs it (a subprocess from the checkout):
a script nobody runs rots (``benchmarks/long_video.py`` once failed on a renamed private method and
no test noticed). Each run must exit 0 and write the numbers it promises; the sizes measure nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from train_fixtures import random_checkpoint

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def run(script: str, *args: object, json_out: Path | None = None) -> tuple[str, dict]:
    """Run ``benchmarks/<script>`` with ``args``; its stdout, and the JSON it wrote to ``json_out``."""
    command = [sys.executable, str(BENCHMARKS / script), *map(str, args)]
    if json_out is not None:
        command += ["--json", str(json_out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, f"{script} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout, json.loads(json_out.read_text()) if json_out is not None else {}


# script -> the test that runs it (checked below: a new script needs its smoke test)
COVERED = {
    "clip_pipelines.py": "test_clip_pipelines",
    "decoders.py": "test_decoders",
    "frame_folders.py": "test_frame_folders",
    "long_video.py": "test_long_video",
    "model_forward.py": "test_model_forward",
    "postprocess.py": "test_postprocess",
    "run_all.py": "test_run_all",
    "spot_rates.py": "test_spot_rates",
    "spot_throughput.py": "test_spot_throughput",
}


def test_every_benchmark_script_has_a_smoke_test():
    scripts = sorted(p.name for p in BENCHMARKS.glob("*.py"))
    assert scripts == sorted(COVERED), "add the new script to COVERED with a smoke test"
    assert all(callable(globals().get(name)) for name in COVERED.values())


@pytest.mark.slow
def test_clip_pipelines(tmp_path):
    _, numbers = run("clip_pipelines.py", "--minutes", 0.2, "--clips", 2, "--data", tmp_path / "data",
                     json_out=tmp_path / "out.json")  # fmt: skip
    assert numbers["train_clips_per_s_augmented"] > 0 and numbers["game_frames"] == 300


def test_decoders(tmp_path):
    stdout, numbers = run("decoders.py", "--minutes", 0.05, "--clips", 2, "--clip-frames", 8, "--repeats", 1,
                          "--data", tmp_path / "data", json_out=tmp_path / "out.json")  # fmt: skip
    rows = numbers["rows"]
    assert numbers["video"]["frames"] == 75
    assert rows["pyav sequential, kept reformatter (224x224)"]["median"] > 0
    assert rows["pyav random 8-frame clips, stride 2"]["unit"] == "clips/s"
    if "torchcodec whole-game reader" in rows:  # torchcodec decodes here
        assert rows["torchcodec random 8-frame clips, stride 2"]["median"] > 0
    assert all(name in stdout for name in rows)


@pytest.mark.slow
def test_frame_folders(tmp_path):
    tiny = ("--games", 1, "--minutes", 0.2, "--clips", 2, "--data", tmp_path / "data")
    _, numbers = run("frame_folders.py", *tiny, json_out=tmp_path / "out.json")
    assert numbers["frame_loader_clips_per_s_plain"] > 0 and numbers["resume_check_s"] >= 0


@pytest.mark.slow
def test_long_video(tmp_path):
    _, numbers = run("long_video.py", "--data", tmp_path / "data", "--minutes", 0.2, "--lines", 4,
                     json_out=tmp_path / "out.json")  # fmt: skip
    assert numbers["frames"] == 300 and numbers["scan"]["packets"] == 300
    assert numbers["epoch_build"][0]["lines"] == 4 and numbers["epoch_build"][0]["segments_build_s"] > 0
    assert numbers["game_reader"]["windows"] == numbers["game_reader"]["expected_windows"] > 0


@pytest.mark.slow
def test_model_forward():
    tiny = ("--models", "regnety_002", "--frames", 4, "--size", 64, "--repeats", 1)
    stdout, _ = run("model_forward.py", *tiny)
    assert "regnety_002:" in stdout and "forward (1, 4, 3, 64, 64)" in stdout


def test_postprocess(tmp_path):
    tiny = ("--frames", 3000, "--nms-reference-frames", 500)
    _, rows = run("postprocess.py", *tiny, json_out=tmp_path / "out.json")
    assert rows


@pytest.mark.slow
def test_run_all(tmp_path):
    out = tmp_path / "results"
    run("run_all.py", "--quick", "--only", "loaders,postprocess", "--work", tmp_path / "work", "--out", out)
    (results,) = out.glob("*.json")
    studies = json.loads(results.read_text())["studies"]
    assert set(studies) == {"loaders", "postprocess"}
    assert not [name for name, study in studies.items() if "error" in study], studies
    assert (out / results.name.replace(".json", ".md")).is_file()


@pytest.mark.slow
def test_spot_rates(tmp_path):
    checkpoint = random_checkpoint(tmp_path / "model.pt")
    tiny = ("--checkpoint", checkpoint, "--work", tmp_path / "work", "--minutes", 0.1)
    stdout, numbers = run("spot_rates.py", *tiny, json_out=tmp_path / "out.json")
    assert len(numbers) == 3 and all(0 <= row["team_map_at1"] <= 1 for row in numbers.values())
    assert "30 fps MKV" in stdout


@pytest.mark.slow
def test_spot_throughput(tmp_path):
    _, numbers = run(
        "spot_throughput.py", "--minutes", 0.1, "--models", "demo,seed", "--sources", "pyav,torchcodec-cpu",
        "--read-ahead", "0,auto", json_out=tmp_path / "out.json",
    )  # fmt: skip
    rows = numbers["runs"]
    assert len(rows) == 2 * 2 * 2, list(rows)  # models x sources x read-ahead settings
    for name, row in rows.items():
        assert row["frames"] == 150 and row["decode_s"] > 0 and row["model_s"] > 0, (name, row)
        assert row["decode_s"] + row["model_s"] <= row["wall_s"] and 0 < row["decode_share"] < 1, (name, row)
        assert row["codec"] == "h264" and row["read_ahead"] in (0, "auto"), (name, row)
