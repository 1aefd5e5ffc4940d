"""``dudek preview`` on a synthetic dataset, decoded on the CPU, as a user runs it."""

from __future__ import annotations

import re

import av
import pytest
from cli_runner import dudek

from dudek_dali.data.synthetic import read_frame_index


def test_preview_renders_the_clip_it_reports(bas_root, tmp_path):
    out = tmp_path / "previews" / "clip.mp4"
    result = dudek("preview", bas_root, "--out", out, "--clip-frames", "24", "--decode-on-cpu")
    assert result.returncode == 0, result.stderr
    found = re.search(r"24 frames of .* \(frames (\d+)\.\.(\d+), stride 2\), (\d+) labelled", result.stdout)
    assert found, result.stdout
    first, last, labelled = map(int, found.groups())
    assert last == first + 23 * 2
    assert labelled > 0  # a labelled game's preview clip holds an event
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 24
    assert frames[0].shape == (224, 224, 3)
    assert "flipped: no" in result.stdout
    assert [read_frame_index(f) for f in frames] == list(range(first, last + 1, 2))
    assert not list(out.parent.glob(".*partial"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--game", "Real Madrid"], "no game matches 'Real Madrid'"),
        (["--out", "clip.gif"], "must end in .mp4, .mkv or .webm"),
    ],
)
def test_preview_refuses_bad_options(bas_root, tmp_path, args, message):
    result = dudek("preview", bas_root, "--out", tmp_path / "clip.mp4", "--decode-on-cpu", *args)
    assert result.returncode == 2
    assert message in result.stderr
