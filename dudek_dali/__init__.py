"""dudek_dali: SoccerNet Ball Action Spotting with T-DEED fed by NVIDIA DALI video pipelines.

The front door, one import for the common jobs::

    import dudek_dali

    model = dudek_dali.load_model("tdeed_challenge.pt")  # on CUDA when visible
    events = model.spot("match.mp4")  # [SpottedEvent(time_s, frame, label, team, confidence), ...]

    games = dudek_dali.discover_games("/data/sn_bas_2025").games
    loader = dudek_dali.create_clip_loader(games, dudek_dali.SamplingConfig(), source="dali-gpu")

Each name is imported on first use, so ``import dudek_dali`` costs no torch, timm or DALI import.
Everything else lives in the rooms below (``dudek_dali.clips``, ``.sources``, ``.inference``,
``.train``, ...): see the README's layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dudek_dali.clips import AugmentConfig, SamplingConfig
    from dudek_dali.data.games import discover_games
    from dudek_dali.inference import TrainedModel, load_model
    from dudek_dali.sources import Source, create_clip_loader, create_game_reader, resolve_source
    from dudek_dali.spotting.spotted import SpottedEvent
    from dudek_dali.train import TrainConfig, train_model

__all__ = [
    "AugmentConfig",
    "SamplingConfig",
    "Source",
    "SpottedEvent",
    "TrainConfig",
    "TrainedModel",
    "__version__",
    "create_clip_loader",
    "create_game_reader",
    "discover_games",
    "load_model",
    "resolve_source",
    "train_model",
]


def __getattr__(name: str) -> Any:
    """The public names, imported when first asked for (module docstring)."""
    if name in ("load_model", "TrainedModel"):
        from dudek_dali import inference as home
    elif name in ("create_clip_loader", "create_game_reader", "resolve_source", "Source"):
        from dudek_dali import sources as home
    elif name in ("SamplingConfig", "AugmentConfig"):
        from dudek_dali import clips as home
    elif name == "discover_games":
        from dudek_dali.data import games as home
    elif name == "SpottedEvent":
        from dudek_dali.spotting import spotted as home
    elif name in ("train_model", "TrainConfig"):
        from dudek_dali import train as home
    else:
        raise AttributeError(f"module 'dudek_dali' has no attribute {name!r}")
    return getattr(home, name)
