"""Frame folders written by dude-k (the seed) are adopted as they are, never extracted again.

The folders come from dude-k's own extraction (``SoccerVideo.save_frames``, what its
``bas-frame-extract`` commands run) on synthetic games whose frames carry their index: unpadded
names, no manifest, the stride grid plus every annotated frame.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from cli_runner import dudek
from dudek.data.team_bas import SoccerVideo
from PIL import Image
from pipeline_fixtures import frame_loader

from dudek_dali.clips import AugmentConfig, GameReaderConfig
from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD
from dudek_dali.data.games import Game, discover_games
from dudek_dali.data.synthetic import SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.errors import DatasetError
from dudek_dali.frames import ExtractionConfig, extract_frames, frames_dir, read_manifest
from dudek_dali.frames.folders import FrameFolder
from dudek_dali.frames.game_reader import FrameGameReader
from dudek_dali.frames.manifest import adopted_manifest_file
from dudek_dali.frames.selection import plan_video

CLIPS = dict(clip_frames=8, stride=2, overlap=4)


def dudek_extract(games: list[Game], **options) -> None:
    """dude-k's frame extraction of every video of ``games`` (224x224, stride 2 by default)."""
    for game in games:
        if game.layout == "bas":
            videos = [SoccerVideo.bas_video_from_path(str(game.dir), 224)]
        else:
            videos = SoccerVideo.action_spotting_video_from_path(str(game.dir), 224)
        for video in videos:
            with contextlib.redirect_stderr(io.StringIO()):  # its tqdm bar
                video.save_frames(stride=2, target_height=224, target_width=224, **options)


def private_copy(root: Path, copy: Path, *, frames: bool = True) -> Path:
    """Hard-linked copy of a dataset (adoption only ever adds files beside the frame folders)."""
    for dirpath, _, files in os.walk(root):
        for name in files:
            source = Path(dirpath) / name
            if not frames and any(part.startswith(".frames_") for part in source.parts):
                continue
            target = copy / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
    return copy


@pytest.fixture(scope="module")
def bas_root(tmp_path_factory) -> Path:
    """Two labelled BAS games of 300 frames, with dude-k's frame folders."""
    root = tmp_path_factory.mktemp("dudek_frames") / "data"
    synthesize_dataset(root, SynthConfig(games=2, minutes=0.2, stamp_frame_index=True), progress=False)
    dudek_extract(discover_games(root).games)
    return root


@pytest.fixture
def games(bas_root, tmp_path) -> list[Game]:
    return discover_games(private_copy(bas_root, tmp_path / "copy")).games


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """name -> (inode, mtime, size) of everything in a frame folder."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def pixels(frames):
    import torch

    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1) * 255
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1) * 255
    return frames * std + mean


def test_dudek_layout_as_this_test_assumes(games):
    for game in games:
        video = game.videos[0]
        names = sorted(os.listdir(frames_dir(video.path)), key=lambda n: int(n.split(".")[0]))
        indices = [int(n.split(".")[0]) for n in names]
        annotated = {video.event_frame(a) for a in video.annotations}
        assert (
            names[:3] == ["0.jpg", "2.jpg", "4.jpg"]
            and not (frames_dir(video.path) / "manifest.json").exists()
        )
        assert set(indices) == set(range(0, 300, 2)) | annotated
        assert any(i % 2 for i in annotated), "no off-grid annotated frame to ignore"


def test_extract_frames_adopts_without_touching_a_file(games, bas_root, tmp_path):
    before = {g.match: snapshot(frames_dir(g.videos[0].path)) for g in games}
    start = time.perf_counter()
    report = extract_frames(games, ExtractionConfig(stride=2, size=(224, 224)))
    adopting = time.perf_counter() - start
    assert report.extracted == [] and report.failed == [] and report.frames_written == 0
    assert sorted(report.adopted) == sorted(report.skipped) == sorted(v.path for g in games for v in g.videos)
    for game in games:
        video = game.videos[0]
        folder = frames_dir(video.path)
        assert snapshot(folder) == before[game.match]  # no JPEG written, renamed or removed, nothing added
        manifest = read_manifest(folder)
        assert manifest is not None and adopted_manifest_file(folder).is_file()
        assert (manifest.adopted_from, manifest.name_width, manifest.stride, manifest.windows) == (
            "dude-k",
            0,
            2,
            None,
        )
        assert manifest.decoded_frames == VideoInfoCache().scan(video.path).packets == 300
        assert manifest.num_frames == len(before[game.match]) and manifest.size == (224, 224)
        # dude-k still reads the folder (it parses every name in it as a frame index).
        dudek_frames = SoccerVideo.bas_video_from_path(str(game.dir), 224).frames
        assert len(dudek_frames) == manifest.num_frames
    again = extract_frames(games, ExtractionConfig(stride=2, size=(224, 224)))
    assert again.adopted == [] and len(again.skipped) == len(games) and again.extracted == []

    # The same videos extracted from scratch, for comparison.
    fresh = discover_games(private_copy(bas_root, tmp_path / "fresh", frames=False)).games
    start = time.perf_counter()
    extracted = extract_frames(fresh, ExtractionConfig(stride=2, size=(224, 224)))
    extracting = time.perf_counter() - start
    assert len(extracted.extracted) == len(fresh)
    print(f"{len(games)} videos of 300 frames: adopted in {adopting:.2f} s, extracted in {extracting:.2f} s")


def test_frame_loader_adopts_and_reads_the_grid_frames(games):
    loader = frame_loader(games, **CLIPS, batch_size=4, num_workers=0, augment=AugmentConfig.off())
    seen = 0
    for batch in loader:
        numbers = batch.frame_numbers.flatten().tolist()
        assert all(n % 2 == 0 for n in numbers)  # the off-grid annotated frames are never read
        stamps = [read_frame_index(f.permute(1, 2, 0).numpy()) for f in pixels(batch.frames).flatten(0, 1)]
        assert stamps == numbers
        seen += len(numbers)
    assert seen > 0
    assert all(read_manifest(frames_dir(g.videos[0].path)).adopted_from == "dude-k" for g in games)


def test_whole_game_reader_reads_a_dudek_folder(games):
    config = GameReaderConfig(clip_frames=16, stride=2, overlap=6, batch_size=4, chunk_frames=32)
    batches = list(FrameGameReader(games[0], config, num_threads=1))
    real = [b.frame_numbers >= 0 for b in batches]
    numbers = sorted({int(n) for b, r in zip(batches, real, strict=True) for n in b.frame_numbers[r]})
    assert numbers == list(range(0, 300, 2))
    last = batches[-1]
    frame = pixels(last.frames[last.frame_numbers >= 0][-1])
    assert read_frame_index(frame.permute(1, 2, 0).numpy()) == 298


def test_missing_grid_frames_are_named_and_nothing_is_redone(games):
    game = games[0]
    folder = frames_dir(game.videos[0].path)
    for index in range(100, 142, 2):
        (folder / f"{index}.jpg").unlink()
    (folder / "250.jpg").unlink()
    before = snapshot(folder)
    with pytest.raises(DatasetError) as error:
        FrameFolder(game.videos[0].path).open(stride=2, game=game)
    message = str(error.value)
    assert "\n" not in message and str(folder) in message
    assert "lacks 22 of the 150 frames" in message and "frames 100..140, 250 missing" in message
    report = extract_frames(games, ExtractionConfig(stride=2))
    assert [video for video, _ in report.failed] == [game.videos[0].path]
    assert "frames 100..140, 250 missing" in report.failed[0][1] and report.extracted == []
    assert snapshot(folder) == before and read_manifest(folder) is None


def test_cli_adopts_skips_and_refuses_other_sizes(games):
    root = games[0].dir.parents[2]
    first = dudek("extract-frames", root, "--no-progress")
    assert first.returncode == 0, first.stderr
    assert _row(first.stdout, "videos already done (skipped)") == "2"
    assert _row(first.stdout, "videos extracted") == "0"
    assert all(read_manifest(frames_dir(g.videos[0].path)).adopted_from == "dude-k" for g in games)
    second = dudek("extract-frames", root, "--no-progress")
    assert second.returncode == 0 and _row(second.stdout, "videos already done (skipped)") == "2"
    before = snapshot(frames_dir(games[0].videos[0].path))
    other = dudek("extract-frames", root, "--no-progress", "--size", "112x112")
    assert other.returncode == 2
    assert "dude-k frames are 224x224, this run asks for 112x112" in other.stderr
    assert snapshot(frames_dir(games[0].videos[0].path)) == before


def test_broadcast_windows_are_adopted_with_the_radius_they_were_made_with(tmp_path):
    root = tmp_path / "broadcast"
    synthesize_dataset(
        root, SynthConfig(layout="broadcast", games=1, minutes=0.5, stamp_frame_index=True), progress=False
    )
    games = discover_games(root, layout="broadcast").games
    dudek_extract(games, radius_around_annotations_in_sec=2)
    config = ExtractionConfig(stride=2, radius_sec=2.0)
    report = extract_frames(games, config)
    assert report.failed == [] and len(report.adopted) == 2
    for video in games[0].videos:
        manifest = read_manifest(frames_dir(video.path))
        assert manifest.windows == plan_video(games[0], video, config).windows and manifest.windows
    loader = frame_loader(games, **CLIPS, batch_size=4, num_workers=0, augment=AugmentConfig.off())
    for batch in loader:
        stamps = [read_frame_index(f.permute(1, 2, 0).numpy()) for f in pixels(batch.frames).flatten(0, 1)]
        assert stamps == batch.frame_numbers.flatten().tolist()
    with Image.open(next(frames_dir(games[0].videos[0].path).glob("*.jpg"))) as image:
        assert image.size == (224, 224)
    assert np.all([p.name != "manifest.json" for p in frames_dir(games[0].videos[0].path).iterdir()])


def _row(table: str, label: str) -> str:
    """The value beside ``label`` in a printed two-column table."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) == 2 and cells[0] == label:
            return cells[1]
    raise AssertionError(f"no row {label!r} in:\n{table}")
