"""The frame-folder loader against the DALI CPU loader, and on its own."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from pipeline_fixtures import dali_loader, frame_loader

from dudek_dali.clips import AugmentConfig, GameReaderConfig, video_entries
from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.frames import ExtractionConfig, extract_frames, frames_dir
from dudek_dali.frames.game_reader import FrameGameReader
from dudek_dali.pipelines import DaliGameReader

FRAMES = 150
CLIPS = dict(clip_frames=8, stride=2, overlap=4)
PROBAS = ("flip", "crop", "camera", "hue", "saturation", "brightness", "contrast", "blur")


def pixels(frames: torch.Tensor) -> torch.Tensor:
    """ImageNet-normalised (..., 3, H, W) back to 0..255."""
    mean = torch.tensor(IMAGENET_MEAN, device=frames.device).view(3, 1, 1) * 255
    std = torch.tensor(IMAGENET_STD, device=frames.device).view(3, 1, 1) * 255
    return frames * std + mean


def only(*names: str) -> AugmentConfig:
    return AugmentConfig(**{f"{n}_proba": float(n in names) for n in PROBAS})


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    """Four labelled VP9 games with stamped frame indices, extracted at 224x224, stride 2."""
    root = tmp_path_factory.mktemp("frames_loader") / "data"
    synthesize_dataset(
        root, SynthConfig(games=4, minutes=FRAMES / 1500, stamp_frame_index=True), progress=False
    )
    found = discover_games(root).games
    extract_frames(found, ExtractionConfig(stride=2, size=(224, 224)))
    return found


@pytest.fixture
def private_games(games, tmp_path):
    """Hard-linked copies of the games (videos, labels, frames) that a test may damage."""
    root = games[0].dir.parents[2]
    copy = tmp_path / "copy"
    for dirpath, _, files in os.walk(root):
        for name in files:
            source = Path(dirpath) / name
            target = copy / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
    return discover_games(copy).games


def test_same_clips_targets_and_pixels_as_the_dali_cpu_loader(games):
    options = dict(CLIPS, enforce_epoch_size=6, even_choice_proba=0.3, batch_size=4, seed=3)
    dali = dali_loader(games, "cpu", augment=AugmentConfig.off(), **options)
    frames = frame_loader(games, augment=AugmentConfig.off(), num_workers=2, **options)
    assert len(frames) == len(dali) == 2
    differences = []
    for epoch in (0, 1):
        dali.set_epoch(epoch)
        frames.set_epoch(epoch)
        for a, b in zip(dali, frames, strict=True):
            assert torch.equal(a.frame_numbers, b.frame_numbers)
            assert torch.equal(a.classes, b.classes) and torch.equal(a.displacement, b.displacement)
            assert torch.equal(a.clip_ids, b.clip_ids) and torch.equal(a.flipped, b.flipped)
            assert a.videos == b.videos and a.games == b.games
            assert b.frames.shape == a.frames.shape and b.frames.dtype == a.frames.dtype == torch.float32
            differences.append((pixels(a.frames) - pixels(b.frames)).abs().flatten())
            stamps = [read_frame_index(f.permute(1, 2, 0).numpy()) for f in pixels(b.frames).flatten(0, 1)]
            assert stamps == b.frame_numbers.flatten().tolist()
    dali.close()
    diff = torch.cat(differences)
    # Only JPEG coding separates them (q95: about 1.8 levels on average on these noisy frames).
    print(f"frame loader vs DALI CPU, 0..255 levels: max {diff.max():.1f}, mean {diff.mean():.3f}")
    assert diff.mean() < 2.5 and torch.quantile(diff[::97], 0.99) < 16


def _clip_differences(games, augment: AugmentConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-clip mean abs difference to DALI: frame loader with the same augment, and without."""
    options = dict(CLIPS, enforce_epoch_size=4, batch_size=4, seed=5)
    dali = next(iter(dali_loader(games, "cpu", augment=augment, **options)))
    same = next(iter(frame_loader(games, augment=augment, num_workers=0, **options)))
    plain = next(iter(frame_loader(games, augment=AugmentConfig.off(), num_workers=0, **options)))
    assert torch.equal(dali.classes, same.classes) and torch.equal(dali.flipped, same.flipped)

    def per_clip(x: torch.Tensor) -> torch.Tensor:
        return (pixels(dali.frames) - pixels(x)).abs().mean(dim=(1, 2, 3, 4))

    return per_clip(same.frames), per_clip(plain.frames)


def test_every_augmentation_at_once_matches_dali(games):
    same, plain = _clip_differences(games, only(*PROBAS))
    assert (same < 3.0).all() and (same < plain / 2).all(), (same, plain)


def test_dudek_camera_style_matches_dali(games):
    """dude-k's sinusoidal camera path with black borders: the same pixels from both loaders."""
    augment = dataclasses.replace(only("camera", "flip"), camera_style="dudek")
    same, plain = _clip_differences(games, augment)
    assert (same < 2.5).all() and (same < plain / 2).all(), (same, plain)


@pytest.mark.slow
@pytest.mark.parametrize("name", PROBAS)
def test_each_augmentation_matches_dali(games, name):
    same, plain = _clip_differences(games, only(name))
    assert (same < 2.5).all() and (same < plain).all(), (same, plain)


def test_workers_resume_and_epochs(games):
    # Cheap augmentations: this test is about workers and resuming, not about the transforms.
    options = dict(CLIPS, enforce_epoch_size=5, batch_size=2, seed=1, augment=only("flip", "brightness"))
    inline = frame_loader(games, num_workers=0, **options)
    workers = frame_loader(games, num_workers=2, **options)
    inline.set_epoch(2)
    workers.set_epoch(2)
    full = list(inline)
    assert len(full) == len(inline) == 3 and len(full[-1]) == 1
    for a, b in zip(full, workers, strict=True):
        assert torch.equal(a.frames, b.frames) and torch.equal(a.classes, b.classes)
    workers.set_epoch(2, start_batch=1)
    resumed = list(workers)
    assert [b.clip_ids.tolist() for b in resumed] == [b.clip_ids.tolist() for b in full[1:]]
    assert all(torch.equal(a.frames, b.frames) for a, b in zip(resumed, full[1:], strict=True))


def test_missing_folder_names_it_and_the_command(private_games):
    folder = frames_dir(private_games[1].videos[0].path)
    (folder / "manifest.json").unlink()
    with pytest.raises(DatasetError, match="dudek extract-frames") as err:
        frame_loader(private_games, **CLIPS)
    assert str(folder) in str(err.value) and "unfinished" in str(err.value)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    with pytest.raises(DatasetError, match=f"{folder}: no frame folder"):
        frame_loader(private_games, **CLIPS)


def test_missing_frames_are_reported_before_and_during_an_epoch(private_games):
    folder = frames_dir(private_games[0].videos[0].path)
    (folder / "000040.jpg").unlink()
    with pytest.raises(DatasetError, match="74 JPEG frames found, the manifest lists 75") as err:
        frame_loader(private_games[:1], **CLIPS)
    assert str(folder) in str(err.value)
    loader = frame_loader(private_games[1:2], num_workers=1, **CLIPS, batch_size=64)
    for path in frames_dir(private_games[1].videos[0].path).glob("*.jpg"):
        path.unlink()  # gone after the loader checked the folder
    with pytest.raises(DatasetError, match="is missing; run `dudek extract-frames`") as err:
        next(iter(loader))
    assert "Traceback" not in str(err.value)


def test_frames_extracted_at_another_stride_are_refused(private_games):
    extract_frames(private_games[:1], ExtractionConfig(stride=3))
    with pytest.raises(DatasetError, match="extracted every 3 frames, which cannot serve clips at stride 2"):
        frame_loader(private_games[:1], **CLIPS)
    assert frame_loader(private_games[:1], **{**CLIPS, "stride": 6}).num_clips > 0


def test_broadcast_clips_stay_inside_the_extracted_windows(tmp_path):
    root = tmp_path / "broadcast"
    synthesize_dataset(
        root, SynthConfig(layout="broadcast", games=1, minutes=0.2, stamp_frame_index=True), progress=False
    )
    games = discover_games(root, layout="broadcast").games
    extract_frames(games, ExtractionConfig(radius_sec=1.0))
    loader = frame_loader(games, **CLIPS, batch_size=4, num_workers=0, augment=AugmentConfig.off())
    sources = {s.path: s for s in video_entries(games)}
    encoder = TargetEncoder(games[0].label_set, 4)
    labelled = 0
    for batch in loader:
        for video, numbers, classes, offsets, image in zip(
            batch.videos,
            batch.frame_numbers,
            batch.classes,
            batch.displacement,
            pixels(batch.frames),
            strict=True,
        ):
            on_disk = {int(p.stem) for p in frames_dir(video).glob("*.jpg")}
            assert set(numbers.tolist()) <= on_disk
            # Targets from the whole video's events at the original frame numbers (no segment shift).
            expected = encoder.encode(sources[video].events, numbers.numpy(), stride=2)
            assert np.array_equal(classes.numpy(), expected.classes)
            assert np.array_equal(offsets.numpy(), expected.displacement)
            assert read_frame_index(image[0].permute(1, 2, 0).numpy()) == numbers[0]
            labelled += int((classes > 0).any())
    assert labelled > 0


def test_whole_game_reader_matches_dali_window_for_window(games):
    config = GameReaderConfig(clip_frames=16, stride=2, overlap=6, batch_size=3, chunk_frames=10)
    dali = list(DaliGameReader(games[0], config))
    frames = FrameGameReader(games[0], config, num_threads=2, prefetch=2)
    assert len(frames) == len(dali) == 3 and frames.num_windows(0) == 7
    ours = list(frames)
    assert len(ours) == len(dali)
    for a, b in zip(dali, ours, strict=True):
        assert torch.equal(a.frame_numbers, b.frame_numbers) and torch.equal(a.clip_ids, b.clip_ids)
        assert torch.equal(a.classes, b.classes) and torch.equal(a.displacement, b.displacement)
        real = a.frame_numbers >= 0
        assert torch.equal(a.frames[~real], b.frames[~real])  # the tail window's padding
        assert (pixels(a.frames[real]) - pixels(b.frames[real])).abs().mean() < 2.5
    assert ours[-1].frame_numbers[-1, -1] == -1  # the tail is covered, padded


def test_whole_game_reader_refuses_annotation_windows(private_games):
    path = frames_dir(private_games[0].videos[0].path) / "manifest.json"
    manifest = path.read_text().replace('"windows": null', '"windows": [[0, 40]]')
    path.unlink()  # a hard link shared with the module's dataset: replace it, never write through it
    path.write_text(manifest)
    with pytest.raises(DatasetError, match="--save-all"):
        FrameGameReader(private_games[0])


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_augmentation_on_the_gpu_matches_the_cpu(games):
    options = dict(CLIPS, enforce_epoch_size=4, batch_size=4, seed=7, augment=only(*PROBAS), num_workers=1)
    cpu = next(iter(frame_loader(games, device="cpu", **options)))
    gpu = next(iter(frame_loader(games, device="cuda", **options)))
    assert gpu.frames.is_cuda and gpu.classes.is_cuda
    diff = (pixels(cpu.frames) - pixels(gpu.frames.cpu())).abs()
    assert diff.mean() < 0.05 and diff.max() <= 2.0  # rounding to whole levels may flip a few
    assert torch.equal(cpu.classes, gpu.classes.cpu())
