"""``dudek benchmark`` end to end on tiny real datasets (smoke tests: no timed assertions)."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from cli_runner import dudek

PNG = b"\x89PNG\r\n\x1a\n"
TINY = ("--clip-frames", "8", "--size", "96x64", "--batch-size", "2", "--epoch-clips", "16")


def _copy(root, tmp_path):
    return shutil.copytree(root, tmp_path / "data set")  # a space in the root too


def test_loaders_command_compares_dali_with_frame_folders(bas_root, tmp_path):
    data = _copy(bas_root, tmp_path)
    out, plot = tmp_path / "b.json", tmp_path / "b.png"
    done = dudek("benchmark", "loaders", data, "--seconds", "1", *TINY, "--json", out, "--plot", plot)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    loaders = result["loaders"]
    for kind in ("dali-cpu", "frames", "pyav"):
        row = loaders[kind]
        assert row["clips"] > 0 and row["frames_per_s"] > 0 and row["startup_s"] > 0, row
        assert row["frames_per_s"] == pytest.approx(row["clips_per_s"] * 8)
        assert row["peak_pss_mib"] > 0 and row["cpu_cores"] > 0
    assert loaders["frames"]["decoded_per_delivered"] == 1.0
    # Seeking back to keyframes (every 60 frames here) costs more than the 15 frames a clip spans.
    assert loaders["dali-cpu"]["decoded_per_delivered"] > 15 / 8
    assert loaders["pyav"]["decoded_per_delivered"] > 15 / 8
    if torch.cuda.is_available():
        assert loaders["dali-gpu"]["frames_per_s"] > 0
        assert result["ratio_between"] == ["dali-gpu", "frames"]
    else:
        assert "--source dali-gpu decodes on the GPU" in loaders["dali-gpu"]["skipped"]
        assert result["ratio_between"] == ["dali-cpu", "frames"]
    dali, frames = (loaders[k]["frames_per_s"] for k in result["ratio_between"])
    assert result["ratio"] == pytest.approx(dali / frames)
    prep = result["preparation"]["frames"]
    assert prep["created"] and prep["frames"] == 2 * 150  # every 2nd frame of two 300-frame games
    assert prep["disk_bytes"] > 0 and prep["frames_to_video_disk"] == prep["disk_bytes"] / prep["video_bytes"]
    assert not list(data.rglob(".frames_*"))  # the folders it extracted are gone again
    assert plot.read_bytes().startswith(PNG)
    assert "DALI CPU" in done.stdout and "frame folders" in done.stdout and "ratio" in done.stdout


def test_loaders_command_rejects_unknown_loaders(bas_root):
    done = dudek("benchmark", "loaders", bas_root, "--loaders", "dali-cpu,opencv")
    assert done.returncode == 2 and "loaders must be among" in done.stderr


@pytest.mark.slow
def test_keyframes_command_measures_short_gop_copies(bas_root, tmp_path):
    data = _copy(bas_root, tmp_path)
    work, out, plot = tmp_path / "work", tmp_path / "k.json", tmp_path / "k.png"
    args = ("--seconds", "0.5", "--games", "1", "--intervals", "24", "--codec", "vp9", "--work", work)
    done = dudek("benchmark", "keyframes", data, *args, *TINY, "--json", out, "--plot", plot)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    rows = {r["variant"]: r for r in result["variants"]}
    assert list(rows) == ["original", "gop24", "gop12@12.5fps"]
    assert rows["original"]["keyframe_interval_s"] == pytest.approx(60 / 25)
    assert rows["gop24"]["keyframe_interval_s"] == pytest.approx(24 / 25)
    # Same clips, fewer frames decoded per delivered frame as keyframes get closer / frames fewer.
    decoded = [rows[v]["decoded_per_delivered"] for v in rows]
    assert decoded[0] > decoded[1] > decoded[2] >= 1.0
    for name in ("gop24", "gop12@12.5fps"):
        assert rows[name]["psnr_db"] > 30 and rows[name]["disk_bytes"] > 0
        assert rows[name]["speedup"] == pytest.approx(
            rows[name]["frames_per_s"] / rows["original"]["frames_per_s"]
        )
    assert result["frames"]["disk_bytes"] > 0
    assert not any(work.iterdir())  # copies removed without --keep
    assert plot.read_bytes().startswith(PNG)


@pytest.mark.slow
def test_scaling_command_grows_the_dataset(tmp_path):
    out, plot = tmp_path / "s.json", tmp_path / "s.png"
    done = dudek(
        "benchmark", "scaling", "--work", tmp_path, "--sizes", "1,2", "--minutes", "0.2",
        "--loaders", "dali-cpu,frames", *TINY, "--json", out, "--plot", plot,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert [r["games"] for r in result["rows"]] == [1, 2]
    small, large = result["rows"]
    assert large["video_frames"] == 2 * small["video_frames"]
    assert large["frame_folders_mib"] > small["frame_folders_mib"] > 0
    for row in result["rows"]:
        for kind in ("dali-cpu", "frames"):
            assert row[kind]["startup_s"] > 0 and row[kind]["peak_pss_mib"] > 0, row
    assert plot.read_bytes().startswith(PNG)
    too_short = dudek("benchmark", "scaling", "--work", tmp_path, "--sizes", "1", "--minutes", "0.05")
    assert too_short.returncode == 2 and "shorter than one clip" in too_short.stderr


@pytest.mark.slow
def test_training_command_reports_steps_and_data_wait(bas_root, tmp_path):
    data = _copy(bas_root, tmp_path)
    out = tmp_path / "t.json"
    done = dudek(
        "benchmark", "training", data, "--clip-frames", "8", "--size", "64x64", "--batch-size", "2",
        "--steps", "1", "--epochs", "2", "--loaders", "dali-cpu,frames", "--json", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    for kind in ("dali-cpu", "frames"):
        row = result["loaders"][kind]
        assert row["steps_per_s"] > 0 and row["clips_per_s"] == pytest.approx(2 * row["steps_per_s"]), row
        assert 0.0 <= row["data_wait_fraction"] <= 1.0
    assert not list(data.rglob(".frames_*"))
