"""Frame folders: names, frame plans, manifests, and the torch transforms against DALI's operators."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from dudek_dali.clips import transforms as T
from dudek_dali.frames import FrameManifest, FramePlan, read_manifest
from dudek_dali.frames.layout import frame_file_name, frames_dir, parse_frame_file_name, partial_dir
from dudek_dali.frames.manifest import write_manifest
from dudek_dali.frames.selection import merge_windows
from dudek_dali.sizes import parse_size


def test_names_sort_like_frame_indices_and_parse_back(tmp_path):
    names = [frame_file_name(i) for i in (0, 2, 10, 98, 100, 123456)]
    assert sorted(names) == names and names[2] == "000010.jpg"
    assert [parse_frame_file_name(n) for n in names] == [0, 2, 10, 98, 100, 123456]
    assert parse_frame_file_name("1234567.jpg") == 1234567
    assert [parse_frame_file_name(n) for n in ("manifest.json", "12.png", ".000002.jpg.tmp")] == [None] * 3
    video = tmp_path / "2019-10-01 - Brentford - Bristol City" / "224p.mp4"
    assert frames_dir(video) == video.parent / ".frames_224p.mp4"
    assert partial_dir(video) == video.parent / ".frames_224p.mp4.partial"


@pytest.mark.parametrize("windows", [None, ((0, 5),), ((3, 9), (20, 21), (30, 60))])
def test_frame_plan_matches_a_brute_force_count(windows):
    for stride, length in itertools.product((1, 2, 3), (0, 1, 7, 40, 61)):
        plan = FramePlan(stride=stride, windows=windows)
        kept = [
            i
            for i in range(length)
            if i % stride == 0 and (windows is None or any(a <= i <= b for a, b in windows))
        ]
        assert [i for i in range(length) if i in plan] == kept
        assert plan.expected_count(length) == len(kept)


def test_windows_around_events_are_clipped_and_merged():
    assert merge_windows([30, 3, 12, 100], 5) == ((0, 17), (25, 35), (95, 105))
    assert merge_windows([10, 21], 5) == ((5, 26),)  # touching windows become one
    assert merge_windows([], 5) == ()


def test_manifest_round_trip_and_damage(tmp_path):
    manifest = FrameManifest(
        video="1_224p.mkv", video_bytes=10, stride=2, windows=((3, 9), (20, 24)), width=224, height=224,
        quality=95, decoded_frames=22, num_frames=6, bytes=600,
    )  # fmt: skip
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == manifest
    assert manifest.frame_indices().tolist() == [4, 6, 8, 20]  # 22 frames decoded: 22 and 24 do not exist
    assert manifest.same_job(
        video_bytes=10, plan=FramePlan(2, ((3, 9), (20, 24))), size=(224, 224), quality=95
    )
    assert not manifest.same_job(video_bytes=11, plan=manifest.plan, size=(224, 224), quality=95)
    assert not manifest.same_job(video_bytes=10, plan=FramePlan(2), size=(224, 224), quality=95)
    (tmp_path / "manifest.json").write_text('{"video": "1_224p.mkv"')
    assert read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text('{"video": "x"}')
    assert read_manifest(tmp_path) is None


def test_parse_size_is_height_by_width():
    assert parse_size("224x224") == (224, 224) and parse_size(" 224X398 ") == (224, 398)
    assert parse_size("224") == (224, 224)  # one number: a square
    for bad in ("0x224", "224x", "a x b", "-1x5", ""):
        with pytest.raises(ValueError, match="HEIGHTxWIDTH"):
            parse_size(bad)


# --- torch transforms against DALI's CPU operators (the reference) ---------------------------------


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    """A 224x398 RGB frame: smooth gradients plus noise, so interpolation errors show."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:224, 0:398]
    smooth = np.stack([x * 0.6, y * 1.1, (x + y) * 0.4], axis=-1)
    return np.clip(smooth + rng.normal(0, 40, smooth.shape), 0, 255).astype(np.uint8)


def dali(image: np.ndarray, graph) -> np.ndarray:
    from nvidia.dali import fn, pipeline_def

    @pipeline_def(batch_size=1, num_threads=1, device_id=None)
    def pipe():
        return graph(fn.external_source(source=lambda: [image], batch=True, layout="HWC"))

    p = pipe()
    p.build()
    return np.asarray(p.run()[0].as_array()[0], dtype=np.float32)


def ours(image: np.ndarray, transform) -> np.ndarray:
    frames = torch.from_numpy(image).permute(2, 0, 1)[None].float()
    return transform(frames)[0].permute(1, 2, 0).numpy()


@pytest.mark.parametrize("box", [(0.0, 0.0, 1.0, 1.0), (0.05, 0.07, 0.95, 0.97), (0.3, 0.2, 0.5, 0.6)])
def test_crop_resize_matches_dali_resize_with_a_roi(image, box):
    from nvidia.dali import fn, types

    x0, y0, x1, y1 = box
    expected = dali(image, lambda x: fn.resize(
        x, resize_x=224, resize_y=160, roi_start=[y0, x0], roi_end=[y1, x1], roi_relative=True,
        antialias=True, interp_type=types.INTERP_LINEAR, dtype=types.FLOAT,
    ))  # fmt: skip
    got = ours(image, lambda f: T.crop_resize(f, box, (160, 224)))
    assert np.abs(got - expected).max() < 0.02


def test_warp_affine_matches_dali(image):
    from nvidia.dali import fn, types

    matrix = np.array([[0.98, 0.05, 3.0], [-0.04, 1.02, -2.0]], dtype=np.float32)
    expected = dali(image, lambda x: fn.warp_affine(
        x, matrix=matrix.flatten().tolist(), inverse_map=True, interp_type=types.INTERP_LINEAR,
        dtype=types.FLOAT,
    ))  # fmt: skip
    got = ours(image, lambda f: T.warp_affine(f, torch.from_numpy(matrix)[None]))
    error = np.abs(got - expected)
    # DALI maps coordinates in lower precision: tiny offsets, visible only on noise.
    assert error.max() < 1.0 and error.mean() < 0.1


@pytest.mark.parametrize(
    ("hue", "saturation", "brightness", "contrast"), [(30.0, 1.1, 0.8, 1.15), (-72.0, 0.7, 1.2, 0.7)]
)
def test_color_twist_matches_dali(image, hue, saturation, brightness, contrast):
    from nvidia.dali import fn

    twist = {"hue": hue, "saturation": saturation, "brightness": brightness, "contrast": contrast}
    expected = dali(image, lambda x: fn.color_twist(x, **twist))  # uint8 in and out, as in the graph
    got = ours(image, lambda f: T.color_twist(
        f, hue_deg=hue, saturation=saturation, brightness=brightness, contrast=contrast
    ))  # fmt: skip
    assert np.abs(got - expected).max() <= 0.5 + 1e-3  # DALI rounds to whole levels


@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.0])
def test_gaussian_blur_matches_dali(image, sigma):
    from nvidia.dali import fn, types

    expected = dali(image, lambda x: fn.gaussian_blur(x, window_size=5, sigma=sigma, dtype=types.FLOAT))
    got = ours(image, lambda f: T.gaussian_blur(f, sigma=sigma, window=5))
    assert np.abs(got - expected).max() < 1e-3


def test_mirror_and_normalise_match_crop_mirror_normalize(image):
    from nvidia.dali import fn, types

    expected = dali(image, lambda x: fn.crop_mirror_normalize(
        x, mirror=1, mean=[m * 255 for m in T.IMAGENET_MEAN], std=[s * 255 for s in T.IMAGENET_STD],
        output_layout="HWC", dtype=types.FLOAT,
    ))  # fmt: skip
    got = ours(image, lambda f: T.normalize(T.hflip(f)))
    assert np.abs(got - expected).max() < 1e-4
