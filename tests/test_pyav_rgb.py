"""PyAV's kept scaler gives the pixels ``frame.to_ndarray(width=, height=, format=)`` gives, which
builds a new scaler for every frame: the readers stopped paying for that, not for a different picture."""

from __future__ import annotations

import av
import numpy as np
import pytest
from conftest import write_tiny_video

from dudek_dali.pyav.rgb import RgbScaler


@pytest.mark.parametrize("codec", ["libx264", "libvpx-vp9"])
def test_kept_scaler_gives_the_per_frame_scalers_pixels(tmp_path, codec):
    path = write_tiny_video(tmp_path / f"noise-{codec}.mkv", frames=10, size=(398, 224), codec=codec)
    for size in [(224, 224), (64, 96), (224, 398)]:
        scaler = RgbScaler(size)
        with av.open(str(path)) as container:
            frames = list(container.decode(video=0))
        assert len(frames) == 10
        for frame in frames:
            kept = scaler(frame)
            fresh = frame.to_ndarray(width=size[1], height=size[0], format="rgb24")
            assert kept.shape == (*size, 3) and kept.dtype == np.uint8
            assert np.array_equal(kept, fresh)
        assert not np.array_equal(scaler(frames[0]), scaler(frames[1]))  # real, changing pictures
