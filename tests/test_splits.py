from types import SimpleNamespace

import pytest

from dudek_dali.data.splits import OFFICIAL_SPLITS, official_split, official_split_of, random_split


def _game(match):
    return SimpleNamespace(match=match, url_local=f"england_efl/2019-2020/{match}")


def test_official_split_by_match_folder():
    assert official_split_of("2019-10-01 - Middlesbrough - Preston North End") == "valid"
    assert official_split_of("2019-10-02 - Cardiff City - Queens Park Rangers") == "challenge"
    assert official_split_of("2020-01-01 - Somebody - Else") is None
    games = [_game(m) for matches in OFFICIAL_SPLITS.values() for m in matches]
    sizes = {split: len(official_split(games, split)) for split in OFFICIAL_SPLITS}
    assert sizes == {"train": 4, "valid": 1, "test": 2, "challenge": 2}


def test_random_split_is_seeded_disjoint_and_order_independent():
    games = [_game(f"2019-10-0{i} - A{i} - B{i}") for i in range(9)]
    a = random_split(games, [5, 2, 2], seed=3)
    b = random_split(list(reversed(games)), [5, 2, 2], seed=3)
    assert [[g.match for g in group] for group in a] == [[g.match for g in group] for group in b]
    assert sorted(g.match for group in a for g in group) == sorted(g.match for g in games)
    other = random_split(games, [5, 2, 2], seed=4)
    assert [g.match for g in other[0]] != [g.match for g in a[0]]
    with pytest.raises(ValueError):
        random_split(games, [8, 2], seed=0)
