import numpy as np
import pytest

from dudek_dali.data.labels import ACTION_SPOTTING, BAS, BAS_CLASSES, SIDES, Team


def test_class_orders_match_the_brief():
    assert BAS_CLASSES[0] == "PASS" and BAS_CLASSES[-1] == "GOAL" and len(BAS_CLASSES) == 12
    assert ACTION_SPOTTING.classes[0] == "Penalty" and ACTION_SPOTTING.classes[-1] == "Yellow->red card"
    assert BAS.num_outputs == 25 and ACTION_SPOTTING.num_outputs == 35


@pytest.mark.parametrize("label_set", [BAS, ACTION_SPOTTING])
def test_output_index_round_trips_and_is_a_bijection(label_set):
    seen = set()
    for label in label_set.classes:
        for team in SIDES:
            index = label_set.output_index(label, team)
            assert label_set.decode(index) == (label, team)
            seen.add(index)
    assert seen == set(range(1, label_set.num_outputs))


def test_output_names_follow_index_order():
    names = BAS.output_names()
    assert names[0] == "background"
    assert names[BAS.output_index("SHOT", Team.RIGHT)] == "SHOT-right"
    assert names[BAS.output_index("PASS", Team.LEFT)] == "PASS-left"


@pytest.mark.parametrize("label_set", [BAS, ACTION_SPOTTING])
def test_flip_permutation_swaps_teams_and_is_an_involution(label_set):
    perm = label_set.flip_permutation
    assert perm[0] == 0
    np.testing.assert_array_equal(perm[perm], np.arange(label_set.num_outputs))
    for label in label_set.classes:
        left = label_set.output_index(label, Team.LEFT)
        assert label_set.decode(int(perm[left])) == (label, Team.RIGHT)


def test_team_flip_and_parse():
    assert Team.LEFT.flipped() is Team.RIGHT and Team.RIGHT.flipped() is Team.LEFT
    assert Team.NOT_APPLICABLE.flipped() is Team.NOT_APPLICABLE
    assert Team.parse(" Left ") is Team.LEFT
    with pytest.raises(ValueError, match="'middle'"):
        Team.parse("middle")


def test_unknown_label_and_background_decode_raise():
    with pytest.raises(ValueError, match="'DRIBBLE'"):
        BAS.output_index("DRIBBLE", Team.LEFT)
    with pytest.raises(ValueError):
        BAS.decode(0)
    with pytest.raises(ValueError):
        BAS.output_index("PASS", Team.NOT_APPLICABLE)
