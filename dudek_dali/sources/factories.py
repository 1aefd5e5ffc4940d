"""The one factory per job over every source: training clip loaders and whole-game readers.

Each builds the reader of a resolved :class:`~dudek_dali.sources.Source` behind the interfaces of
:mod:`dudek_dali.clips` (:class:`~dudek_dali.clips.ClipLoader`, :class:`~dudek_dali.clips.GameReader`),
so callers never branch on the source. A name instead of a :class:`Source` is resolved here, once
(:func:`~dudek_dali.sources.resolve_source`), for library users who start from a name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.loader import ClipLoader
from dudek_dali.clips.sampling import SamplingConfig
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.sizes import Size
from dudek_dali.sources.source import AUTO, Job, Source, resolve_source

if TYPE_CHECKING:
    import torch


def as_source(source: Source | str, *, device: str | torch.device | None, job: Job) -> Source:
    """``source`` itself when resolved (it holds its device already), else :func:`resolve_source` of
    the name for ``job`` on ``device``."""
    if isinstance(source, Source):
        return source
    return resolve_source(source, device=device, job=job)


def create_clip_loader(
    games: Sequence[Game],
    sampling: SamplingConfig | None = None,
    *,
    source: Source | str = AUTO,
    device: str | torch.device | None = None,
    size: Size = (224, 224),
    batch_size: int = 4,
    targets: TargetEncoder | None = None,
    workers: int = 2,
) -> ClipLoader:
    """The training clip loader of ``source`` over ``games``: the epoch plans of ``sampling``
    (default: every window once, augmented), decoded, augmented and batched.

    ``source`` is a resolved :class:`Source`, or a name resolved here on ``device`` (the model's
    device; default auto; a resolved source keeps its own). ``workers`` is DALI's CPU threads,
    torchcodec's FFmpeg threads per video, or the frame loader's DataLoader processes (capped at
    the cores present: more only compete).
    """
    chosen = as_source(source, device=device, job="train").for_games(games)
    sampling = sampling or SamplingConfig()
    common = {"size": size, "batch_size": batch_size, "targets": targets, "device": chosen.device}
    if chosen.name == "frames":
        from dudek_dali.frames import create_frame_loader

        return create_frame_loader(games, sampling, num_workers=min(workers, os.cpu_count() or 1), **common)
    if chosen.is_dali:
        from dudek_dali.pipelines import create_dali_loader

        return create_dali_loader(games, sampling, num_threads=workers, **common)
    if chosen.is_torchcodec:
        from dudek_dali.torchcodec import create_torchcodec_loader

        return create_torchcodec_loader(
            games, sampling, num_threads=workers, decode_device=chosen.decode_device, **common
        )
    raise ValueError(f"no training clip loader reads {chosen.name!r}")


def create_game_reader(
    game: Game,
    config: GameReaderConfig | None = None,
    *,
    source: Source | str = AUTO,
    device: str | torch.device | None = None,
    size: Size = (224, 224),
    targets: TargetEncoder | None = None,
    workers: int = 2,
) -> GameReader:
    """The whole-game reader over ``game`` (every window, tail included) of the first source of
    ``source``'s chain that reads it (:meth:`Source.for_games`)."""
    chosen = as_source(source, device=device, job="read").for_games([game])
    common = {"size": size, "targets": targets, "num_threads": workers, "device": chosen.device}
    if chosen.name == "pyav":
        from dudek_dali.pyav import PyAVGameReader

        return PyAVGameReader(game, config, **common)
    if chosen.name == "frames":
        from dudek_dali.frames import FrameGameReader

        return FrameGameReader(game, config, **common)
    if chosen.is_torchcodec:
        from dudek_dali.torchcodec import TorchcodecGameReader

        return TorchcodecGameReader(game, config, decode_device=chosen.decode_device, **common)
    from dudek_dali.pipelines import DaliGameReader

    return DaliGameReader(game, config, **common)


def check_readable(games: Sequence[Game], source: Source) -> None:
    """Check now that ``source`` reads each of ``games`` whole, for readers that open them later
    (validation during training). DALI checks the videos it will read fully here (codec,
    truncation, resolution); frame folders are checked when opened, PyAV when decoded."""
    for game in games:
        chosen = source.for_games([game])
        if chosen.is_dali:
            from dudek_dali.pipelines import validate_videos

            validate_videos([game], backend=chosen.dali_backend)
