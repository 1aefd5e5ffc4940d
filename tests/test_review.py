"""``dudek review`` without a browser: the marks come from the official matching, the page holds
what the spot folder holds, the video and labels are found, and the static outputs say only what
is true (timeline legend, overlay captions). The page itself is driven in test_review_browser.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from cli_runner import dudek
from official_scorer import columns, dense_predictions, dense_truth
from review_fixtures import page_data
from SoccerNet.Evaluation.ActionSpotting import compute_class_scores
from spotting_data import as_annotations, as_predictions, noisy_predictions, random_labels

from dudek_dali.data.annotations import read_labels
from dudek_dali.errors import DatasetError, VideoError
from dudek_dali.inference.overlay import _draw
from dudek_dali.spotting.metric import match_game
from dudek_dali.spotting.plots import timeline_figure
from dudek_dali.spotting.review import write_review
from dudek_dali.spotting.spotted import SpottedEvent, read_events_csv

RADIUS = 12  # frames: the 1 s tolerance is +-0.5 s at 25 fps, as the scorer floors it


@pytest.mark.parametrize("team", [True, False], ids=["team-aware", "team-ignored"])
def test_marks_are_the_official_scorers_true_positives(team):
    rng = np.random.default_rng(7 + team)
    for _ in range(4):
        labels = random_labels(rng, 120, game_ms=8 * 60_000)
        document = noisy_predictions(rng, labels, false_positives=80)
        truth, predictions = as_annotations(labels), as_predictions(document)
        matches = match_game(truth, predictions, team_aware=team)
        target, detection = dense_truth(labels, team=team), dense_predictions(document, team=team)
        name = [f"{p.label}-{p.team.value}" if team else p.label for p in predictions]
        frame = [p.frame() for p in predictions]
        for column, c in columns(team=team).items():
            official, *_ = compute_class_scores(target[:, c], np.zeros(len(target)) - 1, detection[:, c], 25)
            # the prediction the scorer keeps on each cell is the last one written there
            last = {frame[i]: i for i in range(len(predictions)) if name[i] == column}
            ours = [matches.label_of[last[f]] >= 0 for f in sorted(last)]
            np.testing.assert_array_equal(ours, official[:, 1].astype(bool), err_msg=column)
            hidden = [i for i in range(len(predictions)) if name[i] == column and last[frame[i]] != i]
            assert all(matches.label_of[i] == -1 for i in hidden)
        for i, j in enumerate(matches.label_of):  # each pair: same column, within the radius, both ways
            if j >= 0:
                assert matches.prediction_of[j] == i
                assert truth[j].label == predictions[i].label
                assert not team or truth[j].team is predictions[i].team
                assert abs(truth[j].frame() - predictions[i].frame()) <= RADIUS
        assert sorted(matches.prediction_of[matches.prediction_of >= 0]) == sorted(
            np.flatnonzero(matches.label_of >= 0)
        )


def test_the_page_holds_every_event_and_the_counts_the_label_changes_imply(review_case, tmp_path):
    spot_dir = _copy(review_case.spot_dir, tmp_path)
    review = write_review(spot_dir, labels=review_case.labels)
    counts = {k: getattr(review, k) for k in review_case.expected}
    assert counts == review_case.expected
    data = page_data(review.page)
    csv_events = read_events_csv(spot_dir / "events.csv")
    assert len(data["events"]) == len(csv_events) == review.events
    assert [(e["label"], e["team"], e["frame"]) for e in data["events"]] == [
        (e.label, e.team, e.frame) for e in csv_events
    ]
    assert [e["ms"] for e in data["events"]] == [round(e.time_s * 1000) for e in csv_events]
    missed = sorted(t["ms"] for t in data["labels"]["events"] if t["pred"] < 0)
    assert missed == review_case.missed_ms
    # the page plays the source video by a relative URL (its path has spaces)
    assert " " in str(review_case.game.videos[0].path)
    assert (review.page.parent / unquote(data["video"])).resolve() == review_case.game.videos[
        0
    ].path.resolve()
    assert data["threshold"] == 0.2 and data["duration"] == pytest.approx(30.0)


def test_the_video_is_the_one_given_else_spot_json_else_the_overlay(review_case, tmp_path):
    spot_dir = _copy(review_case.spot_dir, tmp_path)
    source = review_case.game.videos[0].path
    assert write_review(spot_dir).video == source
    other = shutil.copy(source, tmp_path / "other name.mp4")
    assert write_review(spot_dir, video=other).video == Path(other)
    (spot_dir / "spot.json").unlink()
    assert write_review(spot_dir).video == spot_dir / "overlay.mp4"
    (spot_dir / "overlay.mp4").unlink()
    with pytest.raises(VideoError, match="no overlay.mp4; name the video with --video PATH"):
        write_review(spot_dir)
    with pytest.raises(VideoError, match="missing.mp4: video not found"):
        write_review(spot_dir, video=tmp_path / "missing.mp4")


def test_a_moved_source_video_falls_back_to_the_overlay_and_bad_spot_json_is_named(review_case, tmp_path):
    spot_dir = _copy(review_case.spot_dir, tmp_path)
    record = json.loads((spot_dir / "spot.json").read_text())
    (spot_dir / "spot.json").write_text(json.dumps({**record, "video": str(tmp_path / "gone.mp4")}))
    assert write_review(spot_dir).video == spot_dir / "overlay.mp4"
    (spot_dir / "spot.json").write_text(json.dumps({**record, "fps": "25"}))
    with pytest.raises(DatasetError, match=r"spot.json: 'fps' must be a number, got '25'"):
        write_review(spot_dir)
    (spot_dir / "results_spotting.json").unlink()
    with pytest.raises(DatasetError, match="no results_spotting.json"):
        write_review(spot_dir)


def test_the_labels_beside_a_soccernet_video_are_used(review_case, tmp_path):
    """Spotting a game in SoccerNet's layout: its own Labels-ball.json marks the events (all hits)."""
    review = write_review(_copy(review_case.spot_dir, tmp_path))
    assert review.labels == review_case.game.labels.path
    assert review.hits == review.events == review.found and review.missed == review.false_alarms == 0


def test_cli_writes_the_page_and_names_a_folder_without_results(review_case, tmp_path):
    spot_dir = _copy(review_case.spot_dir, tmp_path)
    done = dudek("review", spot_dir, "--labels", review_case.labels)
    assert done.returncode == 0, done.stderr
    e = review_case.expected
    assert f"{e['hits']} hits, {e['wrong_team']} wrong team, {e['false_alarms']} false alarms" in done.stdout
    assert f"{e['found']} labels found, {e['missed']} missed" in done.stdout
    assert (spot_dir / "review.html").as_uri() in done.stdout
    failed = dudek("review", tmp_path)
    assert failed.returncode == 2
    assert (
        failed.stderr.strip()
        == f"error: {tmp_path}: no results_spotting.json (expected a folder dudek spot wrote)"
    )


def test_the_timeline_legend_names_only_what_is_drawn(review_case):
    truth = read_labels(review_case.labels).annotations
    predictions = as_predictions(json.loads((review_case.spot_dir / "results_spotting.json").read_text()))
    unlabelled = _legend(timeline_figure("g", [], predictions, min_confidence=0.0))
    assert not any("truth" in text for text in unlabelled)
    left = [p for p in predictions if p.team.value == "left"]
    lowest, highest = min(p.confidence for p in left), max(p.confidence for p in left)
    assert f"predicted left: {len(left)}, conf {lowest:.2f}-{highest:.2f}" in unlabelled
    sure = [p for p in left if p.confidence >= 0.5]
    labelled = _legend(timeline_figure("g", truth, predictions, min_confidence=0.5))
    assert f"predicted left: {len(sure)} with conf >= 0.5" in labelled
    assert f"truth left: {sum(a.team.value == 'left' for a in truth)}" in labelled


def test_overlay_captions_scale_with_the_video_height_and_never_overlap():
    tackle = SpottedEvent(1.0, 25, "PLAYER SUCCESSFUL TACKLE", "right", 0.23)
    shot = SpottedEvent(1.0, 25, "SHOT", "left", 0.65)
    rows = {}
    for height, width in ((224, 398), (720, 1280)):
        for name, events in {"one": [shot], "two": [tackle, shot]}.items():
            grass = np.full((height, width, 3), (40, 120, 40), np.uint8)
            changed = np.flatnonzero((_draw(grass, events, 1.0) != grass).any(axis=(1, 2)))
            assert changed.max() >= 0.95 * height  # along the bottom
            rows[height, name] = changed.max() - changed.min() + 1
    assert rows[224, "one"] >= 14  # a caption line is >= 14 px even at 224p
    assert rows[720, "one"] / rows[224, "one"] == pytest.approx(720 / 224, rel=0.2)
    assert rows[224, "two"] >= 2 * rows[224, "one"]  # too wide side by side: stacked, not drawn over
    pass_ = SpottedEvent(1.0, 25, "PASS", "right", 0.9)
    grass = np.full((720, 1280, 3), (40, 120, 40), np.uint8)
    changed = np.flatnonzero((_draw(grass, [pass_, shot], 1.0) != grass).any(axis=(1, 2)))
    assert changed.max() - changed.min() + 1 == rows[720, "one"]  # short ones side by side, one line


def _copy(spot_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(spot_dir, tmp_path / "spot" / spot_dir.name))


def _legend(fig) -> list[str]:
    import matplotlib.pyplot as plt

    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    plt.close(fig)
    return texts
