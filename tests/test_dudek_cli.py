"""dude-k's command lines (``bas-frame-extract``, ``bas-tdeed-train``) as aliases of ours.

The option lists and defaults come from dude-k's own source (``dudek/scripts/*.py`` of the
installed ``dude.k`` 0.1.1, read with ``ast``, never imported: it imports wandb and OpenCV at the
top) plus the options its README's ``--help`` listings show. The slow test runs the README's
command lines, verbatim apart from paths and sizes, on a synthetic dataset.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import types
import zipfile
from pathlib import Path
from typing import Any

import pytest
import typer.main
from dudek_reference import dudek_folder_clips
from typer.testing import CliRunner

from dudek_dali.cli.train_options import TRAIN_OPTIONS, train_config
from dudek_dali.compat import options as dudek_compat
from dudek_dali.compat.commands import frame_extract_app, tdeed_train_app
from dudek_dali.data.games import Game, discover_games, load_game
from dudek_dali.errors import DudekError
from dudek_dali.frames import ExtractionConfig, extract_frames, folder_clips, frames_dir
from dudek_dali.train.config import TrainConfig
from dudek_dali.train.tensorboard import RunLogger
from dudek_dali.train.wandb_logger import open_wandb_run, require_wandb, step_metric

APPS = {"bas-frame-extract": frame_extract_app, "bas-tdeed-train": tdeed_train_app}
ENTRY = {"bas-frame-extract": "frame_extract_main", "bas-tdeed-train": "tdeed_train_main"}
# Options the README's --help listings show that dude-k 0.1.1's code does not declare.
README_ONLY = {"pretrain": {"save_every_epoch", "wandb_experiment_name"}}
# Click constants dude-k's defaults name (dudek/config.py).
CONSTANTS = {"EXPERIMENTS_RANDOM_SEED": 42, "TEST_SET_CHALLENGE_SEED": 116}
# Defaults of dude-k we deliberately do not copy (README "Differences from dude-k").
KEPT_OURS = {("train-challenge", "experiment_name")}  # dude-k: None (runs/None_<time>)


def dudek_source(name: str) -> Path:
    spec = importlib.util.find_spec("dudek")
    assert spec is not None and spec.submodule_search_locations, "dude.k is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "scripts" / f"{name}.py"


def dudek_options(script: str) -> dict[str, dict[str, Any]]:
    """``{command: {option: default}}`` of a dude-k click script, from its source."""
    tree = ast.parse(dudek_source(script).read_text())
    commands = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        options = {}
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "option":
                name = decorator.args[0].value.lstrip("-")  # type: ignore[attr-defined]
                default = next((k.value for k in decorator.keywords if k.arg == "default"), None)
                if isinstance(default, ast.Name):
                    options[name] = CONSTANTS[default.id]
                else:
                    options[name] = ast.literal_eval(default) if default is not None else None
        if options:
            commands[node.name.replace("_", "-")] = options
    return commands


def accepted(app: typer.Typer, command: str) -> dict[str, Any]:
    """Every spelling the alias command accepts -> its click parameter."""
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    return {name: p for p in click_command.params for name in (*p.opts, *p.secondary_opts)}


def run_alias(script: str, *args: str, cwd: Path | None = None, env: dict | None = None):
    """The console script ``script`` in a subprocess, as a user runs it."""
    code = f"from dudek_dali.compat.commands import {ENTRY[script]} as main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True, text=True, timeout=600, cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize(("script", "name"), [("tdeed", "bas-tdeed-train"), ("extract", "bas-frame-extract")])
def test_every_dudek_option_is_accepted_in_both_spellings(script: str, name: str) -> None:
    commands = dudek_options(script)
    assert set(commands) == set(typer.main.get_command(APPS[name]).commands)  # type: ignore[attr-defined]
    for command, options in commands.items():
        names = accepted(APPS[name], command)
        for option in {*options, *README_ONLY.get(command, ())}:
            assert f"--{option}" in names, (command, option)
            assert f"--{option.replace('_', '-')}" in names, (command, option)


def config_value(config: TrainConfig, option: str) -> Any:
    """The value the command line's ``option`` set in ``config`` (its first target field)."""
    (found,) = [o for o in TRAIN_OPTIONS if o.name == option]
    value: Any = config
    for part in found.targets[0].split("."):
        value = getattr(value, part)
    return value


def as_config_value(option: str, value: Any) -> Any:
    """What dude-k's ``value`` of ``option`` becomes in a config (0 s of radius: None, a 5x5 blur: its
    probability)."""
    (found,) = [o for o in TRAIN_OPTIONS if o.name == option]
    return found.convert(value) if found.convert else value


@pytest.mark.parametrize("command", ["pretrain", "train", "train-challenge"])
def test_training_aliases_have_dudeks_defaults(command: str) -> None:
    config = train_config(command, {"dataset_path": "d"}, defaults=dudek_compat.TRAIN_DEFAULTS.get(command))
    for option, default in dudek_options("tdeed")[command].items():
        if option == "dataset_path" or (command, option) in KEPT_OURS:
            continue
        ours = config_value(config, option)
        expected = as_config_value(option, default)
        assert (str(ours) if isinstance(ours, Path) else ours) == expected, option


def test_create_solution_defaults_are_dudeks() -> None:
    names = accepted(tdeed_train_app, "create-solution")
    expected = dudek_options("tdeed")["create-solution"]
    assert names["--model_checkpoint_path"].default == Path(expected["model_checkpoint_path"])
    assert names["--solution_archive_file_base_name"].default == expected["solution_archive_file_base_name"]
    assert names["--val_batch_size"].default == expected["val_batch_size"]
    assert dudek_compat.SolutionOptions().archive == Path("solution.zip")  # shutil.make_archive("solution")


HELP_PATHS = [(n, c) for n, app in APPS.items() for c in typer.main.get_command(app).commands]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", HELP_PATHS + [(n,) for n in APPS])
def test_help_fits_80_columns(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(
        APPS[path[0]], [*path[1:], "--help"], env={"COLUMNS": "80"}, terminal_width=80
    )
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if len(line) > 80] == []


def test_aliases_read_frame_folders_unless_told_to_decode() -> None:
    assert dudek_compat.dudek_train_config("train", {"dataset_path": "d"}).data.source == "frames"
    decoded = dudek_compat.dudek_train_config("train", {"dataset_path": "d", "source": "dali-cpu"})
    assert decoded.data.source == "dali-cpu"
    result = CliRunner().invoke(tdeed_train_app, ["train", "--dataset_path", "/nowhere", "--decode-on-cpu",
                                                  "--decode-on-gpu"])  # fmt: skip
    assert result.exit_code == 2 and "give the video source once" in result.output


def challenge_config(**values: Any) -> TrainConfig:
    """``bas-tdeed-train train-challenge`` as its CLI builds it (with the alias's defaults)."""
    defaults = dudek_compat.TRAIN_DEFAULTS["train-challenge"]
    return dudek_compat.dudek_train_config("train-challenge", {"dataset_path": "d", **defaults, **values})


def test_train_challenge_starts_from_tdeed_pretrained_by_default(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DudekError, match=r"tdeed_pretrained.pt: checkpoint not found; bas-tdeed-train"):
        challenge_config()
    (tmp_path / "tdeed_pretrained.pt").write_bytes(b"")
    assert challenge_config().run.start_from == Path("tdeed_pretrained.pt")
    for empty in ("", Path("")):  # dude-k's `--model_checkpoint_path ''`: no checkpoint
        assert challenge_config(model_checkpoint_path=empty).run.start_from is None
    assert train_config("train-challenge", {"dataset_path": "d"}).run.start_from is None


def test_cli_errors_are_one_line_with_exit_code_2(synth_bas: Path, tmp_path: Path) -> None:
    data = f"--dataset_path={synth_bas}"
    cases = [
        (("bas-tdeed-train", "train-challenge", data), "tdeed_pretrained.pt: checkpoint not found"),
        (
            ("bas-frame-extract", "extract-bas-frames", data, "--grayscale=true"),
            "--grayscale true: grayscale",
        ),
        (("bas-tdeed-train", "create-solution", data, "--grayscale", "true"), "--grayscale true"),
        (("bas-tdeed-train", "create-solution", data), "tdeed_challenge.pt: checkpoint not found"),
    ]
    for args, message in cases:
        result = run_alias(*args, cwd=tmp_path)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and message in lines[0], (args, result.stderr)
    assert not any(tmp_path.iterdir())


def test_create_solution_checks_the_architecture_against_the_checkpoint() -> None:
    from dudek_dali.model.config import TDeedConfig

    architecture = {"features_model_name": "regnety_008", "temporal_shift_mode": "gsf", "n_layers": 2}
    model = types.SimpleNamespace(config=TDeedConfig(clip_frames=80, sgp_ks=5, sgp_k=4, **architecture))
    given = {"clip_frames_count": 80, "t_deed_arch_n_layers": 2, "features_model_name": None}
    dudek_compat.check_architecture("m.pt", model, given)  # type: ignore[arg-type]
    message = "m.pt: the model was trained with t_deed_arch_sgp_k 4, --t_deed_arch_sgp_k asks for 3"
    with pytest.raises(DudekError, match=message):
        dudek_compat.check_architecture("m.pt", model, {"t_deed_arch_sgp_k": 3})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="solution_archive_file_base_name"):
        dudek_compat.SolutionOptions(archive_base_name="")


def test_frame_extraction_alias_maps_width_and_height(synth_bas: Path, tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(synth_bas, root)
    result = run_alias(
        "bas-frame-extract", "extract-bas-frames", f"--dataset_path={root}", "--resolution=224", "--stride=2",
        "--frame_target_width=64", "--frame_target_height=48", "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for game in discover_games(root).games:
        manifest = (frames_dir(game.videos[0].path) / "manifest.json").read_text()
        assert '"width": 64' in manifest and '"height": 48' in manifest and '"stride": 2' in manifest


# --- Weights & Biases ---------------------------------------------------------------------------


class FakeRun:
    def __init__(self, **init: Any) -> None:
        self.init, self.logged, self.metrics, self.finished = init, [], [], False

    def define_metric(self, name: str, step_metric: str | None = None) -> None:
        self.metrics.append((name, step_metric))

    def log(self, values: dict) -> None:
        self.logged.append(values)

    def finish(self) -> None:
        self.finished = True


@pytest.fixture
def fake_wandb(monkeypatch):
    module = types.ModuleType("wandb")
    module.runs = []  # type: ignore[attr-defined]

    def init(**kwargs):
        run = FakeRun(**kwargs)
        module.runs.append(run)  # type: ignore[attr-defined]
        return run

    module.init = init  # type: ignore[attr-defined]
    module.Settings = lambda **kwargs: kwargs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wandb", module)
    return module


def test_missing_wandb_is_one_clear_line(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "wandb", None)  # import wandb raises ImportError
    message = "--use_wandb: the wandb package is not installed; pip install 'dudek_dali[wandb]'"
    with pytest.raises(DudekError, match=re.escape(message)):
        require_wandb()


def test_wandb_gets_the_tensorboard_scalars_on_their_own_axes(fake_wandb, tmp_path) -> None:
    config = train_config("pretrain", {"dataset_path": "d", "log_dir": tmp_path / "tb", "use_wandb": True})
    logger = RunLogger(config.run.run_dir, wandb=open_wandb_run(config))
    run = fake_wandb.runs[0]
    assert run.init["project"] == "tdeed_pretraining" and run.init["name"] == "tdeed_pretraining"
    assert run.init["dir"] == str(tmp_path / "tb") and run.init["config"]["run"]["use_wandb"] is True
    logger.scalars({"train/loss": 2.0, "train/lr": float("nan")}, 1)
    logger.scalars({"epoch/val_loss": 0.5, "ap/PASS": 0.25}, 0)
    logger.close()
    assert run.logged == [{"train/loss": 2.0, "train/step": 1}, {"epoch/val_loss": 0.5, "epoch/step": 0},
                          {"ap/PASS": 0.25, "ap/step": 0}]  # fmt: skip
    assert ("train/*", "train/step") in run.metrics and run.finished
    assert step_metric("epoch/val_map") == "epoch/step"


def test_training_logs_the_same_scalars_to_wandb_and_tensorboard(fake_wandb, synth_bas, tmp_path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from dudek_dali.train.api import train_model

    config = train_config("train", dict(
        dataset_path=synth_bas, source="dali-cpu", pretrained=False,
        features_model_name="regnety_002", temporal_shift_mode="none", clip_frames_count=8, nr_epochs=1,
        enforce_train_epoch_size=4, train_batch_size=2, input_size=(64, 64), eval_metric="loss",
        enforce_val_epoch_size=2, val_batch_size=2, device="cpu", progress=False,
        save_as=tmp_path / "m.pt", log_dir=tmp_path / "tb", wandb_experiment_name="bas",
    ))  # fmt: skip
    train_model(config)
    (run,) = fake_wandb.runs
    assert run.init["project"] == "bas" and run.finished
    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()
    tensorboard = {(tag, e.step): e.value for tag in events.Tags()["scalars"] for e in events.Scalars(tag)}
    logged = {(tag, row[step_metric(tag)]): value for row in run.logged for tag, value in row.items()
              if not tag.endswith("/step")}  # fmt: skip
    assert logged.keys() == tensorboard.keys() and len(logged) > 10
    assert all(logged[k] == pytest.approx(tensorboard[k], rel=1e-6) for k in logged)


def test_wandb_offline_run_writes_its_files_without_network(tmp_path, monkeypatch) -> None:
    pytest.importorskip("wandb")
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    config = train_config("train", {"dataset_path": "d", "log_dir": tmp_path / "tb", "use_wandb": True})
    logger = RunLogger(config.run.run_dir, wandb=open_wandb_run(config))
    logger.scalars({"train/loss": 1.5, "train/lr": 0.001}, 1)
    logger.scalars({"epoch/val_map": 0.25}, 0)
    logger.close()
    (history,) = (tmp_path / "tb" / "wandb").glob("offline-run-*/run-*.wandb")
    wanted = (b"train/loss", b"epoch/val_map", b"train/step")
    deadline = time.monotonic() + 30  # W&B's service writes the file behind finish(), later under load
    while not all(tag in history.read_bytes() for tag in wanted) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(tag in history.read_bytes() for tag in wanted)


# --- the seed README's Python examples ------------------------------------------------------------


def test_load_game_is_dudeks_bas_video_from_path(synth_bas: Path) -> None:
    from dudek.data.team_bas import SoccerVideo

    match_dir = next(g.dir for g in discover_games(synth_bas).games)
    game = load_game(match_dir)
    theirs = SoccerVideo.bas_video_from_path(str(match_dir), resolution=224)
    # dude-k's code swaps league and season (its README shows them as here).
    assert (game.league, game.season, game.match) == (theirs.season, theirs.league, theirs.match)
    assert str(game.videos[0].path) == theirs.absolute_path
    fps = game.videos[0].fps
    ours = [(a.frame(fps), a.label, a.team.value) for a in game.labels.annotations]
    assert ours == [(a.get_frame_nr(fps=fps), a.label.value, a.team.value) for a in theirs.annotations]
    with pytest.raises(DudekError, match="match folder not found"):
        load_game(synth_bas / "nowhere")


def test_load_game_is_dudeks_action_spotting_video_from_path(synth_broadcast: Path) -> None:
    from dudek.data.team_bas import SoccerVideo

    match_dir = discover_games(synth_broadcast, layout="broadcast").games[0].dir
    game = load_game(match_dir, layout="broadcast")
    halves = SoccerVideo.action_spotting_video_from_path(str(match_dir), resolution=224)
    assert [str(v.path) for v in game.videos] == [h.absolute_path for h in halves]
    for video, half in zip(game.videos, halves, strict=True):
        assert [(a.position_ms, a.label) for a in video.annotations] == [
            (a.position, a.label.value) for a in half.annotations
        ]


def dudek_readable_view(game: Game, view_root: Path) -> Path:
    """The match folder of ``game`` as dude-k can list it, its files hard-linked: dude-k parses every
    name in a frame folder as a frame number, so our ``manifest.json`` would stop it (README: "the
    output folders"); the JPEGs, the video and the labels are the very same files."""
    (video,) = game.videos
    view = view_root / game.url_local
    (view / frames_dir(video.path).name).mkdir(parents=True)
    for path in (video.path, game.dir / "Labels-ball.json", *frames_dir(video.path).glob("*.jpg")):
        os.link(path, view / path.relative_to(game.dir))
    return view


def test_folder_clips_are_dudeks_get_clips_and_split(synth_bas: Path, tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(synth_bas, root)
    games = discover_games(root).games
    extract_frames(games, ExtractionConfig(stride=2, size=(64, 64)))
    annotated = 0
    for game in games:
        clips = folder_clips(game, clip_frames=16, overlap=8, stride=2)
        theirs = dudek_folder_clips(dudek_readable_view(game, tmp_path / "view"), clip_frames=16, overlap=8)
        assert len(clips) == len(theirs) > 1
        for ours, their in zip(clips, theirs, strict=True):
            assert [f.original_video_frame_nr for f in ours.frames] == [
                f.original_video_frame_nr for f in their.frames
            ]
            assert [f.frame_path.name for f in ours.frames] == [Path(f.frame_path).name for f in their.frames]
            assert all(f.frame_path.is_file() for f in ours.frames)
            for frame, their_frame in zip(ours.frames, their.frames, strict=True):
                if their_frame.annotation:  # dude-k labels an event's own frame; our target does too
                    assert (frame.label, frame.team.value) == (
                        their_frame.annotation.label.value, their_frame.annotation.team.value
                    )  # fmt: skip
                    annotated += 1
        # Our targets also label an event's neighbours (what the loaders train on), never a far frame.
        assert any(c.has_events for c in clips) and not all(c.has_events for c in clips)
    assert annotated > 0  # some event lies on the stride grid, so the label check above ran


# --- the seed README's command lines, end to end ----------------------------------------------------

# What keeps the README's command lines small here: a small backbone without the temporal shift
# (the hub is unreachable: no ImageNet weights), 64x64 input, one epoch of a few clips, the CPU.
TINY = [
    "--features_model_name=regnety_002", "--temporal_shift_mode=none", "--no-pretrained", "--input_size=64",
    "--train_batch_size=4", "--nr_epochs=1", "--device=cpu", "--no-progress",
]  # fmt: skip


def _synth(out: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dudek_dali", "synth", str(out), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_the_dudek_readme_commands_run_end_to_end(tmp_path: Path) -> None:
    bas, videos, challenge = tmp_path / "sn_bas_2025", tmp_path / "videos", tmp_path / "challenge_bas_data"
    _synth(bas, "--games", "9", "--minutes", "0.2")
    _synth(videos, "--layout", "broadcast", "--games", "2", "--minutes", "0.2")
    for game in discover_games(bas).games:  # "unzip challenge.zip to a separate directory"
        if not game.is_labelled:
            (challenge / game.url_local).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(game.dir, challenge / game.url_local)
    size = ["--stride=2", "--frame_target_width=64", "--frame_target_height=64"]
    _ok(
        run_alias(
            "bas-frame-extract", "extract-bas-frames", f"--dataset_path={bas}/", "--resolution=224", *size
        )
    )
    _ok(run_alias("bas-frame-extract", "extract-action-spotting-frames", f"--dataset_path={videos}/",
                  "--resolution=224", *size))  # fmt: skip
    wandb = ["--use_wandb=true"] if importlib.util.find_spec("wandb") else []
    offline = {"WANDB_MODE": "offline", "WANDB_SILENT": "true"}
    out = _ok(run_alias(
        "bas-tdeed-train", "pretrain", f"--dataset_path={videos}/", "--resolution=224",
        "--save_as=pretrained.pt", "--clip_frames_count=8", "--overlap=4", "--enforce_train_epoch_size=8",
        "--val_batch_size=4", "--enforce_val_epoch_size=4", *TINY, *wandb, cwd=tmp_path, env=offline,
    ))  # fmt: skip
    assert "video from frames" in out and "val loss" in out
    out = _ok(run_alias(
        "bas-tdeed-train", "train", f"--dataset_path={bas}/", "--resolution=224",
        "--model_checkpoint_path=pretrained.pt", "--clip_frames_count=8", "--overlap=6",
        "--enforce_train_epoch_size=8", "--val_batch_size=8", *TINY, cwd=tmp_path,
    ))  # fmt: skip
    assert "starting from pretrained.pt" in out and "val map" in out
    _ok(run_alias(
        "bas-tdeed-train", "train-challenge", f"--dataset_path={bas}/", "--resolution=224",
        "--model_checkpoint_path=pretrained.pt", "--clip_frames_count=8", "--overlap=6",
        "--enforce_train_epoch_size=8", "--save_as=tdeed_challenge.pt", *TINY, cwd=tmp_path,
    ))  # fmt: skip
    _ok(run_alias("bas-frame-extract", "extract-bas-frames", f"--dataset_path={challenge}",
                  "--resolution=224", "--save_all=true", *size))  # fmt: skip
    out = _ok(run_alias(
        "bas-tdeed-train", "create-solution", f"--dataset_path={challenge}", "--resolution=224",
        "--model_checkpoint_path=tdeed_challenge.pt", "--overlap=4", cwd=tmp_path,
    ))  # fmt: skip
    assert "wrote solution.zip: 2 games" in out
    check = subprocess.run(
        [sys.executable, "-m", "dudek_dali", "validate-submission", str(tmp_path / "solution.zip")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0 and check.stdout.startswith("OK"), check.stdout + check.stderr
    with zipfile.ZipFile(tmp_path / "solution.zip") as archive:
        assert len(archive.namelist()) == 2
    if wandb:
        assert list((tmp_path / "runs" / "tdeed_pretraining" / "wandb").glob("offline-run-*"))
