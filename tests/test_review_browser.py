"""The review page in a real browser: Debian's ``chromium`` driven by ``chromedriver`` through selenium.

``bash scripts/test`` installs both with apt where it runs as root; elsewhere (no browser) these
tests skip and say why. What is checked is what a reviewer does: the list holds every event of
``events.csv``; a click seeks the video to the event, and the frame it shows is the event's own
(read from the frame index stamped into its pixels) for the VP9 source and the H.264 overlay
alike; the filters show what ``events.csv`` says they should; keyboard decisions survive a reload;
``m`` steps through exactly the labels the changed ground truth leaves unfound; and the export is
a ``Labels-ball.json`` that ``dudek info``, ``dudek evaluate`` and the training reader take.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from browser import READ_PIXELS, missing_browser, start_chromium
from cli_runner import dudek
from review_fixtures import copy_as_game, page_data

from dudek_dali.clips.videos import video_entries
from dudek_dali.data.annotations import read_labels
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import read_frame_index
from dudek_dali.spotting.predictions import game_time
from dudek_dali.spotting.review import write_review
from dudek_dali.spotting.spotted import read_events_csv

pytestmark = pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser()))


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads, tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("profile"), downloads=downloads, flags=[READ_PIXELS])
    yield driver
    driver.quit()


@pytest.fixture
def page(review_case, tmp_path) -> Path:
    """A review page in a folder of its own (decisions are stored per page path)."""
    spot_dir = Path(shutil.copytree(review_case.spot_dir, tmp_path / "spot" / review_case.spot_dir.name))
    return write_review(spot_dir, labels=review_case.labels).page


@pytest.mark.parametrize("video", ["source", "overlay"], ids=["vp9-source", "h264-overlay"])
def test_every_event_is_listed_and_a_click_shows_its_frame(browser, review_case, tmp_path, video):
    spot_dir = Path(shutil.copytree(review_case.spot_dir, tmp_path / "spot" / "224p"))
    shown = None if video == "source" else spot_dir / "overlay.mp4"
    review = write_review(spot_dir, labels=review_case.labels, video=shown)
    codec = "vp9" if video == "source" else "h264"
    assert _codec(review.video) == codec
    events = read_events_csv(spot_dir / "events.csv")
    _open(browser, review.page)
    rows = _rows(browser)
    assert len(rows) == len(events) == int(_text(browser, "n-total"))
    for i in (3, len(events) - 1, 0):
        rows[i].click()
        _wait(browser, "const v = document.getElementById('video'); return !v.seeking && v.readyState >= 2")
        assert _video(browser, "currentTime") == pytest.approx(events[i].time_s, abs=1e-6)
        assert read_frame_index(_frame(browser)) == events[i].frame, (codec, i)
        assert "selected" in _rows(browser)[i].get_attribute("class")


def test_a_video_the_browser_cannot_play_is_named_on_the_page(browser, review_case, tmp_path):
    spot_dir = Path(shutil.copytree(review_case.spot_dir, tmp_path / "spot" / "224p"))
    notes = spot_dir / "match notes.mp4"
    notes.write_text("not a video, notes about one\n" * 50)
    browser.get(write_review(spot_dir, video=notes).page.as_uri())
    _wait(browser, "return !document.getElementById('video-problem').hidden")
    problem = _text(browser, "video-problem")
    assert "cannot load or play match notes.mp4" in problem and "--video PATH" in problem
    assert len(_rows(browser)) == len(read_events_csv(spot_dir / "events.csv"))  # the list still works


def test_filters_show_what_events_csv_says(browser, page):
    from selenium.webdriver.support.ui import Select

    events = read_events_csv(page.parent / "events.csv")
    _open(browser, page)
    label = events[4].label
    Select(browser.find_element("id", "f-class")).select_by_value(label)
    assert len(_rows(browser)) == sum(e.label == label for e in events) == int(_text(browser, "n-shown"))
    Select(browser.find_element("id", "f-class")).select_by_value("")
    Select(browser.find_element("id", "f-team")).select_by_value("left")
    assert len(_rows(browser)) == sum(e.team == "left" for e in events)
    Select(browser.find_element("id", "f-team")).select_by_value("")
    _type(browser, "f-conf", "0.62")
    assert len(_rows(browser)) == sum(e.confidence >= 0.62 for e in events)
    assert 0 < len(_rows(browser)) < len(events)
    shown = [row.find_elements("tag name", "td")[4].text for row in _rows(browser)]
    assert all(float(c) >= 0.62 for c in shown)


def test_keyboard_decisions_survive_a_reload(browser, page, review_case):
    _open(browser, page)
    _keys(browser, "j", "r", "j", "a", "j", "c", "t")
    rows = _rows(browser)
    assert "rejected" in rows[0].get_attribute("class")
    events = read_events_csv(page.parent / "events.csv")
    assert rows[2].find_elements("tag name", "td")[3].text != events[2].team  # team switched
    assert (_text(browser, "n-rejected"), _text(browser, "n-accepted")) == ("1", "2")  # a correction accepts
    browser.refresh()
    _wait(browser, "return document.querySelectorAll('#list tbody tr').length > 0")
    assert (_text(browser, "n-rejected"), _text(browser, "n-accepted")) == ("1", "2")
    assert "rejected" in _rows(browser)[0].get_attribute("class")


def test_counts_and_misses_follow_the_changed_labels(browser, page, review_case):
    _open(browser, page)
    total = [td.text for td in browser.find_elements("css selector", "#counts-total td")]
    e = review_case.expected
    labels = e["found"] + e["missed"]
    predicted = e["hits"] + e["wrong_team"] + e["false_alarms"]
    expected = [
        "all",
        labels,
        e["found"],
        e["missed"],
        predicted,
        e["hits"],
        e["wrong_team"],
        e["false_alarms"],
    ]
    assert total == [str(v) for v in expected]
    marks = [row.find_elements("tag name", "td")[5].text for row in _rows(browser)]
    assert (marks.count("hit"), marks.count("wrong team"), marks.count("false alarm")) == (
        e["hits"], e["wrong_team"], e["false_alarms"],
    )  # fmt: skip
    visited = []
    for _ in range(len(review_case.missed_ms) + 1):
        _keys(browser, "m")
        _wait(browser, "return !document.getElementById('video').seeking")
        visited.append(round(_video(browser, "currentTime") * 1000))
    assert visited == [*review_case.missed_ms, review_case.missed_ms[0]]  # in time order, then round again


def test_the_export_is_labels_that_info_evaluate_and_training_read(
    browser, page, review_case, downloads, tmp_path
):
    events = read_events_csv(page.parent / "events.csv")
    _open(browser, page)
    browser.find_element("id", "accept-shown").click()
    exported = _export(browser, downloads, tmp_path / "first" / "Labels-ball.json")
    annotations = json.loads(exported.read_text())["annotations"]
    assert [(int(a["position"]), a["label"], a["team"]) for a in annotations] == [
        (round(e.time_s * 1000), e.label, e.team) for e in events
    ]
    assert all(
        a["gameTime"] == game_time(int(a["position"])) and a["visibility"] == "visible" for a in annotations
    )
    assert len(read_labels(exported).annotations) == len(events)

    root = tmp_path / "my games"
    copy_as_game(review_case.game.videos[0].path, exported, root)
    info = dudek("info", root)
    assert info.returncode == 0, info.stderr
    assert f"{events[0].label}" in info.stdout and "Reviewed - Game" in info.stdout
    (game,) = discover_games(root).games
    (entry,) = video_entries([game])
    assert sorted(entry.events.frames.tolist()) == sorted(
        int(int(a["position"]) / 1000 * 25) for a in annotations
    )
    scored = dudek("evaluate", exported, page.parent / "results_spotting.json", "--json")
    assert scored.returncode == 0, scored.stderr
    classes = {e.label for e in events}
    # the spotted events, scored against themselves: AP 1 for each class present, 0 for the others
    assert json.loads(scored.stdout)["team_map_at1"] == pytest.approx(len(classes) / 12)

    # corrections: reject the 2nd event, make the 4th the next class and the other team, add one
    rows = _rows(browser)
    rows[1].click()
    _keys(browser, "r")
    rows[3].click()
    _keys(browser, "c", "t")
    browser.execute_script("document.getElementById('video').currentTime = 1.5")
    _wait(browser, "return !document.getElementById('video').seeking")
    _keys(browser, "n")
    corrected = read_labels(_export(browser, downloads, tmp_path / "second" / "Labels-ball.json")).annotations
    classes = list(page_data(page)["classes"])
    want = [(round(e.time_s * 1000), e.label, e.team) for i, e in enumerate(events) if i != 1]
    fourth = events[3]
    want[2] = (
        want[2][0],
        classes[(classes.index(fourth.label) + 1) % 12],
        "left" if fourth.team == "right" else "right",
    )
    want.append((1500, want[2][1], want[2][2]))  # added with the selected event's class and team
    assert sorted((a.position_ms, a.label, a.team.value) for a in corrected) == sorted(want)


# --- driving the page ------------------------------------------------------------------------------


def _open(browser, page: Path) -> None:
    browser.get(page.as_uri())
    _wait(browser, "return document.getElementById('video').readyState >= 1 && "
                   "document.querySelectorAll('#list tbody tr').length > 0")  # fmt: skip


def _wait(browser, script: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not browser.execute_script(script):
        if time.monotonic() > deadline:
            problem = browser.execute_script("return document.getElementById('video-problem').textContent")
            raise AssertionError(f"timed out waiting for: {script} ({problem})")
        time.sleep(0.05)


def _rows(browser):
    return browser.find_elements("css selector", "#list tbody tr")


def _text(browser, element_id: str) -> str:
    return browser.find_element("id", element_id).text


def _video(browser, name: str):
    return browser.execute_script(f"return document.getElementById('video').{name}")


def _keys(browser, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for key in keys:
        ActionChains(browser).send_keys(key).perform()


def _type(browser, element_id: str, text: str) -> None:
    box = browser.find_element("id", element_id)
    box.clear()
    box.send_keys(text)


def _frame(browser) -> np.ndarray:
    """The frame the video shows, at its own size, as RGB."""
    from PIL import Image

    url = browser.execute_script(
        "const v = document.getElementById('video'), c = document.createElement('canvas');"
        "c.width = v.videoWidth; c.height = v.videoHeight; c.getContext('2d').drawImage(v, 0, 0);"
        "return c.toDataURL('image/png');"
    )
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))


def _export(browser, downloads: Path, target: Path) -> Path:
    """Click Export; the downloaded file moved to ``target`` (a browser numbers repeated names)."""
    browser.find_element("id", "export").click()
    deadline = time.monotonic() + 10
    while not (done := list(downloads.glob("*.json"))):  # complete downloads only (not .crdownload)
        assert time.monotonic() < deadline, "no download appeared"
        time.sleep(0.05)
    (download,) = done
    assert download.name == "Labels-ball.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.move(download, target))


def _codec(path: Path) -> str:
    import av

    with av.open(str(path)) as container:
        return container.streams.video[0].codec_context.name
