"""Reading ahead in a thread (what every whole-game reader and torchcodec's clip decoding do): the
same items in the same order, errors raised where they happened, a caller that stops early stops
the thread, and the reading really overlaps the caller's work."""

from __future__ import annotations

import threading
import time

import pytest

from dudek_dali.clips.read_ahead import read_ahead


def counting(n: int, log: list[str], *, fail_at: int | None = None):
    try:
        for i in range(n):
            if i == fail_at:
                raise ValueError(f"item {i} is broken")
            log.append(threading.current_thread().name)
            yield i
    finally:
        log.append("closed")


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_same_items_in_order_read_by_a_thread_unless_depth_is_zero(depth):
    log: list[str] = []
    assert list(read_ahead(counting(7, log), depth=depth)) == list(range(7))
    readers = set(log[:-1])
    assert log[-1] == "closed"
    assert readers == ({"dudek-read-ahead"} if depth else {threading.current_thread().name})


def test_an_error_reaches_the_caller_after_the_items_before_it():
    got = []
    with pytest.raises(ValueError, match="item 3 is broken"):
        for item in read_ahead(counting(10, [], fail_at=3), depth=2):
            got.append(item)
    assert got == [0, 1, 2]


def test_a_caller_that_stops_early_stops_the_thread_and_closes_the_source():
    log: list[str] = []
    items = read_ahead(counting(1000, log), depth=2)
    assert next(items) == 0
    items.close()  # as a for loop left with break, or a caller that failed, does
    assert log[-1] == "closed" and len(log) < 10  # at most depth + a few items read, then closed
    assert not [t for t in threading.enumerate() if t.name == "dudek-read-ahead"]


def test_reading_overlaps_the_callers_work():
    def slow(n: int):
        for i in range(n):
            time.sleep(0.05)  # sleeping releases the GIL, as decoding does
            yield i

    started = time.perf_counter()
    for _ in read_ahead(slow(8), depth=1):
        time.sleep(0.05)  # the caller's work on each item
    overlapped = time.perf_counter() - started
    assert overlapped < 8 * 0.1 * 0.8  # in turn it takes 0.8 s; overlapped about half that
