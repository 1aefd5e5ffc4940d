"""Shared fixtures: tiny real video files, label files, and the synthetic datasets, made once.

Every dataset fixture lives here (session-scoped: each is synthesised once per test run):

* ``bas_root`` / ``broadcast_root``: frames stamped with their index, keyframes every 60 frames
  (a clip starting mid-GOP must be decoded forward from a keyframe): the pipeline tests' oracle;
* ``synth_bas`` / ``synth_broadcast``: the trainer tests' tiny datasets (4.8 s per video).
* ``review_case``: a spot folder with known hits, misses and false alarms (the review tests).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset

MATCH = "2019-10-01 - Brentford - Bristol City"


def write_tiny_video(
    path: Path,
    *,
    frames: int = 12,
    size: tuple[int, int] = (64, 36),
    codec: str = "libvpx-vp9",
    fps: int = 25,
) -> Path:
    """Encode ``frames`` frames of gradient noise; small and quick, but a real video file."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    container = av.open(str(path), "w")
    stream = container.add_stream(codec, rate=fps)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    if codec == "libvpx-vp9":
        stream.options = {"deadline": "realtime", "cpu-used": "8"}
    for _ in range(frames):
        img = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


def annotation(
    label: str = "PASS",
    team: str = "left",
    position_ms: int = 400,
    half: int = 1,
    visibility: str = "visible",
) -> dict:
    seconds = position_ms // 1000
    return {
        "gameTime": f"{half} - {seconds // 60:02d}:{seconds % 60:02d}",
        "label": label,
        "position": str(position_ms),
        "team": team,
        "visibility": visibility,
    }


def write_labels(path: Path, annotations: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"UrlLocal": "", "UrlYoutube": "", "halftime": "", "annotations": annotations}
    path.write_text(json.dumps(payload))
    return path


@pytest.fixture
def bas_game(tmp_path: Path) -> Callable[..., Path]:
    """Factory: a BAS match folder (name with spaces) with a tiny video and a label file."""

    def make(
        match: str = MATCH,
        annotations: list[dict] | None = None,
        *,
        video: bool = True,
        labels: bool = True,
        root: Path | None = None,
    ) -> Path:
        game_dir = (root or tmp_path / "data") / "england_efl" / "2019-2020" / match
        game_dir.mkdir(parents=True, exist_ok=True)
        if video:
            write_tiny_video(game_dir / "224p.mp4")
        if labels:
            write_labels(
                game_dir / "Labels-ball.json", annotations if annotations is not None else [annotation()]
            )
        return game_dir

    return make


REQUIRE_GPU = os.environ.get("DUDEK_REQUIRE_GPU") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With ``DUDEK_REQUIRE_GPU=1`` (``scripts/gpu-check``) a skipped GPU test is a failure:
    on the GPU machine "skipped" means the GPU path was never exercised."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_GPU and report.skipped and item.get_closest_marker("gpu") is not None:
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"GPU test skipped on the GPU machine (DUDEK_REQUIRE_GPU=1): {reason}"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own video-metadata cache so tests never see each other's entries."""
    monkeypatch.setenv("DUDEK_CACHE_DIR", str(tmp_path / ".dudek-cache"))


# Keyframes every 60 frames: a clip starting mid-GOP must be decoded forward from a keyframe.
KEYFRAME_INTERVAL = 60


def synth(root: Path, **options) -> Path:
    """A stamped synthetic dataset (see the module docstring) under ``root``."""
    config = SynthConfig(stamp_frame_index=True, keyframe_interval=KEYFRAME_INTERVAL, **options)
    synthesize_dataset(root, config, progress=False)
    return root


@pytest.fixture(scope="session")
def bas_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 BAS games of 300 frames (12 s) each, VP9, labelled, frame indices stamped."""
    return synth(tmp_path_factory.mktemp("bas") / "data", layout="bas", games=2, minutes=0.2)


@pytest.fixture(scope="session")
def broadcast_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1 broadcast game: two halves of 150 frames, VP9, labelled with the 17 action classes."""
    return synth(tmp_path_factory.mktemp("broadcast") / "data", layout="broadcast", games=1, minutes=0.2)


@pytest.fixture(scope="session")
def synth_bas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The official train + valid games, 120 frames (4.8 s) each with two events; a space in the root.

    With 8-frame clips at stride 2 and no overlap a game has 7 windows, so an epoch can cover all.
    """
    root = tmp_path_factory.mktemp("train-synth") / "sn bas 2025"
    config = SynthConfig(layout="bas", games=2, minutes=0.08, events_per_minute=30, seed=0)
    synthesize_dataset(root, config, progress=False)
    return root


@pytest.fixture(scope="session")
def synth_broadcast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two broadcast games (halves of 120 frames, 17 action classes)."""
    root = tmp_path_factory.mktemp("train-synth") / "broadcast videos"
    config = SynthConfig(layout="broadcast", games=2, minutes=0.16, events_per_minute=30, seed=0)
    synthesize_dataset(root, config, progress=False)
    return root


@pytest.fixture(scope="session")
def review_case(tmp_path_factory: pytest.TempPathFactory):
    """A 30 s stamped game spotted by the real ``spot_video`` (with overlay), its spot.json, and its
    labels changed in known ways (``tests/review_fixtures.py``): the review tests' spot folder."""
    from review_fixtures import make_review_case

    tmp = tmp_path_factory.mktemp("review")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUDEK_CACHE_DIR", str(tmp / ".dudek-cache"))
        return make_review_case(tmp)
