"""The epoch plan: seed windows, reshuffling, epoch size, even-choice oversampling, sharding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dudek_reference import dudek_near_event_starts, dudek_split

from dudek_dali.clips.augment import AugmentConfig, ClipAugment
from dudek_dali.clips.sampling import ClipSampler, SamplingConfig, split_windows
from dudek_dali.clips.videos import VideoEntry
from dudek_dali.data.annotations import Annotation
from dudek_dali.data.labels import BAS, Team
from dudek_dali.data.targets import EventTable


@pytest.mark.parametrize(
    "num_frames, clip_frames, stride, overlap",
    [(300, 16, 2, 8), (300, 80, 2, 68), (159, 80, 2, 0), (160, 80, 2, 0), (1000, 7, 3, 2), (10, 20, 1, 5)],
)
def test_split_windows_is_dudeks_split(num_frames, clip_frames, stride, overlap):
    got = split_windows(num_frames, clip_frames=clip_frames, stride=stride, overlap=overlap)
    theirs = dudek_split(range(0, num_frames, stride), clip_frames=clip_frames, overlap=overlap)
    assert got.tolist() == [clip[0] for clip in theirs]
    assert all(clip == list(range(clip[0], clip[0] + stride * clip_frames, stride)) for clip in theirs)


def test_split_windows_rejects_bad_overlap():
    with pytest.raises(ValueError, match="overlap"):
        split_windows(100, clip_frames=10, stride=2, overlap=10)


def event(label: str, frame: int, team: Team = Team.LEFT) -> Annotation:
    return Annotation(
        half=1, position_ms=frame * 40, label=label, team=team, visibility="visible", game_time="1 - 00:00"
    )


def source(name: str, num_frames: int, events: list[Annotation] = ()) -> VideoEntry:
    table = EventTable.from_annotations(list(events), label_set=BAS, fps=25.0, key=name)
    return VideoEntry(
        path=Path(f"/data/{name} - x/224p.mp4"),
        game=name,
        num_frames=num_frames,
        fps=25.0,
        events=table,
        num_classes=BAS.num_classes,
    )


SOURCES = [
    source("a", 2000, [event("PASS", f) for f in range(50, 2000, 100)] + [event("GOAL", 1500, Team.RIGHT)]),
    source("b", 1500, [event("PASS", f) for f in range(30, 1500, 90)]),
]
CONFIG = SamplingConfig(clip_frames=16, stride=2, overlap=8)


def windows_of(plan) -> list[tuple[int, int]]:
    return [(c.video, c.start) for c in plan]


def test_one_epoch_visits_every_window_once_in_a_shuffled_order():
    sampler = ClipSampler(SOURCES, CONFIG)
    plan = windows_of(sampler.plan(0))
    expected = [(v, int(s)) for v, s in zip(sampler.window_video, sampler.window_start, strict=True)]
    assert sorted(plan) == sorted(expected)
    assert plan != expected  # shuffled


def test_epochs_reshuffle_and_are_deterministic_for_a_seed():
    a, b = ClipSampler(SOURCES, CONFIG), ClipSampler(SOURCES, CONFIG)
    assert windows_of(a.plan(3)) == windows_of(b.plan(3))
    assert windows_of(a.plan(0)) != windows_of(a.plan(1))
    other_seed = ClipSampler(SOURCES, SamplingConfig(clip_frames=16, stride=2, overlap=8, seed=1))
    assert windows_of(other_seed.plan(0)) != windows_of(a.plan(0))
    assert [c.augment for c in a.plan(2)] == [c.augment for c in b.plan(2)]


def test_enforced_epoch_size_repeats_windows_only_after_all_were_seen():
    sampler = ClipSampler(SOURCES, SamplingConfig(clip_frames=16, stride=2, overlap=8, epoch_size=500))
    plan = windows_of(sampler.plan(0))
    assert len(plan) == 500
    assert len(set(plan[: sampler.num_windows])) == sampler.num_windows


@pytest.mark.parametrize("world_size", [2, 3])
def test_ranks_get_disjoint_clips_that_together_make_the_plan(world_size):
    config = {"clip_frames": 16, "stride": 2, "overlap": 8, "epoch_size": 100, "world_size": world_size}
    samplers = [ClipSampler(SOURCES, SamplingConfig(rank=r, **config)) for r in range(world_size)]
    plans = [s.plan(5) for s in samplers]
    positions = [{c.position for c in plan} for plan in plans]
    for i in range(world_size):
        for j in range(i + 1, world_size):
            assert not positions[i] & positions[j]
    usable = 100 - 100 % world_size
    assert set().union(*positions) == set(range(usable))
    assert {len(p) for p in plans} == {usable // world_size}
    # each rank's clip at a position is the single-process plan's clip at that position
    whole = ClipSampler(SOURCES, SamplingConfig(**{**config, "world_size": 1, "epoch_size": usable})).plan(5)
    for plan in plans:
        for clip in plan:
            assert clip == whole[clip.position]


def goal_share(config: SamplingConfig) -> float:
    sampler = ClipSampler(SOURCES, config)
    goal = BAS.class_index("GOAL")
    with_goal = set(sampler.class_windows[goal].tolist())
    windows = sampler.global_windows(0)
    return float(np.mean([w in with_goal for w in windows]))


def test_even_choice_oversamples_the_rare_class():
    base = {"clip_frames": 16, "stride": 2, "overlap": 8, "epoch_size": 2000}
    plain = goal_share(SamplingConfig(**base))
    even = goal_share(SamplingConfig(even_choice_proba=1.0, **base))
    assert plain < 0.02  # one GOAL among ~37 events: it is in ~2 of ~340 windows
    assert 0.4 < even < 0.6  # two classes present: GOAL is drawn half of the time


def test_even_choice_windows_contain_an_event_of_the_class():
    sampler = ClipSampler(SOURCES, CONFIG)
    span = (CONFIG.clip_frames - 1) * CONFIG.stride + 1
    for cls, windows in sampler.class_windows.items():
        for w in windows:
            s = SOURCES[sampler.window_video[w]]
            start = sampler.window_start[w]
            inside = (s.events.frames >= start) & (s.events.frames < start + span)
            assert cls in ((s.events.outputs[inside] - 1) % BAS.num_classes).tolist()


def test_augmentations_are_drawn_per_clip_and_off_in_evaluation():
    window = {"clip_frames": 16, "stride": 2, "overlap": 8}
    train = ClipSampler(SOURCES, SamplingConfig(augment=AugmentConfig(), **window))
    flips = [c.augment.flip for c in train.plan(0)]
    assert 0.1 < np.mean(flips) < 0.4  # p = 0.25
    evaluation = ClipSampler(SOURCES, SamplingConfig(augment=AugmentConfig.off(), **window))
    assert all(c.augment == ClipAugment() for c in evaluation.plan(0))


def test_unshuffled_plan_keeps_window_order():
    sampler = ClipSampler(SOURCES, SamplingConfig(clip_frames=16, stride=2, overlap=8, shuffle=False))
    plan = windows_of(sampler.plan(0))
    assert plan == [(int(v), int(s)) for v, s in zip(sampler.window_video, sampler.window_start, strict=True)]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"even_choice_proba": 1.5}, "even_choice_proba"),
        ({"rank": 2, "world_size": 2}, "rank"),
        ({"epoch_size": 0}, "epoch_size"),
        ({"overlap": 80}, "overlap"),
        ({"stride": 0}, "stride"),
    ],
)
def test_bad_sampling_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        SamplingConfig(**options)


def test_no_video_long_enough_is_refused():
    with pytest.raises(ValueError, match="whole clip"):
        ClipSampler([source("a", 100)], SamplingConfig(clip_frames=80, stride=2, overlap=0))


@pytest.mark.parametrize(
    "event_frames",
    [
        (60, 75, 400, 1200, 1290, 1995),  # 75: off the grid; 1995: its window runs past the end
        (60, 162, 266, 600),  # windows 10..110 and 112..212: one run of grid frames; 216..316: another
    ],
)
def test_near_event_windows_are_dudeks_pretraining_clips(tmp_path, event_frames):
    window = {"clip_frames": 16, "stride": 2, "overlap": 8}
    entry = source("a", 2000, [event("PASS", f) for f in event_frames])
    sampler = ClipSampler([entry], SamplingConfig(**window, event_radius_sec=2.0))
    theirs = dudek_near_event_starts(
        tmp_path, entry.events.frames.tolist(), num_frames=entry.num_frames, fps=entry.fps,
        radius_sec=2.0, **window,
    )  # fmt: skip
    assert sampler.window_start.tolist() == theirs
    whole = ClipSampler([entry], SamplingConfig(**window))
    assert 0 < sampler.num_windows < whole.num_windows / 3


def test_near_event_windows_are_the_frame_folder_segments_windows(synth_broadcast):
    """The DALI loader's plan (whole videos + event_radius_sec) equals the frame loader's (the
    folder's annotation windows as segments) when the folders were extracted with that radius."""
    from dudek_dali.clips.videos import video_entries
    from dudek_dali.data.games import discover_games
    from dudek_dali.frames import ExtractionConfig, extract_frames
    from dudek_dali.frames.segments import frame_segments

    games = discover_games(synth_broadcast, layout="broadcast").games
    extract_frames(games, ExtractionConfig(stride=2, radius_sec=1.0))
    window = {"clip_frames": 8, "stride": 2, "overlap": 4}
    dali = ClipSampler(video_entries(games), SamplingConfig(**window, event_radius_sec=1.0))
    segments = frame_segments(games, stride=2)
    folders = ClipSampler([s.entry for s in segments], SamplingConfig(**window))
    as_video = [(str(segments[v].entry.path), segments[v].offset + int(s))
                for v, s in zip(folders.window_video, folders.window_start, strict=True)]  # fmt: skip
    ours = [
        (str(dali.videos[v].path), int(s)) for v, s in zip(dali.window_video, dali.window_start, strict=True)
    ]
    assert ours == as_video and len(ours) > 0
    # Cutting the segments again with the same radius changes nothing (the frame loader does so).
    again = ClipSampler([s.entry for s in segments], SamplingConfig(**window, event_radius_sec=1.0))
    assert again.window_start.tolist() == folders.window_start.tolist()


def test_even_choice_clips_get_boosted_flip_camera_and_crop():
    base = {"clip_frames": 16, "stride": 2, "overlap": 8, "epoch_size": 3000, "even_choice_proba": 0.5}
    augment = AugmentConfig(flip_proba=0.1, crop_proba=0.1, camera_proba=0.1, hue_proba=0.1)
    sampler = ClipSampler(SOURCES, SamplingConfig(**base, augment=augment, even_choice_augment_factor=2.0))
    _, even = sampler._global_plan(0)
    plan = sampler.plan(0)

    def rate(clips, test) -> float:
        return float(np.mean([test(c.augment) for c in clips]))

    chosen = [c for c in plan if even[c.position]]
    others = [c for c in plan if not even[c.position]]
    assert 0.16 < rate(chosen, lambda a: a.flip) < 0.24 and 0.06 < rate(others, lambda a: a.flip) < 0.14
    assert 0.16 < rate(chosen, lambda a: a.moves_camera) < 0.24
    assert 0.06 < rate(chosen, lambda a: a.hue != 0) < 0.14  # colour is not boosted (as dude-k)
    # Factor 1: every clip is drawn alike, and the same randomness gives the same clips.
    plain = ClipSampler(SOURCES, SamplingConfig(**base, augment=augment)).plan(0)
    assert [c.augment for c in plain if not even[c.position]] == [c.augment for c in others]


def test_boosting_is_capped_at_one():
    config = AugmentConfig(flip_proba=0.75, crop_proba=0.0).boosted(2.0)
    assert config.flip_proba == 1.0 and config.crop_proba == 0.0 and config.hue_proba == 0.25
