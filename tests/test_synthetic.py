"""The synthetic SoccerNet dataset: layout, labels, videos, pixels, determinism, overwrite policy."""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

import av
import numpy as np
import pytest
from av.video.frame import PictureType
from cli_runner import dudek
from PIL import Image

from dudek_dali.data.annotations import read_labels
from dudek_dali.data.labels import ACTION_SPOTTING, BAS, SIDES, Team
from dudek_dali.data.splits import OFFICIAL_SPLITS, official_split_of
from dudek_dali.data.synthetic import MANIFEST, SynthConfig, read_frame_index, synthesize_dataset
from dudek_dali.data.synthetic.plan import PlannedEvent, plan_game
from dudek_dali.data.synthetic.render import SIGNATURE_HALF_LIFE, VideoRenderer
from dudek_dali.data.synthetic.signatures import MAX_CLASSES, signature_mask
from dudek_dali.data.synthetic.stamp import MAX_INDEX, draw_frame_index
from dudek_dali.data.video_write import write_video
from dudek_dali.errors import DatasetError

SHORT = {"minutes": 0.2, "keyframe_interval": 100}  # 300 frames per game


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


@pytest.fixture(scope="module")
def bas(tmp_path_factory):
    """Five short BAS games: the first five official matches, one of them a challenge game."""
    return synthesize_dataset(
        tmp_path_factory.mktemp("bas") / "data set", SynthConfig(games=5, **SHORT), progress=False
    )


# --- layout and names ---------------------------------------------------------------------


def test_bas_layout_uses_official_names_in_split_covering_order(bas):
    folders = sorted(p for p in (bas.root / "england_efl" / "2019-2020").iterdir())
    assert [p.name for p in folders] == sorted(g.match for g in bas.games)
    assert [official_split_of(g.match) for g in bas.games] == ["train", "valid", "test", "train", "challenge"]
    assert all(" " in g.match for g in bas.games)
    for game in bas.games:
        files = sorted(p.name for p in game.path.iterdir())
        expected = ["224p.mp4"] if game.split == "challenge" else ["224p.mp4", "Labels-ball.json"]
        assert files == expected, game.path


def test_extra_bas_games_have_unique_real_looking_names_and_no_split():
    config = SynthConfig(games=300)
    names = [plan_game(config, i).match for i in range(300)]
    official = {m for matches in OFFICIAL_SPLITS.values() for m in matches}
    assert set(names[:9]) == official
    assert len(set(names)) == len(names)
    for name in names[9:]:
        assert re.fullmatch(r"20\d\d-\d\d-\d\d - [A-Z][A-Za-z ]+ - [A-Z][A-Za-z ]+", name), name
        assert official_split_of(name) is None


def test_a_game_does_not_depend_on_how_many_games_are_made():
    assert plan_game(SynthConfig(games=2), 1) == plan_game(SynthConfig(games=20), 1)


# --- label files ----------------------------------------------------------------------------


def test_label_files_have_the_real_fields_and_exact_positions(bas):
    for game in bas.games:
        if game.label_file is None:
            continue
        raw = json.loads(game.label_file.read_text())
        assert list(raw) == ["UrlLocal", "UrlYoutube", "halftime", "annotations"]
        assert raw["UrlLocal"] == f"england_efl/2019-2020/{game.match}/"
        assert len(raw["annotations"]) == len(game.events) > 0
        for entry, event in zip(raw["annotations"], game.events, strict=True):
            assert sorted(entry) == ["gameTime", "label", "position", "team", "visibility"]
            position = int(entry["position"])
            assert entry["position"] == str(position)
            assert int(position / 1000 * 25) == event.frame  # SoccerNet's frame formula
            minutes, seconds = map(int, entry["gameTime"].removeprefix("1 - ").split(":"))
            assert minutes * 60 + seconds == position // 1000
            assert entry["team"] in ("left", "right")
            assert entry["visibility"] in ("visible", "not shown")
        parsed = read_labels(game.label_file)  # the project's own parser accepts them
        assert [a.frame() for a in parsed.annotations] == [e.frame for e in game.events]


@pytest.mark.parametrize("seed", range(8))
def test_one_minute_games_cover_every_class_and_both_teams(seed):
    config = SynthConfig(seed=seed, games=9)
    for index in range(config.games):
        events = plan_game(config, index).events
        assert {e.label for e in events} == set(BAS.classes)
        assert {e.team for e in events} == set(SIDES)
        frames = [e.frame for e in events]
        assert frames == sorted(frames)
        assert min(np.diff(frames)) >= 40  # 1.6 s apart: events never overlap
        assert frames[0] - SIGNATURE_HALF_LIFE > 0 and frames[-1] + SIGNATURE_HALF_LIFE < 1500


def test_some_events_are_not_shown():
    events = [e for i in range(20) for e in plan_game(SynthConfig(games=20), i).events]
    hidden = sum(e.visibility == "not shown" for e in events) / len(events)
    assert 0.01 < hidden < 0.15


def test_broadcast_plan_covers_17_classes_three_team_values_and_both_halves():
    config = SynthConfig(layout="broadcast", games=4)
    for index in range(config.games):
        plan = plan_game(config, index)
        assert {e.label for e in plan.events} == set(ACTION_SPOTTING.classes)
        assert {e.team for e in plan.events} == {Team.LEFT, Team.RIGHT, Team.NOT_APPLICABLE}
        assert {e.half for e in plan.events} == {1, 2}
        assert all(e.frame < config.frames_per_video for e in plan.events)


def test_broadcast_layout_writes_two_halves_and_labels_v2(tmp_path):
    summary = synthesize_dataset(
        tmp_path / "bc", SynthConfig(layout="broadcast", games=1, **SHORT), progress=False
    )
    (game,) = summary.games
    assert re.fullmatch(r"\d{4}-\d\d-\d\d - \d\d-\d\d [A-Za-z ]+ \d - \d [A-Za-z ]+", game.match)
    assert game.path == tmp_path / "bc" / "england_epl" / "2015-2016" / game.match
    assert sorted(p.name for p in game.path.iterdir()) == ["1_224p.mkv", "2_224p.mkv", "Labels-v2.json"]
    for half in ("1_224p.mkv", "2_224p.mkv"):
        with av.open(str(game.path / half)) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.name, stream.width, stream.height) == ("vp9", 398, 224)
            assert stream.average_rate == 25
        assert len(decode(game.path / half)) == 150
    raw = json.loads((game.path / "Labels-v2.json").read_text())
    assert {"gameHomeTeam", "gameAwayTeam", "gameDate", "gameScore"} <= set(raw)
    halves = {a["gameTime"][0] for a in raw["annotations"]}
    assert halves == {"1", "2"}
    assert all(int(a["position"]) < 150 * 40 for a in raw["annotations"])
    assert all(a["label"] in ACTION_SPOTTING.classes for a in raw["annotations"])


# --- videos ---------------------------------------------------------------------------------


def test_bas_videos_are_vp9_398x224_25fps_with_sparse_keyframes_and_hidden_frames(bas):
    path = bas.games[0].videos[0]
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("vp9", 398, 224)
        assert stream.average_rate == 25
        packets = [p for p in container.demux(stream) if p.size]
    assert [i for i, p in enumerate(packets) if p.is_keyframe] == [0, 100, 200]
    # A VP9 superframe (index byte 0b110xxxxx at its end) carries a hidden alt-ref frame.
    assert any(bytes(p)[-1] & 0xE0 == 0xC0 for p in packets)
    assert len(decode(path)) == 300


def test_h264_videos_have_b_frames(tmp_path):
    summary = synthesize_dataset(
        tmp_path / "h", SynthConfig(games=1, minutes=0.1, codec="h264"), progress=False
    )
    with av.open(str(summary.games[0].videos[0])) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        types = [PictureType(frame.pict_type) for frame in container.decode(video=0)]
    assert len(types) == 150
    assert PictureType.B in types


def test_an_interrupted_encode_leaves_no_file(tmp_path):
    def frames():
        yield np.zeros((224, 398, 3), np.uint8)
        raise KeyboardInterrupt

    target = tmp_path / "224p.mp4"
    with pytest.raises(KeyboardInterrupt):
        write_video(target, frames(), codec="vp9", rate=25, size=(398, 224))
    assert not target.exists() and list(tmp_path.iterdir()) == []  # no temporary file left either


# --- determinism ----------------------------------------------------------------------------


def test_same_seed_same_labels_and_pixels_other_seed_differs(bas, tmp_path):
    again = synthesize_dataset(tmp_path / "again", SynthConfig(games=1, **SHORT), progress=False)
    other = synthesize_dataset(tmp_path / "other", SynthConfig(games=1, seed=1, **SHORT), progress=False)
    first, second, third = bas.games[0], again.games[0], other.games[0]
    assert first.label_file.read_bytes() == second.label_file.read_bytes()
    assert first.label_file.read_bytes() != third.label_file.read_bytes()
    frames_1, frames_2, frames_3 = (decode(g.videos[0]) for g in (first, second, third))
    assert all(np.array_equal(a, b) for a, b in zip(frames_1, frames_2, strict=True))
    assert not np.array_equal(np.stack(frames_1), np.stack(frames_3))


# --- pixels ---------------------------------------------------------------------------------


def _render(events, n_frames=60, stamp=False):
    return VideoRenderer(
        width=398,
        height=224,
        n_frames=n_frames,
        events=events,
        label_set=BAS,
        seed=np.random.SeedSequence([7]),
        stamp_frame_index=stamp,
    )


@pytest.mark.parametrize("team", [Team.LEFT, Team.RIGHT])
def test_signature_lies_on_its_teams_side_and_a_flip_moves_it(team):
    event = PlannedEvent(half=1, frame=30, label="SHOT", team=team, visibility="visible")
    with_event, without = _render([event]).frame(30), _render([]).frame(30)
    columns = np.flatnonzero(np.any(with_event != without, axis=(0, 2)))
    assert len(columns) > 20  # big enough to survive resizing
    left_half = columns.max() < 398 / 2
    right_half = columns.min() >= 398 / 2
    assert (left_half, right_half) == ((True, False) if team is Team.LEFT else (False, True))
    flipped = np.flatnonzero(np.any(with_event[:, ::-1] != without[:, ::-1], axis=(0, 2)))
    assert np.array_equal(np.sort(flipped), np.sort(397 - columns))


def test_signature_peaks_at_its_frame_and_shows_only_nearby():
    event = PlannedEvent(half=1, frame=30, label="PASS", team=Team.LEFT, visibility="visible")
    on, off = _render([event]), _render([])
    reach = SIGNATURE_HALF_LIFE + 2
    strength = {
        d: np.abs(on.frame(30 + d).astype(int) - off.frame(30 + d)).sum() for d in range(-reach, reach + 1)
    }
    outside = SIGNATURE_HALF_LIFE + 1
    assert strength[-reach] == strength[-outside] == strength[outside] == strength[reach] == 0
    for d in range(0, SIGNATURE_HALF_LIFE):
        assert strength[d] > strength[d + 1] > 0
        assert strength[-d] > strength[-d - 1] > 0


def test_every_class_has_a_distinct_shape():
    masks = [signature_mask(i, 49) for i in range(MAX_CLASSES)]
    assert ACTION_SPOTTING.num_classes <= MAX_CLASSES
    for a, b in combinations(masks, 2):
        iou = (a & b).sum() / (a | b).sum()
        assert iou < 0.75


def test_background_moves():
    renderer = _render([])
    assert np.abs(renderer.frame(0).astype(int) - renderer.frame(50)).mean() > 5


# --- frame-index stamp ----------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1, 2, 1234, 153_000, MAX_INDEX])
@pytest.mark.parametrize("size", [(224, 398), (720, 1280), (60, 100)])
def test_stamp_round_trip_in_pixels(index, size):
    frame = np.full((*size, 3), 100, np.uint8)
    draw_frame_index(frame, index)
    assert read_frame_index(frame) == index


def test_unstamped_or_out_of_range_is_refused():
    frame = _render([]).frame(0)
    with pytest.raises(ValueError, match="no frame-index stamp"):
        read_frame_index(frame)
    for band in (0, 255):
        with pytest.raises(ValueError, match="no frame-index stamp"):
            read_frame_index(np.full((224, 398, 3), band, np.uint8))
    with pytest.raises(ValueError, match="out of range"):
        draw_frame_index(frame, MAX_INDEX + 1)


def test_stamp_survives_vp9_and_resizing(tmp_path):
    config = SynthConfig(games=1, minutes=0.1, stamp_frame_index=True, keyframe_interval=50)
    summary = synthesize_dataset(tmp_path / "stamped", config, progress=False)
    frames = decode(summary.games[0].videos[0])
    assert [read_frame_index(f) for f in frames] == list(range(150))
    squeezed = [np.asarray(Image.fromarray(f).resize((224, 224), Image.BILINEAR)) for f in frames[::7]]
    assert [read_frame_index(f) for f in squeezed] == list(range(0, 150, 7))


# --- re-running into a folder ---------------------------------------------------------------


def test_rerun_reuses_rewrites_and_refuses(tmp_path):
    root = tmp_path / "ds"
    config = SynthConfig(games=2, minutes=0.05)
    synthesize_dataset(root, config, progress=False)
    (root / "my notes.txt").write_text("keep me")
    video = root / plan_game(config, 0).relative_dir / "224p.mp4"
    stamp = video.stat().st_mtime_ns

    assert synthesize_dataset(root, config, progress=False).reused
    assert video.stat().st_mtime_ns == stamp

    smaller = SynthConfig(games=1, minutes=0.05, seed=5)
    summary = synthesize_dataset(root, smaller, progress=False)
    assert not summary.reused
    assert not (root / plan_game(config, 1).relative_dir).exists()  # dropped game removed
    assert (root / "my notes.txt").read_text() == "keep me"  # never delete what we did not write
    assert json.loads((root / MANIFEST).read_text())["config"]["seed"] == 5

    video.unlink()  # a damaged dataset is rewritten, not reused
    assert not synthesize_dataset(root, smaller, progress=False).reused and video.exists()

    (root / MANIFEST).unlink()
    with pytest.raises(DatasetError, match="not empty"):
        synthesize_dataset(root, smaller, progress=False)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("layout", "soccer", "layout"),
        ("resolution", 480, "resolution"),
        ("codec", "av1", "codec"),
        ("minutes", 0.01, "minutes"),
        ("events_per_minute", 35, "events_per_minute"),
        ("games", 0, "games"),
    ],
)
def test_config_rejects_bad_options(option, value, message):
    with pytest.raises(ValueError, match=message):
        SynthConfig(**{option: value})


# --- command line ---------------------------------------------------------------------------


def test_cli_synth_prints_summary_and_refuses_foreign_folder(tmp_path):
    out = tmp_path / "my data"
    result = dudek("synth", out, "--games", "1", "--minutes", "0.05", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "2019-10-01 - Leeds United - West Bromwich" in result.stdout
    assert "PLAYER SUCCESSFUL TACKLE" in result.stdout
    assert (
        out / "england_efl" / "2019-2020" / "2019-10-01 - Leeds United - West Bromwich" / "224p.mp4"
    ).is_file()

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("x")
    refused = dudek("synth", foreign, "--no-progress")
    assert refused.returncode == 2
    assert "not empty" in refused.stderr and str(foreign) in refused.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.tex"]
