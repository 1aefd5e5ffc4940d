"""Per-clip augmentation parameters: drawing, probabilities, and the camera matrices' convention."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from dudek_dali.clips.augment import AugmentConfig, CameraPose, ClipAugment, draw_augment

ONLY_PROBAS = [f.name for f in dataclasses.fields(AugmentConfig) if f.name.endswith("_proba")]


def draws(config: AugmentConfig, n: int = 400) -> list[ClipAugment]:
    rng = np.random.default_rng(7)
    return [draw_augment(rng, config) for _ in range(n)]


def test_off_draws_only_the_identity():
    assert not AugmentConfig.off().enabled
    assert all(a == ClipAugment() for a in draws(AugmentConfig.off(), 50))


def test_each_augmentation_happens_at_about_its_probability():
    clips = draws(AugmentConfig(), 2000)
    rates = {
        "flip": np.mean([a.flip for a in clips]),
        "crop": np.mean([a.crop != (0.0, 0.0, 1.0, 1.0) for a in clips]),
        "camera": np.mean([a.moves_camera for a in clips]),
        "hue": np.mean([a.hue != 0 for a in clips]),
        "blur": np.mean([a.blur_sigma > 0 for a in clips]),
    }
    for name, rate in rates.items():
        assert 0.21 < rate < 0.29, name


def test_drawn_values_stay_in_their_ranges():
    always = ("crop_proba", "camera_proba", "hue_proba", "saturation_proba")
    config = AugmentConfig(**dict.fromkeys(always, 1.0))
    for a in draws(config):
        x0, y0, x1, y1 = a.crop
        assert min(x0, y0) >= 0 and max(x1, y1) <= 1
        assert x1 - x0 == pytest.approx(0.9) and y1 - y0 == pytest.approx(0.9)
        for pose in (a.camera_start, a.camera_end):
            assert abs(pose.rotation_deg) <= 5 and abs(pose.shift_x) <= 0.05 and 1.0 <= pose.zoom <= 1.15
        assert abs(a.hue) <= 72 and 0.7 <= a.saturation <= 1.2


def test_changing_one_probability_leaves_the_other_draws_alone():
    only_flip = draws(AugmentConfig(crop_proba=0.0))
    both = draws(AugmentConfig(crop_proba=1.0))
    assert [a.flip for a in only_flip] == [a.flip for a in both]
    assert [a.hue for a in only_flip] == [a.hue for a in both]


def test_identity_camera_maps_every_pixel_to_itself():
    matrices = ClipAugment().camera_matrices(5, 224, 160)
    assert np.allclose(matrices, np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32))


def apply(matrix: np.ndarray, point: tuple[float, float]) -> np.ndarray:
    return matrix[:, :2] @ np.array(point) + matrix[:, 2]


def test_camera_matrices_invert_the_described_motion():
    """A source point moved by (rotate, zoom about the centre, then shift) maps back onto itself."""
    width, height = 200, 100
    pose = CameraPose(rotation_deg=10.0, shift_x=0.1, shift_y=-0.05, zoom=1.2)
    matrix = ClipAugment(camera_start=pose, camera_end=pose).camera_matrices(1, width, height)[0]
    centre = np.array([width / 2, height / 2])
    source = np.array([30.0, 70.0])
    angle = math.radians(pose.rotation_deg)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    moved = pose.zoom * rotation @ (source - centre) + centre + np.array([0.1 * width, -0.05 * height])
    assert np.allclose(apply(matrix, tuple(moved)), source, atol=1e-3)


def test_camera_pose_moves_linearly_from_start_to_end():
    start, end = CameraPose(rotation_deg=-4, zoom=1.0), CameraPose(rotation_deg=4, zoom=1.1)
    poses = ClipAugment(camera_start=start, camera_end=end).camera_poses(5)
    assert np.allclose(poses[:, 0], [-4, -2, 0, 2, 4])
    assert np.allclose(poses[:, 3], [1.0, 1.025, 1.05, 1.075, 1.1])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"flip_proba": -0.1}, "flip_proba"),
        ({"camera_zoom": (1.2, 1.0)}, "camera_zoom"),
        ({"crop_side": 0.0}, "crop_side"),
        ({"hue": 0.9}, "hue"),
        ({"blur_sigma": (0.0, 1.0)}, "blur_sigma"),
    ],
)
def test_bad_augmentation_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        AugmentConfig(**options)


def test_dudek_camera_style_is_dudeks_path_with_black_borders():
    """dude-k's own camera function (kornia) against our matrices warped with black outside."""
    import torch
    import torch.nn.functional as F
    from dudek.utils.frames import augment_with_camera_movement

    from dudek_dali.clips.transforms import warp_affine

    only_camera = {**{name: 0.0 for name in ONLY_PROBAS}, "camera_proba": 1.0}
    clip = draw_augment(np.random.default_rng(0), AugmentConfig(**only_camera, camera_style="dudek"))
    assert clip == ClipAugment(camera_style="dudek") and clip.moves_camera and clip.camera_fill == 0.0
    smooth = torch.rand(1, 3, 14, 14, generator=torch.Generator().manual_seed(0))
    frames = (
        F.interpolate(smooth, size=(224, 224), mode="bicubic").clamp(0, 1).repeat(8, 1, 1, 1) * 255
    ).round()
    theirs = augment_with_camera_movement(frames.to(torch.uint8)).float()
    ours = warp_affine(frames, torch.from_numpy(clip.camera_matrices(8, 224, 224)), fill=0.0)
    assert (ours - theirs).abs().mean() < 1.0  # measured 0.42 levels: pixel-centre conventions differ
    assert (frames - theirs).abs().mean() > 30  # the path really moves the picture
    assert (ours[0, :, :10] == 0).all()  # frame 0 is shifted down 15 px: black on top


def test_the_camera_style_draws_the_same_randomness():
    random, dudek = draws(AugmentConfig()), draws(AugmentConfig(camera_style="dudek"))
    assert [a.flip for a in random] == [a.flip for a in dudek] and [a.hue for a in random] == [
        a.hue for a in dudek
    ]
    assert [a.moves_camera for a in random] == [a.moves_camera for a in dudek]
