from cli_runner import dudek
from conftest import annotation

from dudek_dali.data.labels import BAS


def test_info_classes_lists_outputs_in_official_order():
    result = dudek("info", "--classes")
    assert result.returncode == 0, result.stderr
    names = BAS.output_names()
    positions = [result.stdout.index(f" {name} ") for name in names]
    assert positions == sorted(positions)


def test_info_prints_per_class_counts(bas_game, tmp_path):
    bas_game(
        annotations=[
            annotation("PASS", "left", 40),
            annotation("PASS", "right", 200),
            annotation("GOAL", "right", 400),
        ]
    )
    result = dudek("info", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "2019-10-01 - Brentford - Bristol City" in result.stdout
    pass_row = next(line for line in result.stdout.splitlines() if line.strip("│ ").startswith("PASS "))
    assert [c.strip() for c in pass_row.split("│") if c.strip()][1:] == ["1", "1", "0", "2"]


def test_info_fails_on_unknown_class_naming_file_and_label(bas_game, tmp_path):
    game_dir = bas_game(annotations=[annotation("PASS"), annotation("BICYCLE KICK")])
    result = dudek("info", tmp_path / "data")
    assert result.returncode != 0
    assert str(game_dir / "Labels-ball.json") in result.stderr and "'BICYCLE KICK'" in result.stderr
    assert "Traceback" not in result.stderr


def test_info_fails_on_labels_without_video(bas_game, tmp_path):
    bas_game(video=False)
    result = dudek("info", tmp_path / "data")
    assert result.returncode != 0 and "224p.mp4" in result.stderr and "Traceback" not in result.stderr


def test_version_and_help_explain_every_option():
    assert dudek("--version").stdout.startswith("dudek_dali ")
    help_text = dudek("info", "--help").stdout
    for option in ("--layout", "--resolution", "--classes"):
        assert option in help_text
