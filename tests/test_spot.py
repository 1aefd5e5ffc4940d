"""``dudek spot`` on any video: the frame-index oracle spots a stamped H.264 game perfectly whatever
the frame rate and container it is re-encoded to (events land at the right time), the files agree
with each other, and bad input is named without stopping the other videos."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import torch
from cli_runner import dudek
from oracle import FrameIndexOracle
from train_fixtures import random_checkpoint

from dudek_dali.data.games import discover_games
from dudek_dali.data.labels import BAS
from dudek_dali.data.synthetic import SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.inference import SpotConfig, TrainedModel, spot_video, spot_videos
from dudek_dali.model.checkpoint import FORMAT, write_checkpoint
from dudek_dali.model.config import TDeedConfig
from dudek_dali.prepare.transcode import retime_video
from dudek_dali.spotting.evaluate import evaluate_predictions
from dudek_dali.torchcodec import torchcodec_status

CLIP = 16


def retime(source: Path, target: Path, fps: Fraction | int) -> Path:
    return retime_video(source, target, fps).target


@pytest.fixture(scope="module")
def h264_game(tmp_path_factory):
    """A labelled 30-second stamped H.264 game, as `dudek synth --codec h264` writes it."""
    root = tmp_path_factory.mktemp("spot") / "data"
    config = SynthConfig(games=1, minutes=0.5, codec="h264", stamp_frame_index=True, events_per_minute=30)
    synthesize_dataset(root, config, progress=False)
    (game,) = discover_games(root).games
    return game


@pytest.fixture(scope="module")
def oracle(h264_game) -> TrainedModel:
    net = FrameIndexOracle(h264_game, stride=2)
    config = TDeedConfig(clip_frames=CLIP, stride=2, input_size=(224, 224))  # how the oracle reads video
    return TrainedModel(net=net, config=config, label_set=BAS, device=torch.device("cpu"))


@pytest.mark.slow
def test_events_land_at_the_right_time_at_every_frame_rate(h264_game, oracle, tmp_path):
    original = h264_game.videos[0].path
    labels = h264_game.labels.path
    videos = {
        "25": original,
        "30": retime(original, tmp_path / "game at 30 fps.mkv", 30),
        "50": retime(original, tmp_path / "game at 50 fps.mp4", 50),
        "29.97": retime(original, tmp_path / "ntsc.mkv", Fraction(30000, 1001)),
    }
    scores, events = {}, {}
    for rate, path in videos.items():
        result = spot_video(path, oracle, out=tmp_path / "out", config=SpotConfig(threshold=0.05))
        # auto (README, "auto's order"): DALI reads H.264 only on the GPU, and by frame index only at
        # 25 fps; then torchcodec's NVDEC by time; on the CPU PyAV, the fastest reader of whole games
        gpu = torch.cuda.is_available()
        by_time = "torchcodec-gpu" if gpu and torchcodec_status().cuda else "pyav"
        assert result.source == ("dali-gpu" if gpu and rate == "25" else by_time), rate
        json_file = result.files["results_spotting.json"]
        report = evaluate_predictions(labels, json_file)
        scores[rate] = report.scores.team.value
        events[rate] = result
    assert scores["25"] > 0.95
    for rate, value in scores.items():
        assert abs(value - scores["25"]) <= 0.05, (rate, scores)
    # the same event, in each video's own frame numbers (frame = time x fps)
    first = events["25"].events[0]
    for rate, result in events.items():
        match = min(result.events, key=lambda e: abs(e.time_s - first.time_s))
        assert abs(match.time_s - first.time_s) < 0.05
        assert (
            abs(match.frame - first.time_s * float(Fraction(rate) if rate != "29.97" else 30000 / 1001)) <= 1
        )


def test_json_and_csv_list_the_same_events_and_the_overlay_keeps_every_frame(h264_game, oracle, tmp_path):
    short = _cut(h264_game.videos[0].path, tmp_path / "first 8 s.mp4", frames=200)
    result = spot_video(short, oracle, out=tmp_path / "out", config=SpotConfig(threshold=0.05), overlay=True)
    written = {"results_spotting.json", "events.csv", "timeline.png", "spot.json", "overlay.mp4"}
    assert set(result.files) == written
    facts = json.loads(result.files["spot.json"].read_text())
    assert facts["video"] == str(short.resolve()) and facts["frames"] == 200 and facts["threshold"] == 0.05
    document = json.loads(result.files["results_spotting.json"].read_text())
    rows = list(csv.DictReader(result.files["events.csv"].read_text().splitlines()))
    assert len(rows) == len(document["predictions"]) == len(result.events) > 0
    for row, entry in zip(
        rows, sorted(document["predictions"], key=lambda p: int(p["position"])), strict=True
    ):
        assert (row["class"], row["team"]) == (entry["label"], entry["team"])
        minutes, seconds = row["time"].split(":")
        assert abs(int(minutes) * 60 + float(seconds) - int(entry["position"]) / 1000) < 0.001
        assert abs(float(row["confidence"]) - entry["confidence"]) < 1e-4
        assert int(row["frame"]) == round(int(entry["position"]) / 40)  # 25 fps: 40 ms a frame
    with av.open(str(result.files["overlay.mp4"])) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        overlay = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(overlay) == 200
    assert [read_frame_index(f) for f in overlay[::50]] == [0, 50, 100, 150]  # the stamps survive


def test_a_video_shorter_than_one_window_is_padded_not_refused(h264_game, oracle, tmp_path):
    short = _cut(h264_game.videos[0].path, tmp_path / "tiny.mp4", frames=12)  # 6 samples, a window is 16
    result = spot_video(short, oracle, out=tmp_path / "out")
    assert result.frames == 12 and result.files["results_spotting.json"].is_file()


def test_bad_inputs_are_named_and_the_other_videos_still_spotted(h264_game, tmp_path):
    checkpoint = random_checkpoint(tmp_path / "model.pt")
    good = _cut(h264_game.videos[0].path, tmp_path / "good.mp4", frames=60)
    bad = {
        "notes.mp4": _text(tmp_path / "notes.mp4"),
        "commentary.mka": _audio_only(tmp_path / "commentary.mka"),
        "empty.mkv": _no_frames(tmp_path / "empty.mkv"),
        "unknown codec.mkv": _unknown_codec(h264_game, tmp_path / "unknown codec.mkv"),
        "cut.mkv": _truncated(h264_game, tmp_path / "cut.mkv"),
    }
    result = dudek(
        "spot", *bad.values(), good, "--model_checkpoint_path", checkpoint, "--out", tmp_path / "out"
    )
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert (
        len(errors) == len(bad) + 1 and errors[-1] == f"error: {len(bad)} of {len(bad) + 1} video(s) failed"
    )
    expected = {  # what each line says after the file's name (the names must not give it away)
        "notes.mp4": "unreadable video",
        "commentary.mka": "no video stream",
        "empty.mkv": "no frame could be decoded",
        "unknown codec.mkv": "no decoder here reads",
        "cut.mkv": "truncated",
    }
    for (name, path), line in zip(bad.items(), errors, strict=False):
        assert line.startswith(f"error: {path}: "), line
        assert expected[name] in line.removeprefix(f"error: {path}: "), line
    assert (tmp_path / "out" / "good" / "results_spotting.json").is_file()
    assert "Traceback" not in result.stderr


# --- files --------------------------------------------------------------------------------------------


def _cut(source: Path, target: Path, *, frames: int) -> Path:
    """The first ``frames`` frames of ``source`` as a new H.264 MP4 (25 fps)."""
    with av.open(str(source)) as container:
        decoded = zip(range(frames), container.decode(video=0), strict=False)
        pictures = [f.to_ndarray(format="rgb24") for _, f in decoded]
    with av.open(str(target), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.height, stream.width = pictures[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        for picture in pictures:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    return target


def _text(path: Path) -> Path:
    path.write_text("not a video, just notes about one\n" * 50)
    return path


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        samples = np.zeros((1, 8000), dtype=np.int16)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 8000
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def _no_frames(path: Path) -> Path:
    """A Matroska file with a video stream that holds no packets (only its audio stream has some)."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libvpx-vp9", rate=25)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 8000), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        container.mux(audio.encode(frame))
        container.mux(audio.encode(None))
    assert path.stat().st_size > 0
    return path


def _unknown_codec(game, path: Path) -> Path:
    """A real Matroska file whose codec id no decoder knows (V_VP9 renamed V_XYZ)."""
    source = path.with_name("vp9 source.mkv")
    with av.open(str(game.videos[0].path)) as container:
        decoded = zip(range(30), container.decode(video=0), strict=False)
        pictures = [f.to_ndarray(format="rgb24") for _, f in decoded]
    with av.open(str(source), "w") as container:
        stream = container.add_stream("libvpx-vp9", rate=25)
        stream.height, stream.width = pictures[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"deadline": "realtime", "cpu-used": "8"}
        for picture in pictures:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    data = source.read_bytes()
    assert data.count(b"V_VP9") == 1
    path.write_bytes(data.replace(b"V_VP9", b"V_XYZ"))
    return path


def _truncated(game, path: Path) -> Path:
    full = retime(game.videos[0].path, path.with_name("full.mkv"), 25)
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def test_the_front_door_spots_without_writing_and_agrees_with_spot(h264_game, tmp_path):
    import dudek_dali

    work = tmp_path / "work"  # (the video-info cache lives apart, under DUDEK_CACHE_DIR)
    checkpoint = random_checkpoint(work / "model.pt")
    video = _cut(h264_game.videos[0].path, work / "clip.mp4", frames=100)
    before = set(work.rglob("*"))
    model = dudek_dali.load_model(checkpoint, device="cpu")
    events = model.spot(video, threshold=0.01)
    assert set(work.rglob("*")) == before  # nothing written
    assert events and all(isinstance(e, dudek_dali.SpottedEvent) for e in events)
    assert [e.time_s for e in events] == sorted(e.time_s for e in events)
    written = spot_video(video, model, out=tmp_path / "out", config=SpotConfig(threshold=0.01))
    assert written.events == events


def test_a_checkpoint_written_before_the_model_config_held_stride_and_size_still_loads(tmp_path):
    """Older checkpoints kept stride and input size among the training options only."""
    from dudek_dali.inference import load_model

    config = TDeedConfig(features_model_name="regnety_002", temporal_shift_mode="none", clip_frames=8)
    old = {k: v for k, v in config.to_dict().items() if k not in ("stride", "input_size")}
    payload = {
        "format": FORMAT, "kind": "model", "model": create_random(config).state_dict(), "model_config": old,
        "label_set": "bas", "train_config": {"stride": 4, "input_size": [64, 96]}, "epoch": 0, "metric": {},
    }  # fmt: skip
    model = load_model(write_checkpoint(tmp_path / "old.pt", payload), device="cpu")
    assert (model.stride, model.size, model.clip_frames) == (4, (64, 96), 8)


def create_random(config: TDeedConfig):
    from dudek_dali.model.tdeed import create_model

    torch.manual_seed(0)
    return create_model(config)


def test_spot_videos_keeps_going_after_a_failure(h264_game, oracle, tmp_path):
    good = _cut(h264_game.videos[0].path, tmp_path / "good.mp4", frames=60)
    done, failed = spot_videos([_text(tmp_path / "x.mp4"), good], oracle, out=tmp_path / "out")
    assert [d.video for d in done] == [good] and failed[0][0] == tmp_path / "x.mp4"


def test_submit_reads_h264_on_a_cpu_through_pyav(h264_game, tmp_path):
    """The reader spot uses serves `dudek submit` too: real SoccerNet H.264 needs no frame folders."""
    from dudek_dali.inference import create_submission
    from dudek_dali.spotting import check_submission

    root = h264_game.dir.parents[2]
    summary = create_submission(root, random_checkpoint(tmp_path / "model.pt"), output=tmp_path / "s.zip",
                                progress=False)  # fmt: skip
    report = check_submission(summary.path)
    assert summary.games == 1 and report.problems == [] and report.num_predictions > 0
