"""``dudek extract-frames`` and :func:`extract_frames` on real synthetic videos."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from cli_runner import dudek
from PIL import Image

from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.frames import (
    ExtractionConfig,
    extract_frames,
    frames_dir,
    parse_frame_file_name,
    read_manifest,
)
from dudek_dali.frames.layout import partial_dir

FRAMES = 150  # per video: 6 s at 25 fps


@pytest.fixture(scope="module")
def bas_root(tmp_path_factory) -> Path:
    """Five BAS games (four labelled, the challenge game unlabelled) with frame indices stamped."""
    root = tmp_path_factory.mktemp("bas") / "data"
    synthesize_dataset(
        root, SynthConfig(games=5, minutes=FRAMES / 1500, stamp_frame_index=True), progress=False
    )
    return root


@pytest.fixture
def bas_copy(bas_root, tmp_path) -> Path:
    """A private copy of the dataset (videos and labels only), for tests that write frames."""
    copy = tmp_path / "copy"
    for path in bas_root.rglob("*"):
        if path.is_file() and not any(part.startswith(".frames_") for part in path.parts):
            target = copy / path.relative_to(bas_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    return copy


def _jpegs(folder: Path) -> dict[int, Path]:
    return {parse_frame_file_name(p.name): p for p in folder.iterdir() if p.suffix == ".jpg"}


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_cli_writes_224_jpegs_named_by_original_index_on_the_stride_grid(bas_copy):
    result = dudek("extract-frames", bas_copy, "--resolution", "224", "--stride", "2", "--no-progress")
    assert result.returncode == 0, result.stderr
    games = discover_games(bas_copy).games
    labelled = [g for g in games if g.is_labelled]
    assert len(labelled) == 4 and len(games) == 5
    for game in labelled:
        folder = game.dir / ".frames_224p.mp4"
        jpegs = _jpegs(folder)
        assert sorted(jpegs) == list(range(0, FRAMES, 2))
        for index, path in jpegs.items():
            with Image.open(path) as image:
                assert image.size == (224, 224) and image.format == "JPEG"
                # The stamp drawn into the source frame proves the name is the original frame index.
                assert read_frame_index(np.asarray(image.convert("RGB"))) == index
    unlabelled = next(g for g in games if not g.is_labelled)
    assert not frames_dir(unlabelled.videos[0].path).exists()
    assert "unlabelled games skipped" in result.stdout and "disk per game-minute" in result.stdout


def test_save_all_extracts_unlabelled_games_on_the_grid(bas_copy):
    games = [g for g in discover_games(bas_copy).games if not g.is_labelled]
    report = extract_frames(games, ExtractionConfig(stride=3, size=(96, 160), save_all=True))
    folder = frames_dir(games[0].videos[0].path)
    assert sorted(_jpegs(folder)) == list(range(0, FRAMES, 3))
    with Image.open(folder / "000003.jpg") as image:
        assert image.size == (160, 96)
    assert report.frames_written == len(range(0, FRAMES, 3)) and report.unlabelled == []
    assert report.disk_bytes >= report.jpeg_bytes_written > 0


def test_rerun_skips_finished_videos_and_redoes_damaged_ones(bas_copy):
    games = [g for g in discover_games(bas_copy).games if g.is_labelled]
    first = extract_frames(games)
    assert len(first.extracted) == 4 and first.skipped == []
    folders = [frames_dir(g.videos[0].path) for g in games]
    before = [_mtimes(f) for f in folders]
    (folders[0] / "manifest.json").unlink()  # as if killed before the marker was written
    for path in sorted(_jpegs(folders[1]).values())[::7]:  # files lost after it was finished
        path.unlink()
    second = extract_frames(games)
    assert sorted(second.extracted) == sorted(g.videos[0].path for g in games[:2])
    assert sorted(second.skipped) == sorted(g.videos[0].path for g in games[2:])
    assert [_mtimes(f) for f in folders[2:]] == before[2:]  # untouched, byte for byte
    for folder in folders[:2]:
        manifest = read_manifest(folder)
        assert manifest is not None and sorted(_jpegs(folder)) == manifest.frame_indices().tolist()
        assert _mtimes(folder) != before[folders.index(folder)]


def test_interrupted_run_leaves_no_finished_looking_folder_and_resumes(bas_copy):
    games = [g for g in discover_games(bas_copy).games if g.is_labelled]
    seen: list[int] = []

    def interrupt_in_second_video(state) -> None:
        seen.append(state.frames_done)
        if state.videos_done == 1 and state.frames_done > FRAMES // 2 + 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        extract_frames(games, progress=interrupt_in_second_video)
    first, second = (g.videos[0].path for g in games[:2])
    assert read_manifest(frames_dir(first)) is not None
    assert not frames_dir(second).exists() and any(partial_dir(second).iterdir())
    done_before = _mtimes(frames_dir(first))
    report = extract_frames(games)
    assert report.skipped == [first] and len(report.extracted) == 3
    assert _mtimes(frames_dir(first)) == done_before
    assert not partial_dir(second).exists()
    assert sorted(_jpegs(frames_dir(second))) == list(range(0, FRAMES, 2))


def test_changed_settings_redo_the_folder(bas_copy):
    games = [g for g in discover_games(bas_copy).games if g.is_labelled][:1]
    extract_frames(games, ExtractionConfig(stride=2))
    report = extract_frames(games, ExtractionConfig(stride=4))
    assert report.extracted == [games[0].videos[0].path]
    assert sorted(_jpegs(frames_dir(games[0].videos[0].path))) == list(range(0, FRAMES, 4))


def test_worker_processes_write_the_same_files(bas_copy, tmp_path):
    games = [g for g in discover_games(bas_copy).games if g.is_labelled][:3]
    updates = []
    report = extract_frames(
        games, workers=2, progress=lambda s: updates.append((s.frames_done, s.videos_done))
    )
    assert updates[-1] == (3 * FRAMES // 2, 3) and report.frames_written == 3 * FRAMES // 2
    parallel = {p: p.read_bytes() for g in games for p in frames_dir(g.videos[0].path).glob("*.jpg")}
    for game in games:
        (frames_dir(game.videos[0].path) / "manifest.json").unlink()
    extract_frames(games, workers=1)
    assert {p: p.read_bytes() for p in parallel} == parallel


def test_broadcast_keeps_only_grid_frames_near_annotations(tmp_path):
    root = tmp_path / "broadcast"
    synthesize_dataset(
        root, SynthConfig(layout="broadcast", games=1, minutes=0.2, stamp_frame_index=True), progress=False
    )
    result = dudek("extract-frames", root, "--layout", "broadcast", "--radius-sec", "1", "--no-progress")
    assert result.returncode == 0, result.stderr
    (game,) = discover_games(root, layout="broadcast").games
    for video in game.videos:
        labels = json.loads((game.dir / "Labels-v2.json").read_text())["annotations"]
        events = [
            int(int(a["position"]) / 1000 * 25) for a in labels if a["gameTime"].startswith(f"{video.half} ")
        ]
        expected = [i for i in range(0, video.num_frames, 2) if any(abs(i - e) <= 25 for e in events)]
        jpegs = _jpegs(frames_dir(video.path))
        assert events and sorted(jpegs) == expected
        some = jpegs[expected[len(expected) // 2]]
        with Image.open(some) as image:
            assert read_frame_index(np.asarray(image.convert("RGB"))) == expected[len(expected) // 2]


@pytest.mark.parametrize("size", ["224x", "0x224", "axb"])
def test_cli_rejects_a_bad_size_in_one_line(bas_copy, size):
    result = dudek("extract-frames", bas_copy, "--size", size, "--no-progress")
    assert result.returncode == 2 and "HEIGHTxWIDTH" in result.stderr and "Traceback" not in result.stderr


def test_a_video_that_fails_to_decode_does_not_stop_the_others(bas_copy):
    games = [g for g in discover_games(bas_copy).games if g.is_labelled]
    broken = games[1].videos[0].path
    data = bytearray(broken.read_bytes())
    third = len(data) // 3
    data[third : 2 * third] = np.random.default_rng(0).integers(0, 256, third, dtype=np.uint8).tobytes()
    broken.unlink()  # a hard link into the module's dataset: replace it, never write through it
    broken.write_bytes(bytes(data))  # headers intact (discovery passes), frame data garbage
    result = dudek("extract-frames", bas_copy, "--no-progress", "--workers", "2")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(broken) in result.stderr and "1 video(s) failed" in result.stderr
    assert not frames_dir(broken).exists()
    for game in games[:1] + games[2:]:
        assert read_manifest(frames_dir(game.videos[0].path)) is not None


def test_h264_with_b_frames_keeps_the_original_frame_order(tmp_path):
    """Real SoccerNet video is H.264 with B-frames: frames must be named in display order."""
    root = tmp_path / "h264"
    config = SynthConfig(games=1, minutes=FRAMES / 1500, stamp_frame_index=True, codec="h264")
    synthesize_dataset(root, config, progress=False)
    (game,) = discover_games(root).games
    report = extract_frames([game], ExtractionConfig(stride=5))
    assert report.failed == [] and report.frames_written == FRAMES // 5
    for index, path in _jpegs(frames_dir(game.videos[0].path)).items():
        with Image.open(path) as image:
            assert read_frame_index(np.asarray(image.convert("RGB"))) == index
