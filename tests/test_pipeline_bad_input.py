"""Bad videos give one clear VideoError naming the file, before training starts (or, for damage
DALI meets mid-epoch, when it meets it) — never a hang, a crash or a silently wrong clip."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from pipeline_fixtures import (
    DEVICES,
    copy_dataset,
    dali_loader,
    games_of,
    synth,
)

from dudek_dali.clips import AugmentConfig
from dudek_dali.errors import VideoError
from dudek_dali.pipelines import DaliGameReader, check_video

SMALL = {"clip_frames": 12, "stride": 2, "overlap": 4, "enforce_epoch_size": 4, "batch_size": 2}


def make_loader(games, device: str = "cpu", **options):
    return dali_loader(games, device, augment=AugmentConfig.off(), **{**SMALL, **options})


def naming(path: Path) -> str:
    return re.escape(str(path))


def first_video(games) -> Path:
    return games[0].videos[0].path


def cut(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


@pytest.fixture
def bas_copy(bas_root, tmp_path) -> Path:
    return copy_dataset(bas_root, tmp_path / "copy")


@pytest.mark.parametrize("device", DEVICES)
def test_zero_byte_video(bas_copy, device):
    games = games_of(bas_copy)  # discovered while the file was good
    video = first_video(games)
    video.write_bytes(b"")
    with pytest.raises(VideoError, match=naming(video) + r".*empty"):
        make_loader(games, device)


@pytest.mark.parametrize("device", DEVICES)
def test_truncated_mp4(bas_copy, device):
    games = games_of(bas_copy)
    video = first_video(games)
    cut(video, 0.6)  # the MP4 index (moov) is written last, so it is lost
    with pytest.raises(VideoError, match=naming(video) + r".*unreadable"):
        make_loader(games, device)


@pytest.mark.parametrize("device", DEVICES)
def test_truncated_matroska(broadcast_root, tmp_path, device):
    root = copy_dataset(broadcast_root, tmp_path / "copy")
    games = games_of(root, "broadcast")
    video = games[0].videos[1].path
    cut(video, 0.5)  # headers survive: only the tail check can tell
    with pytest.raises(VideoError, match=naming(video) + r".*truncated"):
        make_loader(games, device)


@pytest.mark.parametrize("device", DEVICES)
def test_corrupt_header(bas_copy, device):
    games = games_of(bas_copy)
    video = first_video(games)
    data = bytearray(video.read_bytes())
    data[:64] = np.random.default_rng(1).bytes(64)
    video.write_bytes(bytes(data))
    with pytest.raises(VideoError, match=naming(video) + r".*unreadable"):
        make_loader(games, device)


@pytest.mark.parametrize("device", DEVICES)
def test_video_shorter_than_one_clip(bas_root, device):
    games = games_of(bas_root)  # 300 frames; a clip of 160 frames at stride 2 spans 319
    with pytest.raises(
        VideoError, match=naming(first_video(games)) + r".*too short: 300 frames, one clip needs 319"
    ):
        make_loader(games, device, clip_frames=160, overlap=0)


def test_h264_asked_of_the_cpu_decoder(tmp_path):
    root = synth(tmp_path / "h264", layout="bas", games=1, minutes=0.05, codec="h264")
    games = games_of(root)
    video = first_video(games)
    with pytest.raises(VideoError, match=naming(video) + r".*codec h264 cannot be decoded on the cpu"):
        make_loader(games)
    assert check_video(games[0].videos[0], backend="gpu").num_frames == 75  # NVDEC reads it


@pytest.mark.parametrize("device", DEVICES)
def test_wrong_resolution(tmp_path, device):
    root = synth(tmp_path / "hd", layout="bas", games=1, minutes=0.05, resolution=720)
    match_dir = next(root.rglob("720p.mp4")).parent
    (match_dir / "720p.mp4").rename(match_dir / "224p.mp4")  # a 720p file where 224p belongs
    games = games_of(root, resolution=224)
    with pytest.raises(VideoError, match=naming(first_video(games)) + r".*1280x720, expected 224p"):
        make_loader(games, device)


@pytest.mark.parametrize("device", DEVICES)
def test_a_file_truncated_after_the_checks_is_named(bas_copy, device):
    games = games_of(bas_copy)
    loader = make_loader(games, device, enforce_epoch_size=8)
    video = first_video(games)
    cut(video, 0.3)  # damaged after the checks passed (DALI would silently skip it)
    with pytest.raises(VideoError, match=naming(video) + r".*found while decoding"):
        list(loader)
    loader.close()


@pytest.mark.parametrize("device", DEVICES)
def test_corrupt_data_met_mid_epoch_is_a_video_error(bas_copy, device):
    games = games_of(bas_copy)
    loader = make_loader(games, device, enforce_epoch_size=8)
    data = bytearray(first_video(games).read_bytes())
    middle = slice(len(data) // 10, len(data) * 9 // 10)
    data[middle] = np.random.default_rng(0).bytes(middle.stop - middle.start)  # headers, tail intact
    first_video(games).write_bytes(bytes(data))
    with pytest.raises(VideoError, match=r"DALI failed to decode a clip of one of .*224p\.mp4"):
        list(loader)
    loader.close()


@pytest.mark.parametrize("device", DEVICES)
def test_game_reader_damage_names_the_file(bas_copy, device):
    game = games_of(bas_copy)[0]
    reader = DaliGameReader(game, device=device)
    cut(game.videos[0].path, 0.3)
    with pytest.raises(VideoError, match=naming(game.videos[0].path) + r".*DALI failed"):
        list(reader)


@pytest.mark.parametrize("device", DEVICES)
def test_game_reader_refuses_bad_files_up_front(bas_copy, device):
    game = games_of(bas_copy)[0]
    game.videos[0].path.write_bytes(b"")
    with pytest.raises(VideoError, match=naming(game.videos[0].path)):
        DaliGameReader(game, device=device)
