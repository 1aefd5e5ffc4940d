"""Reading ``torch.save`` files without letting them run code: ``weights_only=True``, or a refusal.

A pickle can name any Python callable to rebuild its objects, so loading a foreign checkpoint
the old way (``weights_only=False``, as dude-k and OSL load theirs) runs whatever its author put
in it. Every checkpoint here is read with torch's restricted unpickler, which rebuilds tensors
and plain containers only, plus (torch >= 2.6) numpy scalars: ``numpy.dtype`` of a number type
and the scalar constructor. Trainers store metrics as ``np.float64`` (OSL's best validation
value is one), and those rebuild a number from raw bytes, nothing more.

A file that needs any other global is refused with one line naming the file, the globals it
asks for and the option that accepts it (``--trust-pickle``; ``trust_pickle=True`` in Python).
With that option the file is loaded the old way and a warning says so.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

from dudek_dali.errors import CheckpointError

TRUST_OPTION = "--trust-pickle"
_log = logging.getLogger("dudek_dali.model")
# numpy 1.x pickles the scalar constructor as numpy.core..., numpy 2.x as numpy._core...; a dtype is
# rebuilt as numpy.dtype("f8", ...) and then its DType class (Float64DType...) is checked.
_scalar = (getattr(np, "_core", None) or np.core).multiarray.scalar
_NUMPY_SCALARS: list[Any] = [
    np.dtype,
    (_scalar, "numpy._core.multiarray.scalar"),
    (_scalar, "numpy.core.multiarray.scalar"),
    *sorted({type(np.dtype(code)) for code in "?bBhHiIlLqQefdgFDG"}, key=str),
]
_ALLOWED = {"numpy.dtype", "numpy._core.multiarray.scalar", "numpy.core.multiarray.scalar"}
_NUMPY_ALLOWED = torch.__version__ >= (2, 6)  # type: ignore[operator]  # safe_globals with aliases
_GLOBAL = re.compile(r"GLOBAL ([\w.]+)")
_SHOWN = 3


class UnsafePickleError(CheckpointError):
    """A checkpoint needs arbitrary Python objects to load; it was not loaded."""


def load_torch_file(path: Path, *, trust_pickle: bool = False) -> Any:
    """``torch.load`` of ``path`` on the CPU, restricted to tensors and plain values unless trusted.

    Raises :class:`CheckpointError` (one line naming ``path``) for a missing or unreadable file
    and :class:`UnsafePickleError` for a pickle that needs more than the restricted unpickler allows.
    """
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        with _numpy_scalars_allowed():
            return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        names = _unsafe_globals(path, err)
        if not names:  # not a global it refused: a damaged or foreign file
            raise _unreadable(path, err) from None
        if not trust_pickle:
            raise UnsafePickleError(_refusal(path, names)) from None
    except Exception as err:  # torch raises many types for truncated / foreign files
        raise _unreadable(path, err) from None
    _log.warning("%s: loaded with full unpickling (%s): it may have run code", path, TRUST_OPTION)
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:
        raise _unreadable(path, err) from None


def _numpy_scalars_allowed() -> contextlib.AbstractContextManager:
    """torch >= 2.6 takes the allowance (with the old numpy spelling); older torch: tensors and plain
    values only, so a checkpoint holding numpy scalars is refused there."""
    if not _NUMPY_ALLOWED:
        return contextlib.nullcontext()
    return torch.serialization.safe_globals(_NUMPY_SCALARS)


def _unsafe_globals(path: Path, err: Exception) -> list[str]:
    """The globals beyond the allowed ones that ``path`` asks the unpickler for (empty: none)."""
    try:
        names = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception:  # the legacy (non-zip) format cannot be listed: the error names the first one
        names = _GLOBAL.findall(str(err))
    return sorted(set(names) - (_ALLOWED if _NUMPY_ALLOWED else set()))


def _refusal(path: Path, names: list[str]) -> str:
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return (
        f"{path}: refused: loading it would unpickle Python objects ({', '.join(names[:_SHOWN])}{more}), "
        f"which can run code; if you trust where it comes from, pass {TRUST_OPTION} "
        f"(trust_pickle=True in Python)"
    )


def _unreadable(path: Path, err: Exception) -> CheckpointError:
    text = str(err).strip()
    reason = text.splitlines()[0].split(". ")[0] if text else type(err).__name__
    return CheckpointError(f"{path}: not a readable checkpoint (corrupt or truncated?): {reason[:160]}")
