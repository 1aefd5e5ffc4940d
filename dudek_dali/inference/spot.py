"""``dudek spot``: any match video to ball actions, with the files a person and a scorer want.

For each video (its events: :mod:`.events`), into ``<out>/<video file stem>/``:

* ``results_spotting.json``: the challenge's prediction format (``gameTime``, ``label``,
  ``position`` in ms, ``half``, ``team``, ``confidence``), so ``dudek evaluate`` scores it;
* ``events.csv``: one row per spotted event: time (mm:ss.mmm), the video's own frame number,
  class, team, confidence (the same events as the JSON);
* ``timeline.png``: the events over time, per class and team;
* ``spot.json``: what was spotted how (the video's path, frame rate and count, the threshold,
  the reader, the model), which ``dudek review`` reads to find the video;
* ``overlay.mp4`` (with ``overlay=True``): the video, H.264, with each event drawn around it.

Bad input is one :class:`~dudek_dali.errors.DudekError` per video naming the file and the
problem; :func:`spot_videos` spots the other videos anyway and returns the failures.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dudek_dali.errors import DudekError
from dudek_dali.files import write_json, write_text
from dudek_dali.inference.events import SpotConfig, Spotted
from dudek_dali.inference.model import TrainedModel, load_model
from dudek_dali.sources import AUTO, Source, as_source
from dudek_dali.spotting.spot_folder import EVENTS_FILE, OVERLAY_FILE, SPOT_RECORD
from dudek_dali.spotting.spotted import events_csv
from dudek_dali.spotting.submission import RESULTS_FILE, results_document

if TYPE_CHECKING:
    import torch

TIMELINE_FILE = "timeline.png"


@dataclass
class SpotResult(Spotted):
    """:class:`~dudek_dali.inference.events.Spotted`, and the files written for it."""

    out_dir: Path = Path()
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def spot_video(
    video: Path | str,
    model: TrainedModel,
    *,
    source: Source | str = AUTO,
    out: Path | str = "spot",
    config: SpotConfig | None = None,
    overlay: bool = False,
    review: bool = False,
) -> SpotResult:
    """Spot one video and write its files (see the module docstring; ``review``: also the review
    page, :func:`~dudek_dali.spotting.review.write_review`); a source name is resolved on the
    model's device."""
    started = time.perf_counter()
    config = config or SpotConfig()
    source = as_source(source, device=model.device, job="read")
    spotted = model.spotted(video, config=config, source=source)
    result = SpotResult(**vars(spotted), out_dir=Path(out) / Path(video).stem)
    result.files = write_outputs(result, model, config=config, overlay=overlay)
    if review:
        from dudek_dali.spotting.review import REVIEW_PAGE, write_review

        result.files[REVIEW_PAGE] = write_review(result.out_dir).page
    result.seconds = time.perf_counter() - started
    return result


def spot_videos(
    paths: Sequence[Path | str],
    checkpoint: Path | str | TrainedModel,
    *,
    out: Path | str = "spot",
    config: SpotConfig | None = None,
    overlay: bool = False,
    review: bool = False,
    source: Source | str = AUTO,
    device: str | torch.device | None = None,
    trust_pickle: bool = False,
    on_result: Callable[[SpotResult | tuple[Path, str]], None] | None = None,
) -> tuple[list[SpotResult], list[tuple[Path, str]]]:
    """Spot every video; a video that fails is listed with why and the others still run.

    ``checkpoint`` is a checkpoint (loaded on ``device``; ``trust_pickle``: see
    :func:`~dudek_dali.inference.load_model`) or a loaded model; ``source`` a resolved
    source or a name, resolved here once on the model's device. ``on_result(result_or_failure)``
    is called after each video (the CLI prints as it goes).
    """
    model = (
        checkpoint
        if isinstance(checkpoint, TrainedModel)
        else load_model(checkpoint, device=device, trust_pickle=trust_pickle)
    )
    source = as_source(source, device=model.device, job="read")
    done, failed = [], []
    for path in paths:
        try:
            result: SpotResult | tuple[Path, str] = spot_video(
                path, model, source=source, out=out, config=config, overlay=overlay, review=review
            )
            done.append(result)
        except DudekError as err:
            result = (Path(path), str(err))
            failed.append(result)
        if on_result is not None:
            on_result(result)
    return done, failed


def write_outputs(
    result: SpotResult, model: TrainedModel, *, config: SpotConfig, overlay: bool
) -> dict[str, Path]:
    """The files of one spotted video (module docstring), written atomically."""
    from dudek_dali.inference.overlay import write_overlay
    from dudek_dali.spotting.plots import plot_timeline

    out = result.out_dir
    document = results_document(result.video.stem, result.predictions)
    facts = {  # the video's absolute path: the review page finds it from wherever it is written
        "video": str(result.video.resolve()), "fps": result.fps, "frames": result.frames,
        "threshold": config.threshold, "source": result.source, "model": model.checkpoint,
    }  # fmt: skip
    files = {
        RESULTS_FILE: write_json(out / RESULTS_FILE, document, indent=1),
        EVENTS_FILE: write_text(out / EVENTS_FILE, events_csv(result.events, teams=model.label_set.teams)),
        TIMELINE_FILE: plot_timeline(
            f"{result.video.name}: {len(result.events)} events", [], result.predictions,
            out / TIMELINE_FILE, label_set=model.label_set, min_confidence=config.threshold,
        ),
        SPOT_RECORD: write_json(out / SPOT_RECORD, facts, indent=1),
    }  # fmt: skip
    if overlay:
        files[OVERLAY_FILE] = write_overlay(result.video, result.events, out / OVERLAY_FILE)
    return files
