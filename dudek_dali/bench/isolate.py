"""Run one measurement in a fresh process, so it inherits no memory, threads or warm caches.

Loaders measured one after another in the same process would share the importer's memory, the
DALI library already loaded, torch's thread pools: the second would look cheaper to start and
the peak memory of the first would hide the second's. A ``spawn`` child starts clean (its
DataLoader workers are still forked from it, as in training). The child's Python and torch
import time is not part of any measurement: measurements start inside the function.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import traceback
from collections.abc import Callable
from typing import Any

from dudek_dali.errors import DudekError


class IsolatedError(DudekError):
    """The measurement failed in its child process; the message holds the child's traceback tail."""


def _child(queue, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        queue.put(("ok", fn(*args, **kwargs)))
    except BaseException as err:  # everything goes back to the parent, which decides
        queue.put(("error", f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=-3)}"))


def run_isolated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a spawned process; returns its (picklable) result.

    ``fn`` must be importable (a module-level function). Raises :class:`IsolatedError` when it
    raises or the process dies (e.g. killed for memory).
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, fn, args, kwargs), daemon=False)  # may fork workers
    process.start()
    try:
        while True:  # poll, so a child killed by a signal does not leave us waiting forever
            try:
                status, value = queue.get(timeout=1.0)
                break
            except queue_module.Empty:
                if not process.is_alive():
                    raise IsolatedError(
                        f"{fn.__name__} died in its child process (exit code {process.exitcode})"
                    ) from None
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()
    if status == "error":
        raise IsolatedError(f"{fn.__name__} failed: {value}")
    return value
