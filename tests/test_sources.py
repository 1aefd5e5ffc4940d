"""The one source object: a name resolved once into a :class:`Source`, ``auto`` decided in one place
(in the order the README's measurements give, without the sources that cannot load here), and "can
this source read this video?" answered from the video's own facts (real files: VP9, H.264 and
MPEG-2, 25 and 30 fps), with a named source refusing rather than switching."""

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
from dudek_dali.torchcodec import torchcodec_status

CUDA = torch.cuda.is_available()
TORCHCODEC = torchcodec_status(cuda=False).available
TORCHCODEC_GPU = CUDA and bool(torchcodec_status().cuda)
# auto's preference on the CPU, as measured (README, "auto's order"): training clips from DALI's
# CPU decoder where it reads the video (tied with torchcodec, on fewer cores), else torchcodec;
# whole games from PyAV (fastest at the demo's 64x64, tied with torchcodec at 224x224), then
# torchcodec, then DALI (the slowest reader of whole games on the CPU).
CPU_TRAIN = ["dali-cpu", "torchcodec-cpu"]
CPU_READ = ["pyav", "torchcodec-cpu", "dali-cpu"]  # measured: README


def usable(names: list[str]) -> list[str]:
    """``names`` without the torchcodec sources where torchcodec cannot decode (not installed, no
    FFmpeg; on the GPU, no working NVDEC)."""
    loads = {"torchcodec-cpu": TORCHCODEC, "torchcodec-gpu": TORCHCODEC_GPU}
    return [n for n in names if loads.get(n, True)]


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
    assert [s.name for s in resolve_source(device=cpu, job="train").chain()] == usable(CPU_TRAIN)
    assert [s.name for s in resolve_source(device=cpu, job="read").chain()] == usable(CPU_READ)
    if CUDA:  # the GPU sources first (their order is not measured yet: DALI's kept first)
        gpu = resolve_source(device="cuda", job="read")
        assert [s.name for s in gpu.chain()] == usable(["dali-gpu", "torchcodec-gpu", *CPU_READ])


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
    choices = "auto, dali-gpu, dali-cpu, torchcodec-gpu, torchcodec-cpu, frames, pyav"
    with pytest.raises(DudekError, match=f"--source must be one of {choices}, got 'nvdec'"):
        resolve_source("nvdec", device="cpu")
    with pytest.raises(DudekError, match="--source pyav reads whole games only"):
        resolve_source("pyav", device="cpu", job="train")
    assert resolve_source("pyav", device="cpu", job="read").name == "pyav"
    if not CUDA:
        for name in ("dali-gpu", "torchcodec-gpu"):
            refused = f"--source {name} decodes on the GPU, but the device is cpu"
            with pytest.raises(DudekError, match=refused):
                resolve_source(name, device="auto")


def test_auto_reads_each_video_with_the_first_source_that_can(vp9_25, h264_25, vp9_30) -> None:
    read = resolve_source(device="cpu", job="read")
    for game in (vp9_25, h264_25, vp9_30):  # PyAV reads whole games of any codec and frame rate
        assert read.for_games([game]).name == "pyav"
    train = resolve_source(device="cpu", job="train")
    assert train.for_games([vp9_25]).name == "dali-cpu"  # VP9: DALI's CPU decoder
    assert train.for_games([vp9_30]).name == "dali-cpu"  # training clips are cut by frame index anyway
    if TORCHCODEC:
        assert train.for_games([h264_25]).name == "torchcodec-cpu"  # H.264: not on DALI's CPU decoder


def test_a_named_source_refuses_a_video_it_cannot_read_naming_both(h264_25, vp9_30) -> None:
    with pytest.raises(VideoError) as error:
        resolve_source("dali-cpu", device="cpu", job="read").for_games([h264_25])
    message = str(error.value)
    assert message.startswith(str(h264_25.videos[0].path))
    assert "--source dali-cpu cannot read it: dali-cpu does not decode h264" in message
    with pytest.raises(VideoError, match="samples by frame index and the video is 30 fps"):
        resolve_source("dali-cpu", device="cpu", job="read").for_games([vp9_30])
    only_dali = Source(name="dali-cpu", device=torch.device("cpu"), auto=True)  # a chain of DALI alone
    with pytest.raises(VideoError, match="no video source here reads it .*; to train here, extract frames"):
        only_dali.for_games([h264_25])


def test_a_source_can_be_made_by_hand_and_is_used_as_it_is(vp9_25) -> None:
    from dudek_dali.sources import as_source

    source = Source(name="pyav", device=torch.device("cpu"), job="read")
    assert as_source(source, device="cuda:7", job="read") is source  # resolved: never resolved again
    assert source.for_games([vp9_25]) is source
    assert set(SOURCE_NAMES) == {"dali-gpu", "dali-cpu", "torchcodec-gpu", "torchcodec-cpu", "frames", "pyav"}


def test_importing_the_front_door_costs_no_torch_and_names_resolve_on_use() -> None:
    code = (
        "import sys, dudek_dali; heavy = [m for m in ('torch', 'nvidia.dali', 'timm') if m in sys.modules]; "
        "print(heavy); print(dudek_dali.load_model.__module__, dudek_dali.create_clip_loader.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "dudek_dali.inference.model dudek_dali.sources.factories"]


@pytest.mark.skipif(not TORCHCODEC, reason="torchcodec cannot decode here")
def test_torchcodec_on_the_cpu_reads_every_codec_and_rate_delivering_on_the_models_device(
    vp9_30, h264_25, tmp_path
) -> None:
    mpeg2 = game_with(tmp_path, codec="mpeg2video", fps=25)
    for job in ("train", "read"):
        source = resolve_source("torchcodec-cpu", device="cpu", job=job)
        assert source.is_torchcodec and source.codecs is None
        assert source.device == source.decode_device == torch.device("cpu")
        assert all(source.unreadable(g.videos[0]) is None for g in (vp9_30, h264_25, mpeg2))
    assert resolve_source("torchcodec-cpu", device="cpu", job="read").samples_by_time
    # On a GPU machine its batches land on the model's device, and are augmented there.
    on_gpu = Source(name="torchcodec-cpu", device=torch.device("cuda", 0))
    assert on_gpu.decode_device == torch.device("cpu")


def test_torchcodec_on_the_gpu_refuses_what_its_nvdec_backend_would_decode_on_the_cpu(tmp_path, h264_25):
    mpeg2 = game_with(tmp_path, codec="mpeg2video", fps=25)
    nvdec = Source(name="torchcodec-gpu", device=torch.device("cuda", 0), job="read")  # by hand: no GPU asked
    assert nvdec.decode_device == torch.device("cuda", 0) and nvdec.samples_by_time
    assert nvdec.unreadable(h264_25.videos[0]) is None
    why = nvdec.unreadable(mpeg2.videos[0])
    assert why == "torchcodec-gpu does not decode mpeg2video (it reads av1, h264, hevc, mpeg4, vp8, vp9)"


def test_without_torchcodec_a_named_source_says_the_fix_and_auto_passes_it_over():
    """A process where ``import torchcodec`` fails (as where it is not installed)."""
    script = """
import sys
sys.modules["torchcodec"] = None
from dudek_dali.errors import DudekError
from dudek_dali.sources import resolve_source
print([s.name for s in resolve_source(device="cpu", job="train").chain()])
print([s.name for s in resolve_source(device="cpu", job="read").chain()])
try:
    resolve_source("torchcodec-cpu", device="cpu")
except DudekError as err:
    print(err)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    train, read, refused = done.stdout.splitlines()
    assert train == str([n for n in CPU_TRAIN if not n.startswith("torchcodec")])
    assert read == str([n for n in CPU_READ if not n.startswith("torchcodec")])
    assert refused.startswith("--source torchcodec-cpu cannot decode here: torchcodec is not installed: ")
    assert "bash scripts/setup" in refused and "\n" not in refused
