"""H.264 — what real SoccerNet video is — read frame for frame by every reader that decodes it here:
DALI on the GPU (the CPU build cannot decode H.264), torchcodec on the CPU and on NVDEC, and the
PyAV whole-game reader. Videos carry their frame index stamped into the pixels; the stamps must
equal the frame numbers the clip loaders and the whole-game readers report, for MP4 (SN-BAS-2025)
and Matroska (broadcast halves), with 250-frame GOPs and B-frames. The readers that sample by time
(PyAV, torchcodec) also read the game re-encoded at 29.97, 30 and 50 fps: each sample is the frame
shown nearest to its time on the 25 fps grid, and they agree frame for frame."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from pipeline_fixtures import (
    TIME_READERS,
    TORCHCODEC,
    clip_loader,
    delivered_on,
    game_reader,
    games_of,
    labelled,
    stamped_indices,
)

from dudek_dali.clips import AugmentConfig, GameReaderConfig
from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.data.video_info import probe_video
from dudek_dali.prepare.transcode import retime_video

LAYOUTS = {"bas": "mp4", "broadcast": "mkv"}
NO_CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
DALI_GPU = pytest.param("cuda", id="dali-gpu", marks=[pytest.mark.gpu, NO_CUDA])
RATES = {"25": 25, "29.97": Fraction(30000, 1001), "30": 30, "50": 50}


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


@pytest.mark.parametrize("source", [DALI_GPU, *TORCHCODEC])
def test_h264_clips_are_the_stamped_frames(h264, source):
    layout, root = h264
    games = labelled(games_of(root, layout))
    options = {"clip_frames": 16, "stride": 2, "overlap": 4, "enforce_epoch_size": 12, "batch_size": 4}
    with clip_loader(games, source, augment=AugmentConfig.off(), **options) as loader:
        plan = loader.plan()
        batches = list(loader)
    assert any(c.start % 250 > 100 for c in plan)  # decoding really starts far from a keyframe
    for batch in batches:
        assert batch.frames.device.type == delivered_on(source)
        for clip, numbers, position in zip(batch.frames, batch.frame_numbers, batch.clip_ids, strict=True):
            assert numbers.tolist() == plan[int(position)].frame_numbers(16, 2).tolist()
            assert stamped_indices(clip) == numbers.tolist()


def window_stamps(reader) -> tuple[list[int], list[int]]:
    """(grid frame numbers, stamped indices) of every real frame of every window, in order."""
    numbers, stamps = [], []
    for batch in reader:
        for clip, frame_numbers in zip(batch.frames, batch.frame_numbers, strict=True):
            real = frame_numbers >= 0
            numbers += frame_numbers[real].tolist()
            stamps += stamped_indices(clip[real])
    return numbers, stamps


@pytest.mark.parametrize("source", [DALI_GPU, *TIME_READERS])
def test_h264_game_reader_windows_are_the_stamped_frames(h264, source):
    layout, root = h264
    game = games_of(root, layout)[0]
    config = GameReaderConfig(clip_frames=32, stride=2, overlap=8, batch_size=4, chunk_frames=40)
    numbers, stamps = window_stamps(game_reader(game, config, source))
    assert numbers and stamps == numbers
    assert max(numbers) == 2 * ((600 - 1) // 2)  # the tail of (each) video is read


def one_video_game(path: Path) -> Game:
    """A standalone video as an unlabelled game of one video."""
    video = GameVideo(path=path, half=1, info=probe_video(path), annotations=())
    return Game(dir=path.parent, league="", season="", match=path.stem, layout="bas", resolution=224,
                videos=(video,))  # fmt: skip


@pytest.fixture(scope="module")
def retimed(tmp_path_factory) -> dict[str, Game]:
    """A 12-second stamped H.264 game (B-frames) as synthesised (25 fps MP4) and re-encoded at 29.97
    and 30 fps (Matroska) and 50 fps (MP4): a retimed frame shows the source frame on screen at its time."""
    root = tmp_path_factory.mktemp("rates") / "data"
    config = SynthConfig(games=1, minutes=0.2, codec="h264", stamp_frame_index=True)
    synthesize_dataset(root, config, progress=False)
    source = games_of(root)[0].videos[0].path
    games = {"25": one_video_game(source)}
    for rate, fps in RATES.items():
        if rate != "25":
            suffix = "mkv" if rate in ("29.97", "30") else "mp4"
            target = retime_video(source, root / f"game at {rate} fps.{suffix}", fps).target
            games[rate] = one_video_game(target)
    return games


@pytest.mark.parametrize("source", TIME_READERS)
@pytest.mark.parametrize("rate", list(RATES))
def test_readers_sampling_by_time_pick_the_nearest_frame_at_every_rate(retimed, rate, source):
    config = GameReaderConfig(clip_frames=32, stride=2, overlap=0, batch_size=4, chunk_frames=40)
    numbers, stamps = window_stamps(game_reader(retimed[rate], config, source))
    assert numbers == list(range(0, 2 * len(numbers), 2)) and len(numbers) >= 150  # the 25 fps grid
    # Sample k is at 2k / 25 s: the source frame shown nearest to it is 2k, give or take the
    # retimed frame's own offset (under one frame of either rate).
    offsets = np.array(stamps) - np.array(numbers)
    assert np.abs(offsets).max() <= 1
    if rate in ("25", "50"):  # the grid falls on frames: exact
        assert not offsets.any()
    elif source == "pyav":
        assert offsets.any()  # at 29.97 and 30 fps some samples really fall between frames
    if source != "pyav":  # the same rule, the same frames
        assert (numbers, stamps) == window_stamps(game_reader(retimed[rate], config, "pyav"))
