"""Shared fixtures: tiny real video files and label files in the real SoccerNet layout."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

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


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own video-metadata cache so tests never see each other's entries."""
    monkeypatch.setenv("DUDEK_CACHE_DIR", str(tmp_path / ".dudek-cache"))
