"""Short-GOP copies (``dudek prepare``): keyframe spacing, frame mapping, quality, layout, reruns,
and the DALI loader reading a prepared copy frame-accurately."""

from __future__ import annotations

import json
import shutil

import av
import numpy as np
import pytest
from cli_runner import dudek
from pipeline_fixtures import (
    dali_loader,
    games_of,
    labelled,
    stamped_indices,
)

from dudek_dali.bench.keyframes import keyframe_indices
from dudek_dali.bench.quality import luma_psnr
from dudek_dali.clips import AugmentConfig
from dudek_dali.data.synthetic import read_frame_index
from dudek_dali.errors import DatasetError
from dudek_dali.prepare import PREPARED_MANIFEST, prepare_dataset, transcode_video


def _stamps(path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_frame_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


@pytest.mark.parametrize(
    ("codec", "step", "interval"),
    [("vp9", 1, 24), ("vp9", 2, 12), pytest.param("h264", 1, 24, marks=pytest.mark.slow)],
)
def test_transcode_places_keyframes_and_keeps_frame_mapping(bas_root, tmp_path, codec, step, interval):
    source = labelled(games_of(bas_root))[0].videos[0]
    result = transcode_video(
        source.path, tmp_path / "out" / "copy.mp4", keyframe_interval=interval, codec=codec, frame_step=step
    )
    frames = -(-source.num_frames // step)
    assert result.frames == frames
    assert keyframe_indices(result.target).tolist() == list(range(0, frames, interval))
    assert _stamps(result.target) == list(range(0, source.num_frames, step))  # copy k is original step * k
    with av.open(str(result.target)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == codec
        assert float(stream.average_rate) == pytest.approx(25 / step)
    assert luma_psnr(source.path, result.target, frame_step=step) > 30
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["copy.mp4"]  # atomic: no temp file left


def test_prepared_copy_mirrors_the_dataset_and_resumes(bas_root, tmp_path):
    games = games_of(bas_root)
    out = tmp_path / "prepared copy"
    report = prepare_dataset(bas_root, out, games, keyframe_interval=24)
    copies = games_of(out)
    assert [g.url_local for g in copies] == [g.url_local for g in games]  # spaces in match names kept
    for original, copy in zip(games, copies, strict=True):
        assert copy.labels.annotations == original.labels.annotations
        assert (copy.dir / "Labels-ball.json").read_bytes() == (
            original.dir / "Labels-ball.json"
        ).read_bytes()
        assert copy.videos[0].num_frames == original.videos[0].num_frames
        assert keyframe_indices(copy.videos[0].path).tolist() == list(range(0, copy.videos[0].num_frames, 24))
    manifest = json.loads((out / PREPARED_MANIFEST).read_text())
    assert manifest["options"] == {"keyframe_interval": 24, "codec": "vp9", "crf": 30, "frame_step": 1}
    assert sorted(manifest["videos"]) == sorted(
        str(v.path.relative_to(bas_root)) for g in games for v in g.videos
    )
    assert len(report.written) == len(games) and report.copy_bytes > 0

    again = prepare_dataset(bas_root, out, games, keyframe_interval=24)
    assert again.written == [] and len(again.skipped) == len(games)
    other = prepare_dataset(bas_root, out, games, keyframe_interval=12)
    assert len(other.written) == len(games)
    assert keyframe_indices(games_of(out)[0].videos[0].path)[1] == 12


def test_prepare_refuses_places_that_would_break_the_dataset(bas_root, tmp_path):
    games = games_of(bas_root)
    with pytest.raises(DatasetError, match="outside the dataset"):
        prepare_dataset(bas_root, bas_root / "copy", games)
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    with pytest.raises(DatasetError, match="not a prepared copy"):
        prepare_dataset(bas_root, foreign, games)
    assert (foreign / "mine.txt").read_text() == "keep me"


def test_dali_reads_a_prepared_copy_frame_accurately(bas_root, tmp_path):
    out = tmp_path / "prepared"
    prepare_dataset(bas_root, out, games_of(bas_root), keyframe_interval=24)
    with dali_loader(
        labelled(games_of(out)), "cpu", clip_frames=8, stride=2, overlap=4, size=(224, 224),
        augment=AugmentConfig.off(), enforce_epoch_size=4, batch_size=2, seed=3,
    ) as loader:  # fmt: skip
        for batch in loader:
            for clip, numbers in zip(batch.frames, batch.frame_numbers, strict=True):
                assert stamped_indices(clip) == numbers.tolist()


def test_prepare_command(bas_root, tmp_path):
    data = shutil.copytree(bas_root, tmp_path / "data")
    out = tmp_path / "copy"
    done = dudek("prepare", data, "--out", out, "--keyframe-interval", "30", "--codec", "vp9")
    assert done.returncode == 0, done.stderr
    assert "2 videos re-encoded" in done.stderr and f"--dataset-path {out}" in done.stderr
    gaps = np.diff(keyframe_indices(games_of(out)[0].videos[0].path))
    assert set(gaps.tolist()) == {30}
    refused = dudek("prepare", data, "--out", data / "inside")
    assert refused.returncode == 2 and "outside the dataset" in refused.stderr
    bad = dudek("prepare", data, "--out", out, "--codec", "av1")
    assert bad.returncode == 2 and "--codec must be auto, vp9 or h264" in bad.stderr
