"""Read ahead in a thread: the next batches are decoded while the caller computes on this one.

A whole-game reader feeds a model that takes longer per batch than the reading does; run in turn
the two add up, and every second spent decoding is a second of the model's wall time. Decoding
(FFmpeg through PyAV or torchcodec, DALI's executor) and torch's kernels release the GIL, so a
thread that keeps ``depth`` batches ready lets decoding run beside the model (measured in the
README's ``dudek spot`` table) when a core is free for it: :func:`default_read_ahead` decides
where the caller does not. The order of the batches is unchanged; an error raised while
reading is raised to the caller at the batch where it happened; a caller that stops early (or
fails) stops the thread before the reader is closed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeVar

from dudek_dali.devices import usable_cores

if TYPE_CHECKING:
    import torch

T = TypeVar("T")

_POLL_S = 0.05  # how often a blocked side looks whether the other has stopped


def default_read_ahead(device: torch.device) -> int:
    """1 where a core is spare for the reading thread, else 0.

    A core is spare when the batches land on a GPU (the model runs there) or when this process may
    use more cores than torch's CPU threads. Where the model's threads already take every core (a
    2-core CPU: torch uses both), the thread only competes with them: ``dudek spot`` of a 1-minute
    game on our 2-core VM took 5.1-5.6 s reading in turn and 6.3-8.6 s reading ahead
    (``benchmarks/spot_throughput.py --read-ahead 0,1``, README).
    """
    import torch

    if device.type == "cuda":
        return 1
    return 1 if usable_cores() > torch.get_num_threads() else 0


def read_ahead(items: Iterator[T], *, depth: int) -> Iterator[T]:
    """``items``, produced by a thread that stays up to ``depth`` items ahead (0: no thread)."""
    if depth < 1:
        yield from items
        return
    ready: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, object]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((False, item)):
                    return
            put((True, None))
        except BaseException as err:  # handed to the caller, raised there
            put((True, err))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="dudek-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            done, value = ready.get()
            if done:
                if value is not None:
                    raise value  # type: ignore[misc]
                return
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
