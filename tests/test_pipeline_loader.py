"""The clip loaders end to end (DALI on the CPU and GPU, torchcodec on the CPU and NVDEC) on real VP9
files whose frames carry their index in their pixels."""

from __future__ import annotations

import dataclasses

import av
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from pipeline_fixtures import (
    DEVICES,
    KEYFRAME_INTERVAL,
    TORCHCODEC,
    clip_loader,
    delivered_on,
    games_of,
    labelled,
    stamped_indices,
    unnormalise,
)

from dudek_dali.clips import IMAGENET_MEAN, IMAGENET_STD, AugmentConfig, ClipAugment, ClipBatch
from dudek_dali.data.labels import Team

WINDOW = {"clip_frames": 12, "stride": 2, "overlap": 4}  # windows every 16 frames: most start mid-GOP
SOURCES = DEVICES + TORCHCODEC  # DALI's devices and torchcodec's: one plan, one augmentation
ONLY = {name: 0.0 for name in AugmentConfig.off().__dict__ if name.endswith("_proba")}


def only(**probas: float) -> AugmentConfig:
    return AugmentConfig(**{**ONLY, **probas})


def loader(games, device: str, **options):
    """DALI's loader on ``device`` ("cpu", "gpu"), or torchcodec's ("torchcodec-cpu", "torchcodec-gpu")."""
    defaults = {"batch_size": 3, "num_threads": 2, "enforce_epoch_size": 6, "augment": AugmentConfig.off()}
    return clip_loader(games, device, **{**WINDOW, **defaults, **options})


def epoch(clip_loader) -> list[ClipBatch]:
    with clip_loader:
        return list(clip_loader)


@pytest.mark.parametrize("device", SOURCES)
@pytest.mark.parametrize("layout", ["bas", "broadcast"])
def test_delivered_frames_are_the_reported_and_planned_frames(layout, device, request):
    root = request.getfixturevalue(f"{layout}_root")
    games = games_of(root, layout)
    clips = loader(games, device)
    plan = clips.plan()
    batches = epoch(clips)
    assert [len(b) for b in batches] == [3, 3]
    assert any(c.start % KEYFRAME_INTERVAL for c in plan)  # seeking really starts mid-GOP
    for batch in batches:
        assert batch.frames.shape == (3, 12, 3, 224, 224)
        assert batch.frames.dtype == torch.float32
        assert batch.frames.device.type == delivered_on(device)
        for i, position in enumerate(batch.clip_ids.tolist()):
            planned = plan[position]
            numbers = batch.frame_numbers[i].tolist()
            assert numbers == planned.frame_numbers(12, 2).tolist()
            assert stamped_indices(batch.frames[i]) == numbers
            assert batch.videos[i] == clips.videos[planned.video].path
            assert " " in batch.videos[i].parent.name  # match folders with spaces
    assert sorted(int(i) for b in batches for i in b.clip_ids) == list(range(6))


def near_event(game_annotations, label: str, team: Team, frame: int, reach: int) -> bool:
    return any(
        a.label == label and a.team == team and abs(a.frame() - frame) <= reach for a in game_annotations
    )


@pytest.mark.parametrize("device", SOURCES)
def test_flip_mirrors_the_pixels_and_swaps_the_teams(bas_root, device):
    games = labelled(games_of(bas_root))
    # even_choice_proba=1: every clip holds an event, so the targets have something to swap
    options = {"even_choice_proba": 1.0, "enforce_epoch_size": 4, "batch_size": 4}
    plain = epoch(loader(games, device, **options))[0]
    flipped = epoch(loader(games, device, augment=only(flip_proba=1.0), **options))[0]
    assert torch.equal(plain.frame_numbers, flipped.frame_numbers)
    assert not plain.flipped.any() and flipped.flipped.all()
    assert torch.allclose(flipped.frames, torch.flip(plain.frames, dims=[-1]), atol=1e-5)
    label_set = games[0].label_set
    perm = torch.from_numpy(label_set.flip_permutation).to(plain.classes.device)
    assert (plain.classes > 0).any()
    assert torch.equal(flipped.classes, perm[plain.classes])
    assert torch.equal(flipped.displacement, plain.displacement)
    # independent check: a flipped left label sits near a *right* event of the label file
    annotations = {g.videos[0].path: g.labels.annotations for g in games}
    for i, j in zip(*torch.nonzero(flipped.classes.cpu(), as_tuple=True), strict=True):
        label, team = label_set.decode(int(flipped.classes[i, j]))
        frame = int(flipped.frame_numbers[i, j])
        assert near_event(annotations[flipped.videos[i]], label, team.flipped(), frame, reach=4 * 2 + 1)


def source_frames(path, numbers) -> np.ndarray:
    wanted = set(numbers)
    with av.open(str(path)) as container:
        frames = {
            i: f.to_ndarray(format="rgb24") for i, f in enumerate(container.decode(video=0)) if i in wanted
        }
    return np.stack([frames[n] for n in numbers]).astype(np.float32)


def resize(images: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    tensor = torch.from_numpy(images).permute(0, 3, 1, 2)
    return F.interpolate(tensor, size=size, mode="bilinear", antialias=True).permute(0, 2, 3, 1).numpy()


@pytest.mark.parametrize("device", SOURCES)
def test_crop_matches_a_reference_crop_and_keeps_frame_numbers(bas_root, device):
    games = games_of(bas_root)
    clips = loader(games, device, augment=only(crop_proba=1.0), enforce_epoch_size=2, batch_size=2)
    plan = clips.plan()
    batch = epoch(clips)[0]
    assert batch.frames.shape == (2, 12, 3, 224, 224)
    for i in range(2):
        clip = plan[int(batch.clip_ids[i])]
        assert batch.frame_numbers[i].tolist() == clip.frame_numbers(12, 2).tolist()
        source = source_frames(batch.videos[i], batch.frame_numbers[i].tolist())
        height, width = source.shape[1:3]
        x0, y0, x1, y1 = clip.augment.crop
        box = source[:, round(y0 * height) : round(y1 * height), round(x0 * width) : round(x1 * width)]
        got = np.stack([unnormalise(f) for f in batch.frames[i]])
        cropped_error = np.abs(got - resize(box, (224, 224))).mean()
        uncropped_error = np.abs(got - resize(source, (224, 224))).mean()
        assert cropped_error < 5.0, cropped_error  # measured ~2.5 (two decoders, subpixel box)
        assert cropped_error < uncropped_error / 2


def affine_theta(matrix: np.ndarray, width: int, height: int) -> torch.Tensor:
    """A pixel-space (output -> source) matrix as ``affine_grid``'s theta (align_corners=False)."""
    to_norm = np.array([[2 / width, 0, -1], [0, 2 / height, -1], [0, 0, 1]])
    full = np.vstack([matrix, [0, 0, 1]])
    return torch.from_numpy((to_norm @ full @ np.linalg.inv(to_norm))[:2]).float()


@pytest.mark.parametrize("device", SOURCES)
def test_camera_move_matches_a_reference_warp_and_keeps_frame_numbers(bas_root, device):
    games = games_of(bas_root)
    options = {"enforce_epoch_size": 2, "batch_size": 2}
    clips = loader(games, device, augment=only(camera_proba=1.0), **options)
    plan = clips.plan()
    moved = epoch(clips)[0]
    plain = epoch(loader(games, device, **options))[0]
    assert torch.equal(moved.frame_numbers, plain.frame_numbers)
    for i in range(2):
        clip = plan[int(moved.clip_ids[i])]
        assert clip.augment.moves_camera
        matrices = clip.augment.camera_matrices(12, 224, 224)
        theta = torch.stack([affine_theta(m, 224, 224) for m in matrices])
        frames = plain.frames[i].cpu()
        grid = F.affine_grid(theta, list(frames.shape), align_corners=False)
        reference = F.grid_sample(frames, grid, mode="bilinear", padding_mode="border", align_corners=False)
        error = (moved.frames[i].cpu() - reference).abs().mean() * 0.226 * 255  # in 0..255 pixel levels
        unmoved_error = (moved.frames[i].cpu() - frames).abs().mean() * 0.226 * 255
        assert error < 1.0, error  # measured ~0.25
        assert error < unmoved_error / 4


@pytest.mark.parametrize("device", SOURCES)
def test_dudek_camera_style_follows_its_path_with_black_borders(bas_root, device):
    games = games_of(bas_root)
    options = {"enforce_epoch_size": 2, "batch_size": 2}
    augment = dataclasses.replace(only(camera_proba=1.0), camera_style="dudek")
    clips = loader(games, device, augment=augment, **options)
    plan = clips.plan()
    moved = epoch(clips)[0]
    plain = epoch(loader(games, device, **options))[0]
    assert torch.equal(moved.frame_numbers, plain.frame_numbers)
    black = torch.tensor(IMAGENET_MEAN).view(3, 1) / torch.tensor(IMAGENET_STD).view(3, 1)
    for i in range(2):
        clip = plan[int(moved.clip_ids[i])]
        assert clip.augment == ClipAugment(camera_style="dudek")  # the same path for every clip
        matrices = clip.augment.camera_matrices(12, 224, 224)
        theta = torch.stack([affine_theta(m, 224, 224) for m in matrices])
        frames = plain.frames[i].cpu()
        grid = F.affine_grid(theta, list(frames.shape), align_corners=False)
        zero = -black.view(1, 3, 1, 1)  # normalised black: what lies outside the frame
        reference = F.grid_sample(
            frames - zero, grid, mode="bilinear", padding_mode="zeros", align_corners=False
        )
        reference = reference + zero
        error = (moved.frames[i].cpu() - reference).abs().mean() * 0.226 * 255
        assert error < 1.0, error
        # Frame 0 is shifted down by 15/224 of the side: its top rows are black.
        assert torch.allclose(moved.frames[i, 0, :, :10].cpu().mean(dim=(-1, -2)), -black[:, 0], atol=0.05)


@pytest.mark.parametrize("device", SOURCES)
def test_all_augmentations_together_keep_shapes_and_frame_numbers(bas_root, device):
    games = games_of(bas_root)
    always = {name: 1.0 for name in ONLY}
    clips = loader(games, device, augment=AugmentConfig(**always), enforce_epoch_size=3)
    plan = clips.plan()
    (batch,) = epoch(clips)
    assert batch.frames.shape == (3, 12, 3, 224, 224)
    assert torch.isfinite(batch.frames).all()
    assert batch.flipped.all()
    for i, position in enumerate(batch.clip_ids.tolist()):
        assert batch.frame_numbers[i].tolist() == plan[position].frame_numbers(12, 2).tolist()


@pytest.mark.parametrize("device", SOURCES)
def test_each_clip_gets_only_the_stages_drawn_for_it(bas_root, device):
    """Stages run per clip (DALI conditionals): a clip that drew nothing equals the plain clip."""
    games = games_of(bas_root)
    options = {"enforce_epoch_size": 6, "batch_size": 6, "seed": 3}
    clips = loader(games, device, augment=only(crop_proba=0.5, blur_proba=0.5, hue_proba=0.5), **options)
    plan = clips.plan()
    mixed = epoch(clips)[0]
    plain = epoch(loader(games, device, **options))[0]
    untouched = [plan[int(i)].augment == ClipAugment() for i in mixed.clip_ids]
    assert any(untouched) and not all(untouched)
    for i, same in enumerate(untouched):
        assert torch.allclose(mixed.frames[i], plain.frames[i], atol=1e-5) == same


@pytest.mark.parametrize("device", SOURCES)
def test_epochs_reshuffle_and_repeat_exactly(bas_root, device):
    games = games_of(bas_root)
    with loader(games, device, augment=AugmentConfig(), enforce_epoch_size=4, batch_size=2) as clips:
        first = list(clips)
        again = list(clips)
        clips.set_epoch(1)
        second = list(clips)
    numbers = [b.frame_numbers for b in first]
    assert all(torch.equal(a, b) for a, b in zip(numbers, [b.frame_numbers for b in again], strict=True))
    assert all(torch.equal(a.frames, b.frames) for a, b in zip(first, again, strict=True))
    assert any(not torch.equal(a, b.frame_numbers) for a, b in zip(numbers, second, strict=True))


@pytest.mark.parametrize("device", SOURCES)
def test_ranks_read_disjoint_clips(bas_root, device):
    games = games_of(bas_root)
    ids = []
    for rank in range(2):
        batches = epoch(loader(games, device, rank=rank, world_size=2, enforce_epoch_size=4, batch_size=2))
        assert len(batches) == 1
        ids.append(set(batches[0].clip_ids.tolist()))
    assert not ids[0] & ids[1]
    assert ids[0] | ids[1] == {0, 1, 2, 3}


@pytest.mark.parametrize("device", SOURCES)
def test_a_non_square_size_keeps_the_video_aspect(bas_root, device):
    games = games_of(bas_root)
    batch = epoch(loader(games, device, size=(224, 398), enforce_epoch_size=1, batch_size=1))[0]
    assert batch.frames.shape == (1, 12, 3, 224, 398)
    assert stamped_indices(batch.frames[0]) == batch.frame_numbers[0].tolist()


def test_gpu_without_cuda_is_a_clear_error(bas_root):
    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is present")
    from dudek_dali.errors import DudekError

    with pytest.raises(DudekError, match="the GPU cannot decode video here"):
        loader(games_of(bas_root), "cuda")
