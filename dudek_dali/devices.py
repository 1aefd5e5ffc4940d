"""Which torch device a command runs its model on: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``, resolved once.

Every command (training, submission, demo, evaluation) resolves its ``--device`` here, so ``auto``
means the same thing everywhere: the current CUDA device when one is visible, else the CPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudek_dali.errors import DudekError

if TYPE_CHECKING:
    import torch

DEVICE_HELP = "auto, cpu, cuda or cuda:N"


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity where the OS says, else every core)."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def check_device_name(name: str) -> str:
    """``name`` when it is one of auto, cpu, cuda, cuda:N; ``ValueError`` otherwise."""
    if name in ("auto", "cpu", "cuda") or (name.startswith("cuda:") and name[5:].isdigit()):
        return name
    raise ValueError(f"device must be {DEVICE_HELP}, got {name!r}")


def resolve_device(name: str = "auto", *, local_rank: int | None = None) -> torch.device:
    """The torch device ``name`` means on this machine.

    ``auto`` is CUDA when available (``cuda:local_rank`` under torchrun), else the CPU; asking for
    CUDA where there is none is a :class:`~dudek_dali.errors.DudekError` with the way out.
    """
    import torch

    check_device_name(name)
    if name == "cpu" or (name == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise DudekError(f"--device {name}: no CUDA device is available (use --device cpu)")
    if name in ("auto", "cuda"):
        return torch.device("cuda", local_rank if local_rank is not None else torch.cuda.current_device())
    index = int(name[5:])
    if index >= torch.cuda.device_count():
        raise DudekError(f"--device {name}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    return torch.device(name)
