"""What the loaders trust about a video: the packets DALI will index, a constant frame rate, and a
data end that matches the header (fault 6 of the GPU-path review: counts used to come from the
container's estimate, and dropped frames slipped through)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from dudek_dali.data.video_check import Decoder, check_video
from dudek_dali.data.video_scan import scan_video
from dudek_dali.errors import VideoError

ANY = Decoder("by PyAV")


def write(path: Path, pts: list[int], *, fps: int | Fraction = 25) -> Path:
    """A VP9 video whose frame ``i`` is shown at ``pts[i] / fps`` s (gaps = dropped frames)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libvpx-vp9", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.options = {"deadline": "realtime", "cpu-used": "8"}
        rng = np.random.default_rng(0)
        for p in pts:
            frame = av.VideoFrame.from_ndarray(
                rng.integers(0, 255, (48, 64, 3), dtype=np.uint8), format="rgb24"
            )
            frame.pts = p
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def dali_frame_count(path: Path) -> int:
    """How many frames DALI's reader indexes in ``path`` (one-frame sequences, every frame)."""
    from nvidia.dali import fn, pipeline_def

    from dudek_dali.pipelines.links import shared_links

    link = str(shared_links().link(path))

    @pipeline_def(batch_size=1, num_threads=1, device_id=None)
    def frames():
        return fn.experimental.readers.video(
            device="cpu", filenames=[link], labels=[0], sequence_length=1, stride=1, step=1, name="r"
        )[0]

    pipe = frames()
    pipe.build()
    return pipe.epoch_size("r")


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_the_frame_count_is_what_dali_indexes(tmp_path, suffix):
    path = write(tmp_path / f"v{suffix}", list(range(90)))
    assert check_video(path, decoder=ANY).num_frames == dali_frame_count(path) == 90


def test_a_file_cut_short_counts_the_frames_it_holds_not_its_header(tmp_path):
    path = write(tmp_path / "v.mkv", list(range(150)))
    data = path.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: int(len(data) * 0.97)])  # loses less than the truncation tolerance
    scan = scan_video(cut)
    assert scan.packets < 150
    assert check_video(cut, decoder=ANY).num_frames == scan.packets == dali_frame_count(cut)


def test_dropped_frames_are_refused_not_trained_on_with_drifting_labels(tmp_path):
    """10 frames missing after frame 99: positions in ms no longer name the frames after the gap."""
    path = write(tmp_path / "dropped.mp4", [*range(100), *range(110, 150)])
    scan = scan_video(path)
    assert scan.packets == 140 and not scan.constant_rate
    with pytest.raises(VideoError, match=r"dropped\.mp4: variable frame rate"):
        check_video(path, decoder=ANY)


def test_a_constant_rate_in_a_millisecond_time_base_is_constant(tmp_path):
    """29.97 fps in Matroska's 1 ms time base steps 33, 33, 34 ms: still a constant rate."""
    scan = scan_video(write(tmp_path / "ntsc.mkv", list(range(60)), fps=Fraction(30000, 1001)))
    assert scan.constant_rate and scan.packets == 60
    assert scan.rate_fps == pytest.approx(29.97, abs=0.01)
