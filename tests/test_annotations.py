import json

import pytest
from conftest import annotation, write_labels

from dudek_dali.data.annotations import read_labels
from dudek_dali.data.labels import ACTION_SPOTTING, BAS, Team
from dudek_dali.errors import LabelFileError

MATCH_DIR = "england_efl/2019-2020/2019-10-01 - Leeds United - West Bromwich"


def test_parses_bas_labels_into_typed_sorted_records(tmp_path):
    path = write_labels(
        tmp_path / MATCH_DIR / "Labels-ball.json",
        [
            annotation("SHOT", "right", 323040, half=2, visibility="not shown"),
            annotation("PASS", "left", 1000),
        ],
    )
    parsed = read_labels(path)
    assert parsed.label_set is BAS
    first, second = parsed.annotations
    assert (first.label, first.team, first.position_ms, first.half) == ("PASS", Team.LEFT, 1000, 1)
    assert second.visibility == "not shown" and second.team is Team.RIGHT and second.half == 2
    assert second.frame(25) == int(323040 / 1000 * 25) == 8076
    assert second.frame(12.5) == 4038


def test_parses_broadcast_labels_with_not_applicable_team(tmp_path):
    path = write_labels(
        tmp_path / "Labels-v2.json",
        [annotation("Kick-off", "not applicable", 5000, half=2), annotation("Goal", "left", 100)],
    )
    parsed = read_labels(path)
    assert parsed.label_set is ACTION_SPOTTING
    assert [a.team for a in parsed.annotations] == [Team.LEFT, Team.NOT_APPLICABLE]


MALFORMED = {
    "bad json": ("{not json", "not valid JSON"),
    "no annotations": (json.dumps({"UrlLocal": ""}), "'annotations' list"),
    "annotation not object": (json.dumps({"annotations": [3]}), "annotation 0: expected an object"),
    "missing key": (json.dumps({"annotations": [{"gameTime": "1 - 00:01", "label": "PASS"}]}), "'position'"),
    "unknown label": (json.dumps({"annotations": [annotation("DRIBBLE")]}), "'DRIBBLE'"),
    "bad team": (json.dumps({"annotations": [annotation(team="middle")]}), "'middle'"),
    "non-numeric position": (
        json.dumps({"annotations": [dict(annotation(), position="12a")]}),
        "non-numeric position '12a'",
    ),
    "negative position": (json.dumps({"annotations": [dict(annotation(), position="-40")]}), "'-40'"),
    "bad gameTime": (json.dumps({"annotations": [dict(annotation(), gameTime="first half")]}), "gameTime"),
    "bad visibility": (json.dumps({"annotations": [dict(annotation(), visibility="hidden")]}), "'hidden'"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_label_files_name_the_file_and_the_problem(tmp_path, case):
    text, expected = MALFORMED[case]
    path = tmp_path / MATCH_DIR / "Labels-ball.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(LabelFileError) as err:
        read_labels(path)
    message = str(err.value)
    assert str(path) in message and expected in message


def test_bad_entry_is_reported_with_its_index(tmp_path):
    entries = [annotation(), annotation(), annotation("NOPE")]
    path = write_labels(tmp_path / "Labels-ball.json", entries)
    with pytest.raises(LabelFileError, match="annotation 2: unknown bas label 'NOPE'"):
        read_labels(path)


def test_missing_label_file(tmp_path):
    with pytest.raises(LabelFileError, match="not found"):
        read_labels(tmp_path / "Labels-ball.json")
