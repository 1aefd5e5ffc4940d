"""Seeding every random source, and saving / restoring their states for an exact ``--resume``.

The clip order and augmentation parameters are pure functions of ``(seed, epoch)`` in the loaders
and mixup draws from ``(seed, step)`` (see :mod:`dudek_dali.train.mixup`), so they need no state.
What is left is global: Python's ``random``, NumPy's legacy global generator and torch's CPU and
CUDA generators (dropout, weight init). Their states are stored as tensors and plain Python values
so a checkpoint loads with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (every CUDA device too) with ``seed``."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def capture_rng_state() -> dict[str, Any]:
    """The state of every global generator, as tensors / ints / lists only."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": _python_state_to_plain(random.getstate()),
        "numpy": {
            "kind": str(kind),
            "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached),
        },
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Inverse of :func:`capture_rng_state`.

    CUDA states are restored only when this process sees as many devices as the one that saved
    them; otherwise (e.g. a GPU run resumed on another machine) CUDA stays as seeded.
    """
    random.setstate(_python_state_from_plain(state["python"]))
    n = state["numpy"]
    keys = n["keys"].numpy().astype(np.uint32)
    np.random.set_state((n["kind"], keys, n["pos"], n["has_gauss"], n["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    cuda = state.get("cuda")
    if cuda is not None and torch.cuda.is_available() and len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda)


def _python_state_to_plain(state: tuple) -> list:
    version, internal, gauss_next = state
    return [version, list(internal), gauss_next]


def _python_state_from_plain(plain: list) -> tuple:
    version, internal, gauss_next = plain
    return (version, tuple(internal), gauss_next)
