"""Writing the synthetic SoccerNet dataset: layout, manifest, and the re-run policy.

:func:`synthesize_dataset` writes games in the real layouts, with real-looking match folder
names (spaces included) and label files with the real fields, whose VP9 videos carry
learnable events: each class has its own shape, drawn on the side of its team (see
:mod:`~dudek_dali.data.synthetic.render`). BAS games take the official SN-BAS-2025 match
names first, interleaved so that five games already cover train, valid, test and challenge;
challenge games get no label file, like the real ones.

Re-running into the same folder. ``OUT`` must be missing, empty, or a previous synthetic
dataset, recognised by its manifest ``.dudek-synth.json`` (written *before* the first video,
so even an interrupted run is recognised). A complete dataset made with the same config is
reused as is; otherwise exactly the files the manifest lists are deleted and the dataset is
written again. Anything else in a non-empty ``OUT`` is refused: we never delete files we did
not write. Videos and label files are written to a temporary name and renamed into place,
so an interrupted run never leaves a half-written file under its final name.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dudek_dali.data.games import FRAME_SIZES
from dudek_dali.data.labels import LabelSet, Team
from dudek_dali.data.splits import Split
from dudek_dali.data.synthetic.config import FPS, SynthConfig
from dudek_dali.data.synthetic.encode import codec_options
from dudek_dali.data.synthetic.plan import GamePlan, PlannedEvent, plan_game
from dudek_dali.data.synthetic.render import VideoRenderer
from dudek_dali.data.video_write import write_video
from dudek_dali.errors import DatasetError
from dudek_dali.files import partial_files, write_text

MANIFEST = ".dudek-synth.json"
_MANIFEST_FORMAT = 1
# Bump whenever the same config would give other labels or pixels, so old datasets are not reused.
GENERATOR_VERSION = 3  # 2: a colour per class, team bar; 3: dark backdrop, 0.4 high, +-6 frames


@dataclass(frozen=True)
class SynthGame:
    """One synthetic game: its folder, files and the events drawn into its videos."""

    path: Path
    match: str
    split: Split | None  # official SN-BAS-2025 split, None for extra and broadcast games
    videos: tuple[Path, ...]
    label_file: Path | None  # None: unlabelled (challenge) game
    frames_per_video: int
    events: tuple[PlannedEvent, ...]

    @property
    def duration_s(self) -> float:
        return len(self.videos) * self.frames_per_video / FPS


@dataclass(frozen=True)
class SynthSummary:
    """What a synthesis produced (or found already made: ``reused``)."""

    root: Path
    config: SynthConfig
    label_set: LabelSet
    games: tuple[SynthGame, ...]
    reused: bool
    seconds: float

    def class_team_counts(self) -> Counter[tuple[str, Team]]:
        """Events per (class, team) in the label files (challenge games have none)."""
        return Counter((e.label, e.team) for g in self.games if g.label_file for e in g.events)

    @property
    def total_duration_s(self) -> float:
        return sum(g.duration_s for g in self.games)


def synthesize_dataset(out_dir: Path, config: SynthConfig, *, progress: bool = True) -> SynthSummary:
    """Write (or reuse) the synthetic dataset ``config`` describes under ``out_dir``.

    Raises :class:`~dudek_dali.errors.DatasetError` when ``out_dir`` is a file or a non-empty
    folder that is not a synthetic dataset. ``progress`` shows a progress bar on stderr.
    """
    start = time.perf_counter()
    root = Path(out_dir)
    plans = [plan_game(config, i) for i in range(config.games)]
    files = [rel for plan in plans for rel in _relative_files(plan)]
    previous = _read_manifest(root)
    if previous is not None and _is_complete(root, previous, config):
        return _summary(root, config, plans, reused=True, start=start)
    if previous is not None:
        _delete_listed(root, previous.get("files", []))
    root.mkdir(parents=True, exist_ok=True)
    _write_manifest(root, config, files, complete=False)
    with _progress_bar(
        progress, total=config.games * config.videos_per_game * config.frames_per_video
    ) as advance:
        for plan in plans:
            _write_game(root, plan, config, advance)
    _write_manifest(root, config, files, complete=True)
    return _summary(root, config, plans, reused=False, start=start)


def _relative_files(plan: GamePlan) -> list[str]:
    names = list(plan.videos) + ([plan.label_file] if plan.label_file else [])
    return [f"{plan.relative_dir}/{name}" for name in names]


def _write_game(root: Path, plan: GamePlan, config: SynthConfig, advance) -> None:
    game_dir = root / plan.relative_dir
    game_dir.mkdir(parents=True, exist_ok=True)
    width, height = FRAME_SIZES[config.resolution]
    for half, name in enumerate(plan.videos, start=1):
        renderer = VideoRenderer(
            width=width,
            height=height,
            n_frames=plan.frames_per_video,
            events=[e for e in plan.events if e.half == half],
            label_set=plan.label_set,
            seed=np.random.SeedSequence([config.seed, plan.index, half]),
            stamp_frame_index=config.stamp_frame_index,
        )
        write_video(
            game_dir / name,
            _counted(renderer, advance),
            codec=config.codec,
            rate=FPS,
            size=(width, height),
            options=codec_options(config.codec, width, height, config.keyframe_interval),
            gop_size=config.keyframe_interval,
        )
    if plan.label_file:
        write_text(game_dir / plan.label_file, json.dumps(plan.label_json(), indent=4) + "\n")


def _summary(
    root: Path, config: SynthConfig, plans: list[GamePlan], *, reused: bool, start: float
) -> SynthSummary:
    games = tuple(
        SynthGame(
            path=root / p.relative_dir,
            match=p.match,
            split=p.split,
            videos=tuple(root / p.relative_dir / v for v in p.videos),
            label_file=root / p.relative_dir / p.label_file if p.label_file else None,
            frames_per_video=p.frames_per_video,
            events=p.events,
        )
        for p in plans
    )
    return SynthSummary(
        root=root,
        config=config,
        label_set=plans[0].label_set,
        games=games,
        reused=reused,
        seconds=time.perf_counter() - start,
    )


# --- the manifest and the overwrite policy ------------------------------------------------


def _read_manifest(root: Path) -> dict | None:
    """The previous run's manifest; None for a missing or empty folder; refuses anything else."""
    if root.exists() and not root.is_dir():
        raise DatasetError(f"{root}: exists and is not a folder")
    manifest = root / MANIFEST
    if not manifest.exists():
        if root.exists() and any(root.iterdir()):
            raise DatasetError(
                f"{root}: folder is not empty and holds no synthetic dataset ({MANIFEST} missing); "
                "choose a new or empty folder"
            )
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("format") != _MANIFEST_FORMAT or not isinstance(data.get("files"), list):
            raise ValueError("unknown manifest format")
    except (OSError, ValueError, AttributeError) as err:
        raise DatasetError(
            f"{manifest}: unreadable synthetic-dataset manifest ({err}); remove the folder"
        ) from None
    return data


def _is_complete(root: Path, manifest: dict, config: SynthConfig) -> bool:
    return (
        manifest.get("complete") is True
        and manifest.get("generator") == GENERATOR_VERSION
        and manifest.get("config") == config.to_json()
        and all((root / rel).is_file() for rel in manifest["files"])
    )


def _delete_listed(root: Path, files: Iterable[str]) -> None:
    """Delete the files a manifest lists (and their partial twins), then emptied folders."""
    folders = set()
    for rel in files:
        path = root / rel
        if root.resolve() not in path.resolve().parents:
            raise DatasetError(f"{root / MANIFEST}: lists {rel!r}, which lies outside the dataset")
        for victim in (path, *partial_files(path)):
            with contextlib.suppress(FileNotFoundError):
                victim.unlink()
        folders.update(p for p in path.parents if root in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # still holds something: keep it
            folder.rmdir()


def _write_manifest(root: Path, config: SynthConfig, files: list[str], *, complete: bool) -> None:
    data = {
        "format": _MANIFEST_FORMAT,
        "generator": GENERATOR_VERSION,
        "complete": complete,
        "config": config.to_json(),
        "files": files,
    }
    write_text(root / MANIFEST, json.dumps(data, indent=2) + "\n")


# --- progress ---------------------------------------------------------------------------


def _counted(frames: Iterable[np.ndarray], advance) -> Iterator[np.ndarray]:
    for frame in frames:
        yield frame
        advance()


@contextlib.contextmanager
def _progress_bar(enabled: bool, *, total: int):
    """Yields ``advance()``, which counts one frame (a no-op when disabled)."""
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("synthesising frames"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task("frames", total=total)
        yield lambda: bar.advance(task)
