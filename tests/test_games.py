import os

import pytest
from conftest import annotation, write_labels, write_tiny_video

from dudek_dali.data.games import discover_games
from dudek_dali.data.video_info import VideoInfoCache, probe_video
from dudek_dali.errors import DatasetError, VideoError


def test_discovers_bas_games_with_spaces_metadata_and_annotations(bas_game, tmp_path):
    bas_game(
        "2019-10-01 - Brentford - Bristol City",
        [annotation("PASS", "left", 400), annotation("GOAL", "right", 80)],
    )
    bas_game("2019-10-02 - Cardiff City - Queens Park Rangers", labels=False)
    (tmp_path / "data" / "README.txt").write_text("stray file")
    (tmp_path / "data" / "england_efl" / "2019-2020" / "notes").mkdir()
    found = discover_games(tmp_path / "data")
    assert found.problems == []
    assert [g.match for g in found.games] == [
        "2019-10-01 - Brentford - Bristol City",
        "2019-10-02 - Cardiff City - Queens Park Rangers",
    ]
    game, challenge = found.games
    assert game.url_local == "england_efl/2019-2020/2019-10-01 - Brentford - Bristol City"
    assert game.is_labelled and not challenge.is_labelled
    (video,) = game.videos
    assert (video.info.width, video.info.height, video.info.codec) == (64, 36, "vp9")
    assert video.info.num_frames == 12 and video.fps == pytest.approx(25)
    assert [video.event_frame(a) for a in video.annotations] == [2, 10]


def test_broadcast_layout_assigns_annotations_to_halves(tmp_path):
    game_dir = tmp_path / "england_epl" / "2015-2016" / "2015-02-21 - 18-00 Chelsea 1 - 1 Burnley"
    write_tiny_video(game_dir / "1_224p.mkv")
    write_tiny_video(game_dir / "2_224p.mkv", frames=20)
    write_labels(
        game_dir / "Labels-v2.json",
        [annotation("Goal", "left", 200, half=1), annotation("Corner", "not applicable", 400, half=2)],
    )
    (game,) = discover_games(tmp_path, layout="broadcast").games
    first, second = game.videos
    assert (first.half, second.half) == (1, 2)
    assert [a.label for a in first.annotations] == ["Goal"]
    assert [a.label for a in second.annotations] == ["Corner"]
    assert second.info.num_frames == 20  # Matroska has no frame count: derived from duration x fps


def test_label_file_without_video_is_reported(bas_game, tmp_path):
    bas_game(video=False)
    found = discover_games(tmp_path / "data")
    assert found.games == []
    assert "224p.mp4: missing" in found.problems[0] and "Labels-ball.json has no video" in found.problems[0]
    with pytest.raises(DatasetError, match="224p.mp4"):
        found.raise_for_problems()


def test_unknown_class_is_reported_with_file_and_label(bas_game, tmp_path):
    game_dir = bas_game(annotations=[annotation("TELEPORT")])
    problem = discover_games(tmp_path / "data").problems[0]
    assert str(game_dir / "Labels-ball.json") in problem and "'TELEPORT'" in problem


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage" * 100])
def test_unreadable_videos_raise_video_error_naming_the_file(tmp_path, content):
    path = tmp_path / "my game" / "224p.mp4"
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(VideoError, match="224p.mp4"):
        probe_video(path)


def test_truncated_mp4_is_unreadable(tmp_path):
    path = write_tiny_video(tmp_path / "224p.mp4", frames=30)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoError, match="224p.mp4"):
        probe_video(path)


def test_metadata_cache_reuses_and_invalidates(tmp_path):
    video = write_tiny_video(tmp_path / "a b" / "224p.mp4")
    cache = VideoInfoCache(tmp_path / "cache.json")
    first, scan = cache.get(video), cache.scan(video)
    cache.save()
    # Zeros of the same size with the same mtime: only the saved entry can still answer.
    stat = video.stat()
    video.write_bytes(bytes(stat.st_size))  # zeros: no container FFmpeg knows
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(VideoError, match="unreadable video"):
        probe_video(video)
    reloaded = VideoInfoCache(tmp_path / "cache.json")
    assert reloaded.get(video) == first and first.num_frames == 12
    assert reloaded.scan(video) == scan
    os.utime(video, ns=(1, 1))  # a different mtime marks the entry stale: the zeros are probed
    with pytest.raises(VideoError, match="unreadable video"):
        reloaded.get(video)
    write_tiny_video(video, frames=5)  # a different size too
    assert reloaded.get(video).num_frames == 5


def test_missing_root_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="not found"):
        discover_games(tmp_path / "nowhere")
