"""Reading ahead in a thread (what every whole-game reader and torchcodec's clip decoding do): the
same items in the same order, errors raised where they happened, a caller that stops early stops
the thread, and the reading really overlaps the caller's work."""

from __future__ import annotations

import threading

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
    """While the caller still holds item 0, the thread produces item 1: without a thread reading
    ahead, item 1 would only be asked for after the caller is done, and the wait would time out."""
    second_read = threading.Event()

    def items():
        yield 0
        second_read.set()
        yield 1

    got = []
    for item in read_ahead(items(), depth=1):
        if item == 0:
            assert second_read.wait(timeout=10), "item 1 was not read while the caller worked on item 0"
        got.append(item)
    assert got == [0, 1]


def test_the_default_reads_ahead_only_where_a_core_is_spare_for_it():
    import os

    import torch

    from dudek_dali.clips.read_ahead import default_read_ahead

    cores = len(os.sched_getaffinity(0))
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(cores)  # the model's threads take every core: reading ahead competes
        assert default_read_ahead(torch.device("cpu")) == 0
        if cores > 1:
            torch.set_num_threads(cores - 1)
            assert default_read_ahead(torch.device("cpu")) == 1
        assert default_read_ahead(torch.device("cuda", 0)) == 1  # the model runs on the GPU
    finally:
        torch.set_num_threads(threads)
