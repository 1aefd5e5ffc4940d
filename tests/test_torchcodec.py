"""torchcodec as a source: its status probe, its clip loader against DALI's (same plan, same targets,
the same augmentation), resuming, its whole-game reader against PyAV's, and bad input named.

Frame exactness (stamped frames, H.264 with B-frames in MP4 and MKV, every frame rate) is tested
with every other reader's, in test_pipeline_loader.py, test_pipeline_game_reader.py and
test_h264_readers.py."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from pipeline_fixtures import TORCHCODEC, dali_loader, games_of, labelled, torchcodec_loader, unnormalise

from dudek_dali.clips import AugmentConfig, GameReaderConfig
from dudek_dali.errors import VideoError
from dudek_dali.torchcodec import TorchcodecGameReader, torchcodec_status

CLIPS = {"clip_frames": 8, "stride": 2, "overlap": 4}


def test_the_set_up_installs_a_working_torchcodec_next_to_a_cuda_13_torch():
    status = torchcodec_status()
    if (torch.version.cuda or "").split(".")[0] != "13":
        pytest.skip(f"torch {torch.__version__}: PyPI has no torchcodec for this build ({status.problem})")
    assert status.available, status.problem
    assert status.version.startswith("0.17") and status.ffmpeg
    if torch.cuda.is_available():
        assert status.cuda is not None, status.cuda_note
    else:
        assert status.cuda is None and status.cuda_note == "no CUDA device visible"


def test_without_torchcodec_the_probe_says_the_fix_and_the_loader_refuses_in_one_line(bas_root):
    """A process where ``import torchcodec`` fails (as where it is not installed)."""
    script = f"""
import sys
sys.modules["torchcodec"] = None  # import torchcodec now raises ModuleNotFoundError
from dudek_dali.data.games import discover_games
from dudek_dali.errors import DudekError
from dudek_dali.torchcodec import create_torchcodec_loader, torchcodec_status
status = torchcodec_status()
print(status.available, status.version)
print(status.problem)
try:
    create_torchcodec_loader(discover_games({str(bas_root)!r}).games)
except DudekError as err:
    print(err)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    available, problem, refused = done.stdout.splitlines()
    assert available == "False None"
    assert problem.startswith("torchcodec is not installed: bash scripts/setup installs it")
    assert refused == problem


def levels(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean absolute difference of two batches of delivered frames, in 0..255 levels."""
    pixels = [np.stack([unnormalise(f) for f in x.cpu().flatten(0, 1)]) for x in (a, b)]
    return float(np.abs(pixels[0] - pixels[1]).mean())


@pytest.mark.parametrize("source", TORCHCODEC)
def test_same_clips_targets_and_augmentation_as_the_dali_cpu_loader(bas_root, source):
    games = labelled(games_of(bas_root))
    always = AugmentConfig(**{name: 1.0 for name in AugmentConfig.off().__dict__ if name.endswith("_proba")})
    options = dict(CLIPS, enforce_epoch_size=4, batch_size=4, seed=5, even_choice_proba=0.5)
    batches = {}
    for name, augment in (("augmented", always), ("plain", AugmentConfig.off())):
        dali = next(iter(dali_loader(games, "cpu", augment=augment, **options)))
        ours = next(iter(torchcodec_loader(games, source, augment=augment, **options)))
        for field in ("frame_numbers", "classes", "displacement", "flipped", "clip_ids"):
            assert torch.equal(getattr(dali, field), getattr(ours, field).cpu()), field
        assert ours.videos == dali.videos and ours.games == dali.games
        batches[name] = dali, ours
    plain = levels(*(b.frames for b in batches["plain"]))
    augmented = levels(*(b.frames for b in batches["augmented"]))
    unaugmented = levels(batches["augmented"][0].frames, batches["plain"][1].frames)
    print(f"torchcodec vs DALI CPU, mean 0..255 levels: plain {plain:.2f}, augmented {augmented:.2f}, "
          f"augmented vs not {unaugmented:.2f}")  # fmt: skip
    assert plain < 2.0  # two VP9 decoders' YUV -> RGB, then the same resize (measured 1.3)
    assert augmented < 3.0 and augmented < unaugmented / 4  # the same stages with the same parameters


@pytest.mark.parametrize("source", TORCHCODEC)
def test_resumed_epochs_skip_what_was_seen_and_repeat_exactly(bas_root, source):
    games = games_of(bas_root)
    loader = torchcodec_loader(games, source, augment=AugmentConfig(), enforce_epoch_size=5, batch_size=2,
                               **CLIPS)  # fmt: skip
    loader.set_epoch(3)
    full = list(loader)
    assert [len(b) for b in full] == [2, 2, 1]
    loader.set_epoch(3, start_batch=1)
    resumed = list(loader)
    loader.close()
    assert [b.clip_ids.tolist() for b in resumed] == [b.clip_ids.tolist() for b in full[1:]]
    assert all(torch.equal(a.frames, b.frames) for a, b in zip(resumed, full[1:], strict=True))


@pytest.mark.parametrize("source", TORCHCODEC)
def test_whole_game_reader_matches_pyav_window_for_window(bas_root, source):
    from dudek_dali.pyav import PyAVGameReader

    game = games_of(bas_root)[0]
    config = GameReaderConfig(clip_frames=16, stride=2, overlap=6, batch_size=3, chunk_frames=10)
    device = "cuda" if source == "torchcodec-gpu" else "cpu"
    ours = TorchcodecGameReader(game, config, device=device)
    pyav = PyAVGameReader(game, config)
    assert [v.num_frames for v in ours.videos] == [v.num_frames for v in pyav.videos]
    assert all(np.array_equal(a, b) for a, b in zip(ours.video_frames, pyav.video_frames, strict=True))
    batches = list(ours)
    assert len(batches) == len(ours) == len(pyav)
    for a, b in zip(batches, pyav, strict=True):
        for field in ("frame_numbers", "clip_ids", "classes", "displacement"):
            assert torch.equal(getattr(a, field).cpu(), getattr(b, field)), field
        real = b.frame_numbers >= 0
        assert not a.frames.cpu()[~real].any()  # the tail window's padding
        pixels = np.abs(
            np.stack([unnormalise(f) for f in a.frames.cpu()[real]])
            - np.stack([unnormalise(f) for f in b.frames[real]])
        )
        assert pixels.mean() < 2.0  # FFmpeg's scaler in both on the CPU (measured ~1.2), torch's on a GPU


@pytest.mark.parametrize("source", TORCHCODEC)
def test_a_video_damaged_after_the_checks_is_named(bas_root, tmp_path, source):
    import shutil

    from dudek_dali.data.games import discover_games

    root = shutil.copytree(bas_root, tmp_path / "copy")
    games = labelled(discover_games(root).games)
    loader = torchcodec_loader(games, source, enforce_epoch_size=2, batch_size=1, **CLIPS)
    damaged = loader.videos[loader.plan()[0].video].path
    damaged.write_bytes(b"not a video any more\n" * 100)
    with pytest.raises(VideoError, match="torchcodec cannot decode it") as err:
        next(iter(loader))
    assert str(err.value).startswith(f"{damaged}: ")


def test_bad_options_are_refused(bas_root):
    games = games_of(bas_root)
    with pytest.raises(ValueError, match="seek_mode must be one of exact, approximate"):
        torchcodec_loader(games, seek_mode="nearest", **CLIPS)
    with pytest.raises(ValueError, match="no games"):
        torchcodec_loader([], **CLIPS)


def test_the_probe_runs_once_per_process():
    assert torchcodec_status(cuda=False) is torchcodec_status(cuda=False)
