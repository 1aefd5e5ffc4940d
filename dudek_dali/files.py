"""Atomic file writes: the one helper every writer in the project uses.

A file appears under its final name only once it is complete: it is written to a temporary file
in the same folder (same file system, so the rename is atomic), optionally flushed to disk, then
``os.replace``-d over the target. An interrupted run, a full disk or an exception in the writer
leaves the previous file (checkpoint, submission, manifest, video) exactly as it was, and no
half-written file that looks finished. Temporary files are named ``.<name>.<random>.partial`` so
they are hidden and never mistaken for outputs; they are removed when the write fails.

The temporary file gets the permissions an ordinary ``open()`` would give (``0666`` minus the
umask), not ``mkstemp``'s private ``0600``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PARTIAL_SUFFIX = ".partial"


@contextlib.contextmanager
def atomic_path(path: Path | str, *, fsync: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; moved over ``path`` when the block ends normally.

    For writers that stream into a file over time (several open at once); see :func:`write_atomic`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        yield tmp
        if fsync:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path | str, write: Callable[[Path], None], *, fsync: bool = False) -> Path:
    """Call ``write(tmp)`` with a temporary path beside ``path``, then move it over ``path``.

    ``write`` may open ``tmp`` itself (PyAV, Pillow, matplotlib and ``torch.save`` all take a
    path). ``fsync`` flushes the file to disk before the rename: worth its cost for files whose
    loss costs hours (checkpoints), not for logs or plots. Returns ``path``.
    """
    with atomic_path(path, fsync=fsync) as tmp:
        write(tmp)
    return Path(path)


def write_bytes(path: Path | str, data: bytes, *, fsync: bool = False) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), fsync=fsync)


def write_text(path: Path | str, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: Path | str, value: Any, *, indent: int | None = 2) -> Path:
    """``value`` as JSON (paths and other objects by their ``str``), newline-terminated."""
    return write_text(path, json.dumps(value, indent=indent, default=str) + "\n")


def partial_files(path: Path | str) -> list[Path]:
    """Temporary files an interrupted :func:`write_atomic` of ``path`` may have left behind."""
    path = Path(path)
    return sorted(path.parent.glob(f".{path.name}.*{PARTIAL_SUFFIX}"))


def replace_folder(finished: Path | str, final: Path | str) -> Path:
    """Move a completely written folder into place, replacing an older one at ``final``.

    Folders cannot be swapped atomically; the old one is removed first, so an interruption in
    between leaves no folder at ``final`` (which readers treat as "not done"), never a mix.
    """
    final = Path(final)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(finished, final)
    return final


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
