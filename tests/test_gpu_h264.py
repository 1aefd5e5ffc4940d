"""H.264 — what real SoccerNet video is — decoded on the GPU, frame for frame (fault 8 of the
GPU-path review: the CPU build cannot decode H.264, so without these a user's first H.264 decode
would be their first GPU decode). Videos carry their frame index stamped into the pixels; the
stamps must equal the frame numbers the clip loader and the whole-game reader report, for MP4
(SN-BAS-2025) and Matroska (broadcast halves), with 250-frame GOPs and B-frames."""

from __future__ import annotations

import pytest
import torch
from pipeline_fixtures import dali_loader, games_of, labelled, stamped_indices

from dudek_dali.clips import AugmentConfig, GameReaderConfig
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.pipelines import DaliGameReader

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]
LAYOUTS = {"bas": "mp4", "broadcast": "mkv"}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def h264(request, tmp_path_factory):
    """(layout, root): 600 frames of stamped H.264 per video (3 B-frames, a keyframe every 250)."""
    layout = request.param
    root = tmp_path_factory.mktemp(f"h264-{layout}") / "data"
    minutes = 0.4 if layout == "bas" else 0.8  # broadcast: two halves of 600 frames
    config = SynthConfig(layout=layout, games=1, minutes=minutes, codec="h264", keyframe_interval=250,
                         stamp_frame_index=True)  # fmt: skip
    synthesize_dataset(root, config, progress=False)
    return layout, root


def test_h264_clips_are_the_stamped_frames(h264):
    layout, root = h264
    games = labelled(games_of(root, layout))
    options = {"clip_frames": 16, "stride": 2, "overlap": 4, "enforce_epoch_size": 12, "batch_size": 4}
    with dali_loader(games, "cuda", augment=AugmentConfig.off(), **options) as loader:
        plan = loader.plan()
        batches = list(loader)
    assert any(c.start % 250 > 100 for c in plan)  # decoding really starts far from a keyframe
    for batch in batches:
        assert batch.frames.device.type == "cuda"
        for clip, numbers, position in zip(batch.frames, batch.frame_numbers, batch.clip_ids, strict=True):
            assert numbers.tolist() == plan[int(position)].frame_numbers(16, 2).tolist()
            assert stamped_indices(clip) == numbers.tolist()


def test_h264_game_reader_windows_are_the_stamped_frames(h264):
    layout, root = h264
    game = games_of(root, layout)[0]
    config = GameReaderConfig(clip_frames=32, stride=2, overlap=8, batch_size=4, chunk_frames=40)
    seen = 0
    for batch in DaliGameReader(game, config, device="cuda"):
        for clip, numbers in zip(batch.frames, batch.frame_numbers, strict=True):
            real = numbers >= 0
            assert stamped_indices(clip[real]) == numbers[real].tolist()
            seen += int(real.sum())
    assert seen > 0
