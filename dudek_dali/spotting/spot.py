"""``dudek spot``: any match video to ball actions, with the files a person and a scorer want.

For each video, into ``<out>/<video file stem>/``:

* ``results_spotting.json``: the challenge's prediction format (``gameTime``, ``label``,
  ``position`` in ms, ``half``, ``team``, ``confidence``), so ``dudek evaluate`` scores it;
* ``events.csv``: one row per spotted event: time (mm:ss.mmm), the video's own frame number,
  class, team, confidence (the same events as the JSON);
* ``timeline.png``: the events over time, per class and team;
* ``overlay.mp4`` (with ``overlay=True``): the video, H.264, with each event drawn around it.

Any container, codec, resolution and frame rate FFmpeg reads: the model was trained on every 2nd
frame of 25 fps video, so frames are sampled by timestamp at that rate
(:class:`~dudek_dali.pyav.PyAVGameReader`) unless DALI can read the video as it is (25 fps, a
codec its device decodes; :func:`~dudek_dali.sources.reader_source`). Event times are in the
video's own time; frame numbers are the video's own. Bad input is one :class:`~dudek_dali.errors.
DudekError` per video naming the file and the problem; :func:`spot_videos` spots the other videos
anyway and returns the failures.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.time_grid import nearest_frames
from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.labels import BAS
from dudek_dali.data.video_check import check_video
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.data.video_scan import frame_times
from dudek_dali.devices import resolve_device
from dudek_dali.errors import DudekError
from dudek_dali.files import write_json, write_text
from dudek_dali.model.trained import TrainedModel, load_trained_model
from dudek_dali.pyav.game_reader import DECODER
from dudek_dali.sources import SourceChoice, check_video_source
from dudek_dali.spotting.inference import score_game
from dudek_dali.spotting.pipeline import PostprocessConfig, postprocess_game
from dudek_dali.spotting.predictions import Prediction
from dudek_dali.spotting.spotted import SpottedEvent, events_csv
from dudek_dali.spotting.submission import RESULTS_FILE, results_document
from dudek_dali.spotting.submit import inference_config

if TYPE_CHECKING:
    import torch

OVERLAY = "overlay.mp4"


@dataclass(frozen=True)
class SpotConfig:
    """How videos are spotted. ``threshold``: the lowest confidence an event is listed with."""

    threshold: float = 0.2
    overlay: bool = False
    overlap: int | None = None  # sampled frames shared by consecutive windows (default: 85% of the clip)
    batch_size: int = 4
    source: SourceChoice = "auto"

    def __post_init__(self) -> None:
        PostprocessConfig(threshold=self.threshold)  # checks the threshold, with its message
        check_video_source(self.source)


@dataclass
class SpotResult:
    video: Path
    out_dir: Path
    events: list[SpottedEvent]
    files: dict[str, Path] = field(default_factory=dict)
    source: str = ""
    fps: float = 0.0
    frames: int = 0
    decode_seconds: float = 0.0
    model_seconds: float = 0.0
    seconds: float = 0.0


def video_game(path: Path | str, *, label_set: str = "bas") -> Game:
    """A standalone video as an unlabelled one-video game (``match`` = the file's stem).

    Raises a :class:`~dudek_dali.errors.VideoError` naming the file for anything FFmpeg cannot
    read as a video: not a video, audio only, no frames, truncated, a codec no decoder reads.
    """
    path = Path(path)
    cache = VideoInfoCache()
    info = cache.get(path)  # missing, empty, not a video, audio only, a codec no decoder reads
    check_video(path, decoder=DECODER, cache=cache, require_constant_rate=False)  # frames, truncation
    cache.save()  # the reader checks the video again, from the cache
    layout = "bas" if label_set == BAS.name else "broadcast"
    video = GameVideo(path=path, half=1, info=info, annotations=())
    # ``resolution`` is the video's own height: a user's video need not be 224p or 720p.
    return Game(dir=path.parent, league="", season="", match=path.stem, layout=layout,
                resolution=info.height, videos=(video,))  # type: ignore[arg-type]  # fmt: skip


def spot_video(
    path: Path | str,
    model: TrainedModel,
    *,
    out: Path | str = "spot",
    config: SpotConfig | None = None,
    device: str | torch.device = "auto",
) -> SpotResult:
    """Spot one video and write its files (see the module docstring)."""
    started = time.perf_counter()
    config = config or SpotConfig()
    device = resolve_device(device) if isinstance(device, str) else device
    game = video_game(path, label_set=model.label_set)
    label_set = game.label_set
    windows = inference_config(model, overlap=config.overlap, batch_size=config.batch_size)
    (scores,) = score_game(model.net, game, config=windows, device=device, source=config.source)
    predictions = postprocess_game(
        scores.scores, scores.displacement, scores.frame_numbers, num_frames=scores.num_frames,
        label_set=label_set, config=PostprocessConfig(threshold=config.threshold),
    )  # fmt: skip
    times = frame_times(game.videos[0].path)  # memoised: the PyAV reader demuxed it already
    events = _events(sorted(predictions, key=lambda p: (p.position_ms, p.label)), times)
    result = SpotResult(
        video=Path(path), out_dir=Path(out) / Path(path).stem, events=events, source=scores.source,
        fps=game.videos[0].fps, frames=len(times), decode_seconds=scores.decode_seconds,
        model_seconds=scores.model_seconds,
    )  # fmt: skip
    result.files = write_outputs(result, predictions, label_set=label_set, overlay=config.overlay)
    result.seconds = time.perf_counter() - started
    return result


def spot_videos(
    paths: Sequence[Path | str],
    checkpoint: Path | str | TrainedModel,
    *,
    out: Path | str = "spot",
    config: SpotConfig | None = None,
    device: str = "auto",
    on_result=None,
) -> tuple[list[SpotResult], list[tuple[Path, str]]]:
    """Spot every video; a video that fails is listed with why and the others still run.

    ``on_result(result_or_failure)`` is called after each video (the CLI prints as it goes).
    """
    torch_device = resolve_device(device)
    model = (
        checkpoint
        if isinstance(checkpoint, TrainedModel)
        else load_trained_model(checkpoint, device=torch_device)
    )
    done, failed = [], []
    for path in paths:
        try:
            result: SpotResult | tuple[Path, str] = spot_video(
                path, model, out=out, config=config, device=torch_device
            )
            done.append(result)
        except DudekError as err:
            result = (Path(path), str(err))
            failed.append(result)
        if on_result is not None:
            on_result(result)
    return done, failed


def _events(predictions: list[Prediction], times: np.ndarray) -> list[SpottedEvent]:
    """Each prediction as an event on the frame shown nearest to it (the earlier one on a tie)."""
    seconds = [p.position_ms / 1000 for p in predictions]
    frames = nearest_frames(times, np.array(seconds, dtype=np.float64)).tolist()
    return [
        SpottedEvent(time_s=t, frame=frame, label=p.label, team=p.team.value, confidence=float(p.confidence))
        for p, t, frame in zip(predictions, seconds, frames, strict=True)
    ]


def write_outputs(
    result: SpotResult, predictions: list[Prediction], *, label_set, overlay: bool
) -> dict[str, Path]:
    from dudek_dali.spotting.overlay import write_overlay
    from dudek_dali.spotting.plots import plot_timeline

    out = result.out_dir
    document = results_document(result.video.stem, predictions)
    files = {
        RESULTS_FILE: write_json(out / RESULTS_FILE, document, indent=1),
        "events.csv": write_text(out / "events.csv", events_csv(result.events)),
        "timeline.png": plot_timeline(
            f"{result.video.name}: {len(result.events)} events", [], predictions, out / "timeline.png",
            label_set=label_set, min_confidence=0.0,
        ),
    }  # fmt: skip
    if overlay:
        files[OVERLAY] = write_overlay(result.video, result.events, out / OVERLAY)
    return files
