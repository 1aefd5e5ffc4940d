"""Benchmark building blocks on real files: keyframe listing and decode cost, the PyAV floor reader,
resource sampling of a process tree, isolated runs, throughput timing and the result writers."""

from __future__ import annotations

import json
import multiprocessing
import os
import time

import av
import numpy as np
import pytest
from pipeline_fixtures import (
    KEYFRAME_INTERVAL,
    games_of,
    labelled,
)

from dudek_dali.bench.isolate import IsolatedError, run_isolated
from dudek_dali.bench.keyframes import decoded_frames, keyframe_indices, mean_gap
from dudek_dali.bench.markdown import md_table
from dudek_dali.bench.resources import ResourceSampler
from dudek_dali.bench.spec import ClipSpec, check_loader_kinds
from dudek_dali.bench.throughput import run_for
from dudek_dali.data.synthetic import read_frame_index
from dudek_dali.files import write_json
from dudek_dali.pyav import PyAVClipReader

SMALL = ClipSpec(
    clip_frames=8, stride=2, overlap=4, size=(64, 96), batch_size=2, augment=False, epoch_clips=6
)


def test_keyframes_from_packets_match_a_full_decode(bas_root):
    for game in labelled(games_of(bas_root)):
        path = game.videos[0].path
        with av.open(str(path)) as container:
            decoded = [i for i, frame in enumerate(container.decode(video=0)) if frame.key_frame]
        listed = keyframe_indices(path)
        assert listed.tolist() == decoded
        assert len(listed) > 1  # the fixture's GOP is shorter than its videos


def test_decoded_frames_against_a_loop():
    keyframes = np.array([0, 60, 120, 250])
    starts = np.array([0, 59, 60, 61, 200, 251, 300])
    ends = starts + 14

    def reference(start: int, end: int) -> int:
        seek = max(k for k in keyframes if k <= start)
        return end - seek + 1

    expected = [reference(s, e) for s, e in zip(starts, ends, strict=True)]
    assert decoded_frames(keyframes, starts, ends).tolist() == expected
    assert mean_gap(keyframes, 300) == pytest.approx(np.mean([60, 60, 130, 50]))


def test_pyav_floor_delivers_the_planned_frames_and_counts_real_decodes(bas_root):
    games = labelled(games_of(bas_root))
    spec = ClipSpec(
        clip_frames=8, stride=2, overlap=4, size=(224, 224), batch_size=2, augment=False, epoch_clips=6
    )
    with PyAVClipReader(games, spec.sampling(), size=spec.size, batch_size=spec.batch_size) as reader:
        plan = reader.plan()
        batches = list(reader)
        decoded = reader.decoded
    clips = np.concatenate(batches)
    assert clips.shape == (6, 8, 224, 224, 3) and clips.dtype == np.uint8
    for clip, planned in zip(clips, plan, strict=True):
        assert [read_frame_index(f) for f in clip] == planned.frame_numbers(8, 2).tolist()
    keyframes = {str(v.path): keyframe_indices(v.path) for g in games for v in g.videos}
    estimate = sum(
        int(decoded_frames(keyframes[str(reader.videos[c.video].path)], [c.start], [c.start + 14])[0])
        for c in plan
    )
    assert decoded == estimate
    assert decoded > 6 * 15  # most windows start mid-GOP, so seeking costs extra frames
    assert games[0].videos[0].num_frames > KEYFRAME_INTERVAL


def _busy_child(megabytes: int, cpu_seconds: float, ready) -> None:
    block = np.ones(megabytes * 2**20, dtype=np.uint8)  # touched: resident
    ready.set()
    start = time.process_time()
    while time.process_time() - start < cpu_seconds:
        block[::4096] += 1
    time.sleep(0.6)  # stay alive (and resident) for a few samples


def test_sampler_counts_children_cpu_and_memory():
    context = multiprocessing.get_context("fork")
    with ResourceSampler(interval=0.05) as sampler:
        before = sampler.usage()
        ready = context.Event()
        child = context.Process(target=_busy_child, args=(200, 0.6, ready))
        child.start()
        ready.wait(30)
        child.join(60)
        usage = sampler.usage()
    assert child.exitcode == 0
    assert usage.cpu_seconds - before.cpu_seconds >= 0.55  # the child's CPU time, reaped or live
    assert usage.peak_pss_bytes - before.peak_pss_bytes > 150 * 2**20
    assert usage.peak_gpu_bytes is None
    assert usage.to_json()["gpu_memory_mib"] is None


def _square(x: int) -> int:
    return x * x


def _fails() -> None:
    raise ValueError("bad input 42")


def _dies() -> None:
    os._exit(3)


def test_run_isolated_returns_raises_and_notices_death():
    assert run_isolated(_square, 7) == 49
    with pytest.raises(IsolatedError, match="ValueError: bad input 42"):
        run_isolated(_fails)
    with pytest.raises(IsolatedError, match="exit code 3"):
        run_isolated(_dies)


class _FakeClip:
    def __init__(self, video: int, start: int) -> None:
        self.video, self.start = video, start


class _CountingLoader:
    """Three batches of two clips per epoch, each taking ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay, self.epoch = delay, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def plan(self):
        return [_FakeClip(self.epoch, i) for i in range(6)]

    def __iter__(self):
        for _ in range(3):
            time.sleep(self.delay)
            yield [0, 0]


def test_run_for_splits_startup_from_the_steady_state_and_crosses_epochs():
    created = time.perf_counter()
    marks = []
    run = run_for(_CountingLoader(0.02), 0.15, created_at=created, on_first_batch=lambda: marks.append(1))
    assert marks == [1]
    assert run.startup_s >= 0.02
    assert run.steady_s >= 0.15
    assert run.epochs >= 2
    # the first batch (clips 0 and 1 of epoch 0) is start-up; the steady clips follow the plans in order
    assert run.clips[:4] == [(0, 2), (0, 3), (0, 4), (0, 5)]
    assert run.clips[4:6] == [(1, 0), (1, 1)]


def test_spec_and_kind_checks():
    with pytest.raises(ValueError, match="overlap"):
        ClipSpec(clip_frames=8, overlap=8)
    with pytest.raises(ValueError, match="loaders must be among"):
        check_loader_kinds(["dali-cpu", "jpeg"])
    assert check_loader_kinds(["pyav", "pyav", "frames"]) == ("pyav", "frames")
    assert SMALL.span == 15


def test_writers_are_atomic_and_tables_well_formed(tmp_path):
    out = write_json(tmp_path / "sub" / "r.json", {"a": 1})
    assert json.loads(out.read_text()) == {"a": 1}
    assert [p.name for p in out.parent.iterdir()] == ["r.json"]  # no temporary file left
    lines = md_table(("x", "y"), [("1", "2"), ("3", "4")]).splitlines()
    assert lines == ["| x | y |", "|---|---:|", "| 1 | 2 |", "| 3 | 4 |"]
