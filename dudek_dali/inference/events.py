"""The events of one video: any video FFmpeg reads, through a model, to :class:`SpottedEvent` s.

Any container, codec, resolution and frame rate: the model was trained on every ``stride``-th frame
of 25 fps video, so frames are sampled by timestamp at that rate (:class:`~dudek_dali.pyav.PyAVGameReader`)
unless a source sampling by frame index can read the video as it is (25 fps, a codec it decodes;
:meth:`~dudek_dali.sources.Source.for_games`). Event times are in the video's own time, frame numbers
are the video's own. Nothing is written here (:mod:`.spot` writes the files of ``dudek spot``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dudek_dali.clips.time_grid import nearest_frames
from dudek_dali.data.games import Game, GameVideo
from dudek_dali.data.labels import BAS, LabelSet
from dudek_dali.data.video_check import check_video
from dudek_dali.data.video_info import VideoInfoCache
from dudek_dali.data.video_scan import frame_times
from dudek_dali.inference.scoring import InferenceConfig, score_game
from dudek_dali.pyav.game_reader import DECODER
from dudek_dali.sources import Source
from dudek_dali.spotting.pipeline import PostprocessConfig, postprocess_game
from dudek_dali.spotting.predictions import Prediction
from dudek_dali.spotting.spotted import SpottedEvent

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class SpotConfig:
    """How videos are spotted. ``threshold``: the lowest confidence an event is listed with;
    ``overlap``: sampled frames shared by consecutive windows (default: 85% of the clip)."""

    threshold: float = 0.2
    overlap: int | None = None
    batch_size: int = 4
    read_ahead: int | None = None  # batches decoded ahead in a thread (None: where a core is spare)

    def __post_init__(self) -> None:
        PostprocessConfig(threshold=self.threshold)  # checks the threshold, with its message


@dataclass
class Spotted:
    """The events of one video and how they were found."""

    video: Path
    events: list[SpottedEvent]
    predictions: list[Prediction]  # the same events in the challenge's terms (ms, half)
    source: str  # the reader that decoded it
    fps: float
    frames: int
    decode_seconds: float
    model_seconds: float


def video_game(path: Path | str, *, label_set: LabelSet = BAS) -> Game:
    """A standalone video as an unlabelled one-video game (``match`` = the file's stem).

    Raises a :class:`~dudek_dali.errors.VideoError` naming the file for anything FFmpeg cannot
    read as a video: not a video, audio only, no frames, truncated, a codec no decoder reads.
    """
    path = Path(path)
    cache = VideoInfoCache()
    info = cache.get(path)  # missing, empty, not a video, audio only, a codec no decoder reads
    check_video(path, decoder=DECODER, cache=cache, require_constant_rate=False)  # frames, truncation
    cache.save()  # the reader checks the video again, from the cache
    layout = "bas" if label_set.name == BAS.name else "broadcast"
    video = GameVideo(path=path, half=1, info=info, annotations=())
    # ``resolution`` is the video's own height: a user's video need not be 224p or 720p.
    return Game(dir=path.parent, league="", season="", match=path.stem, layout=layout,
                resolution=info.height, videos=(video,))  # type: ignore[arg-type]  # fmt: skip


def spot_events(
    video: Path | str,
    net: torch.nn.Module,
    *,
    windows: InferenceConfig,
    label_set: LabelSet,
    threshold: float,
    source: Source,
) -> Spotted:
    """The events of ``video`` found by ``net`` over ``windows``, read by the first source of
    ``source``'s chain that reads it, listed from ``threshold`` up, in time order."""
    game = video_game(video, label_set=label_set)
    (scores,) = score_game(net, game, config=windows, source=source)
    predictions = postprocess_game(
        scores.scores, scores.displacement, scores.frame_numbers, num_frames=scores.num_frames,
        label_set=label_set, config=replace(windows.postprocess, threshold=threshold),
    )  # fmt: skip
    predictions.sort(key=lambda p: (p.position_ms, p.label))
    times = frame_times(game.videos[0].path)  # memoised: the PyAV reader demuxed it already
    return Spotted(
        video=Path(video), events=_events(predictions, times), predictions=predictions,
        source=scores.source, fps=game.videos[0].fps, frames=len(times),
        decode_seconds=scores.decode_seconds, model_seconds=scores.model_seconds,
    )  # fmt: skip


def _events(predictions: list[Prediction], times: np.ndarray) -> list[SpottedEvent]:
    """Each prediction as an event on the frame shown nearest to it (the earlier one on a tie)."""
    seconds = [p.position_ms / 1000 for p in predictions]
    frames = nearest_frames(times, np.array(seconds, dtype=np.float64)).tolist()
    return [
        SpottedEvent(
            time_s=t, frame=frame, label=p.label, team=p.side or None, confidence=float(p.confidence)
        )
        for p, t, frame in zip(predictions, seconds, frames, strict=True)
    ]
