"""The one source object: a name resolved once into a :class:`Source`, ``auto`` decided in one place,
and "can this source read this video?" answered from the video's own facts (real files: VP9 and
H.264, 25 and 30 fps), with a named source refusing rather than switching."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import write_tiny_video

from dudek_dali.data.games import discover_games
from dudek_dali.errors import DudekError, VideoError
from dudek_dali.sources import SOURCE_NAMES, Source, resolve_source

CUDA = torch.cuda.is_available()


def game_with(root: Path, *, codec: str, fps: int):
    """A real one-video SN-BAS-2025 game folder holding a ``codec`` video at ``fps``."""
    folder = root / "england_efl" / "2019-2020" / "2019-10-01 - Brentford - Bristol City"
    write_tiny_video(folder / "224p.mp4", frames=30, size=(64, 36), codec=codec, fps=fps)
    (game,) = discover_games(root, resolution=224).games
    return game


@pytest.fixture(scope="module")
def vp9_25(tmp_path_factory):
    return game_with(tmp_path_factory.mktemp("vp9"), codec="libvpx-vp9", fps=25)


@pytest.fixture(scope="module")
def h264_25(tmp_path_factory):
    return game_with(tmp_path_factory.mktemp("h264"), codec="libx264", fps=25)


@pytest.fixture(scope="module")
def vp9_30(tmp_path_factory):
    return game_with(tmp_path_factory.mktemp("vp9at30"), codec="libvpx-vp9", fps=30)


def test_auto_is_a_chain_in_order_of_preference_per_job_and_device() -> None:
    cpu = torch.device("cpu")
    assert [s.name for s in resolve_source(device=cpu, job="train").chain()] == ["dali-cpu"]
    assert [s.name for s in resolve_source(device=cpu, job="read").chain()] == ["dali-cpu", "pyav"]
    if CUDA:
        gpu = resolve_source(device="cuda", job="read")
        assert [s.name for s in gpu.chain()] == ["dali-gpu", "dali-cpu", "pyav"]


def test_a_resolved_source_knows_its_device_and_dali_backend() -> None:
    cpu_dali = resolve_source("dali-cpu", device="cpu")
    assert (cpu_dali.device, cpu_dali.dali_backend, cpu_dali.cuda_index) == (torch.device("cpu"), "cpu", None)
    # A DALI CPU source delivers on the CPU whatever the model's device; frames land on the model's.
    assert resolve_source("frames", device=torch.device("cpu")).device == torch.device("cpu")
    with pytest.raises(ValueError, match="frames is not a DALI source"):
        _ = resolve_source("frames", device="cpu").dali_backend
    if CUDA:
        gpu = resolve_source("dali-gpu", device="cuda")
        assert gpu.device.type == "cuda" and gpu.cuda_index == gpu.device.index is not None
        assert gpu.dali_backend == "gpu"


def test_names_are_checked_once_with_the_choices_named() -> None:
    with pytest.raises(DudekError, match="--source must be one of auto, dali-gpu, dali-cpu, frames, pyav"):
        resolve_source("nvdec", device="cpu")
    with pytest.raises(DudekError, match="--source pyav reads whole games only"):
        resolve_source("pyav", device="cpu", job="train")
    assert resolve_source("pyav", device="cpu", job="read").name == "pyav"
    if not CUDA:
        with pytest.raises(DudekError, match="--source dali-gpu decodes on the GPU, but the device is cpu"):
            resolve_source("dali-gpu", device="auto")


def test_auto_reads_each_video_with_the_first_source_that_can(vp9_25, h264_25, vp9_30) -> None:
    read = resolve_source(device="cpu", job="read")
    assert read.for_games([vp9_25]).name == "dali-cpu"  # VP9 at 25 fps: DALI's CPU decoder
    assert read.for_games([h264_25]).name == "pyav"  # H.264: not on DALI's CPU decoder
    assert read.for_games([vp9_30]).name == "pyav"  # 30 fps: DALI samples by index, PyAV by time
    train = resolve_source(device="cpu", job="train")
    assert train.for_games([vp9_30]).name == "dali-cpu"  # training clips are cut by frame index anyway


def test_a_named_source_refuses_a_video_it_cannot_read_naming_both(h264_25, vp9_30) -> None:
    with pytest.raises(VideoError) as error:
        resolve_source("dali-cpu", device="cpu", job="read").for_games([h264_25])
    message = str(error.value)
    assert message.startswith(str(h264_25.videos[0].path))
    assert "--source dali-cpu cannot read it: dali-cpu does not decode h264" in message
    with pytest.raises(VideoError, match="samples by frame index and the video is 30 fps"):
        resolve_source("dali-cpu", device="cpu", job="read").for_games([vp9_30])
    only_dali = resolve_source(device="cpu", job="train")  # auto for training: no PyAV to fall back on
    with pytest.raises(VideoError, match="no video source here reads it"):
        only_dali.for_games([h264_25])


def test_a_source_can_be_made_by_hand_and_is_used_as_it_is(vp9_25) -> None:
    from dudek_dali.sources import as_source

    source = Source(name="pyav", device=torch.device("cpu"), job="read")
    assert as_source(source, device="cuda:7", job="read") is source  # resolved: never resolved again
    assert source.for_games([vp9_25]) is source
    assert set(SOURCE_NAMES) == {"dali-gpu", "dali-cpu", "frames", "pyav"}


def test_importing_the_front_door_costs_no_torch_and_names_resolve_on_use() -> None:
    code = (
        "import sys, dudek_dali; heavy = [m for m in ('torch', 'nvidia.dali', 'timm') if m in sys.modules]; "
        "print(heavy); print(dudek_dali.load_model.__module__, dudek_dali.create_clip_loader.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "dudek_dali.inference.model dudek_dali.sources.factories"]
