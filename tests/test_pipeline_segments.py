"""Long videos are read through short remuxed segment files (fault 4: an epoch's pipeline build
costs time in proportion to the file's length per file-list line). The segments must be the
video's own frames, numbered right: checked by the frame index stamped into the pixels."""

from __future__ import annotations

import av
import numpy as np
import pytest
from pipeline_fixtures import DEVICES, KEYFRAME_INTERVAL, dali_loader, games_of, stamped_indices

from dudek_dali.clips import AugmentConfig
from dudek_dali.data.synthetic import SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.pipelines.segments import plan_segments, segmented


def test_every_clip_fits_whole_in_the_segment_it_is_read_from():
    keyframes = np.arange(0, 1000, 37)
    ranges = plan_segments(keyframes, 1000, length=100, overlap=30)
    assert ranges[0][0] == 0 and ranges[-1][1] == 1000
    for first, end in ranges:
        assert first in keyframes and (end in keyframes or end == 1000)
    for start in range(0, 1000 - 30):  # every clip of 30 frames
        assert any(a <= start and start + 30 <= b for a, b in ranges), start


@pytest.mark.parametrize("device", DEVICES)
def test_clips_read_through_segments_are_the_planned_frames(bas_root, device):
    """300-frame videos cut into 50-frame segments (keyframes every 60): DALI's frame numbers are
    mapped back to the video's, and the stamped pixels agree."""
    games = games_of(bas_root)
    options = {"clip_frames": 8, "stride": 2, "overlap": 4, "enforce_epoch_size": 12, "batch_size": 4}
    with dali_loader(games, device, segment_frames=50, augment=AugmentConfig.off(), **options) as loader:
        assert set(loader.segmented) == {0, 1}
        plan, batches = loader.plan(), list(loader)
    starts = [c.start for c in plan]
    assert any(s % KEYFRAME_INTERVAL for s in starts) and max(starts) > 150
    for batch in batches:
        for clip, numbers, position in zip(batch.frames, batch.frame_numbers, batch.clip_ids, strict=True):
            assert numbers.tolist() == plan[int(position)].frame_numbers(8, 2).tolist()
            assert stamped_indices(clip) == numbers.tolist()


@pytest.mark.parametrize("codec", ["vp9", "h264"])
def test_segments_hold_the_videos_frames_bit_for_bit(tmp_path, codec):
    """Remuxed, not re-encoded: PyAV decodes each segment's frame j as the video's first_frame + j
    (H.264 with B-frames included, which DALI decodes only on the GPU)."""
    config = SynthConfig(games=1, minutes=0.2, codec=codec, keyframe_interval=30, stamp_frame_index=True)
    synthesize_dataset(tmp_path / "d", config, progress=False)
    video = next((tmp_path / "d").rglob("224p.mp4"))
    cut = segmented(video, span=20, length=60)
    assert cut is not None and len(cut.segments) >= 4
    with av.open(str(video)) as container:
        original = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    for segment in cut.segments:
        with av.open(str(segment.path)) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert len(frames) == segment.num_frames
        assert [read_frame_index(f) for f in frames] == list(
            range(segment.first_frame, segment.first_frame + len(frames))
        )
        assert all(np.array_equal(f, original[segment.first_frame + j]) for j, f in enumerate(frames))
    assert segmented(video, span=20, length=60) == cut  # cached: read back, not remuxed again
