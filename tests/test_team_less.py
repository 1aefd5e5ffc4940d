"""Models without teams (E2E-Spot) through every output: spot leaves the team out, evaluate reports
mAP@1 and says why there is no team-mAP@1, submit refuses them in one line, and OSL's timing (the
model fires one sampled frame before the event) lands events on time."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from cli_runner import dudek
from oracle import FrameIndexOracle, Output

from dudek_dali.data.games import discover_games
from dudek_dali.data.labels import BAS
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.inference import SpotConfig, TrainedModel, spot_video
from dudek_dali.model.checkpoint import FORMAT, write_checkpoint
from dudek_dali.model.e2e_spot_config import E2ESpotConfig
from dudek_dali.model.families import create_model, model_config_dict
from dudek_dali.spotting.evaluate import evaluate_predictions

STRIDE = 12  # OSL's: every 12th frame of 25 fps video


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    """A stamped 40-second H.264 game with events at least ~2 s apart."""
    root = tmp_path_factory.mktemp("teamless") / "data"
    config = SynthConfig(games=1, minutes=0.67, codec="h264", stamp_frame_index=True, events_per_minute=15)
    synthesize_dataset(root, config, progress=False)
    (found,) = discover_games(root).games
    return found


@pytest.fixture(scope="module")
def e2e_checkpoint(tmp_path_factory) -> Path:
    """A real random-weights E2E-Spot (regnety_002, 16-frame clips of 64x96), as our checkpoints store it."""
    config = E2ESpotConfig(
        features_model_name="regnety_002", hidden_size=32, clip_frames=16, input_size=(64, 96)
    )
    torch.manual_seed(0)
    payload = {
        "format": FORMAT, "kind": "model", "model": create_model(config).state_dict(),
        "model_config": model_config_dict(config), "label_set": "bas", "epoch": 0, "metric": {},
    }  # fmt: skip
    return write_checkpoint(tmp_path_factory.mktemp("e2e") / "e2e spot.pt", payload)


class OslTimedOracle(FrameIndexOracle):
    """A team-less oracle that fires as OSL trains E2E-Spot: on the 0-based sampled frame
    ``E2ESpotConfig.output_index(t)``, one sampled frame before an event at ``t``."""

    def __init__(self, game, config: E2ESpotConfig) -> None:
        super().__init__(game, stride=config.stride)
        self.config = config
        video = game.videos[0]
        self.fires = {  # sampled frame -> output (1 + class)
            config.output_index(a.position_ms / 1000): 1 + BAS.class_index(a.label) for a in video.annotations
        }

    def forward(self, frames: torch.Tensor) -> Output:
        logits = torch.zeros(*frames.shape[:2], BAS.num_classes + 1)
        logits[..., 0] = 20.0
        for b, clip in enumerate(frames):
            for t, frame in enumerate(clip):
                index = self._index(frame)
                sampled, off_grid = divmod(index, self.config.stride)
                if index >= 0 and not off_grid and sampled in self.fires:
                    logits[b, t, 0] = 0.0
                    logits[b, t, self.fires[sampled]] = 20.0
        return Output(logits, torch.full(frames.shape[:2], float(self.config.frame_offset)))


def test_osl_timing_lands_team_less_events_on_time(game, tmp_path):
    config = E2ESpotConfig(clip_frames=16, stride=STRIDE, input_size=(224, 224))
    oracle = OslTimedOracle(game, config)
    model = TrainedModel(net=oracle, config=config, label_set=BAS.without_teams(), device=torch.device("cpu"))
    result = spot_video(game.videos[0].path, model, out=tmp_path, config=SpotConfig(threshold=0.5))
    assert result.events and all(e.team is None for e in result.events)
    report = evaluate_predictions(game.labels.path, result.files["results_spotting.json"])
    present = {a.label for a in game.labels.annotations}
    assert report.scores.team is None  # no team predicted: mAP@1 only
    assert {c for c, ap in report.scores.no_team.per_class.items() if ap == pytest.approx(1.0)} == present
    # Without the frame offset each event would be reported one sampled frame (0.48 s) early.
    truth = sorted(a.position_ms for a in game.labels.annotations)
    spotted = sorted(round(e.time_s * 1000) for e in result.events)
    assert len(spotted) == len(truth)
    assert all(0 <= t - s < STRIDE * 40 for s, t in zip(spotted, truth, strict=True))


def test_spot_evaluate_and_submit_with_an_e2e_spot_checkpoint(game, e2e_checkpoint, tmp_path):
    video = game.videos[0].path
    spotted = dudek("spot", video, "--model_checkpoint_path", e2e_checkpoint, "--threshold", "0.01",
                    "--out", tmp_path / "out", "--device", "cpu")  # fmt: skip
    assert spotted.returncode == 0, spotted.stderr
    folder = tmp_path / "out" / video.stem
    rows = list(csv.reader((folder / "events.csv").read_text().splitlines()))
    assert rows[0] == ["time", "frame", "class", "confidence"] and len(rows) > 1  # no team column
    document = json.loads((folder / "results_spotting.json").read_text())
    assert document["predictions"] and all("team" not in p for p in document["predictions"])
    header = next(line for line in spotted.stdout.splitlines() if "class" in line and "time" in line)
    assert "team" not in header

    scored = dudek("evaluate", game.labels.path, folder / "results_spotting.json")
    assert scored.returncode == 0, scored.stderr
    assert "mAP@1:" in scored.stdout and "team-mAP@1:" not in scored.stdout
    assert "team-mAP@1 not computed: the predictions carry no team" in scored.stdout

    root = game.dir.parents[2]
    refused = dudek("submit", "--dataset_path", root, "--model_checkpoint_path", e2e_checkpoint,
                    "--output", tmp_path / "s.zip", "--device", "cpu")  # fmt: skip
    assert refused.returncode == 2 and not (tmp_path / "s.zip").exists()
    (line,) = refused.stderr.strip().splitlines()
    assert str(e2e_checkpoint) in line and "e2e-spot model spots no team" in line and "team-mAP@1" in line


def test_the_label_set_without_teams_decodes_classes_only() -> None:
    plain = BAS.without_teams()
    assert plain.num_outputs == 13 and plain.output_names()[:2] == ["background", "PASS"]
    assert plain.decode(1) == ("PASS", None) and plain.output_index("GOAL", None) == 12
    assert np.array_equal(plain.flip_permutation, np.arange(13))  # a flip moves no output
    assert BAS.decode(13) == ("PASS", BAS.decode(13)[1]) and BAS.num_outputs == 25
