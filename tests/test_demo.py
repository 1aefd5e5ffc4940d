"""A shortened ``dudek demo`` end to end: every artefact exists, the submission is valid, and the
test score it reports is the one ``dudek evaluate`` computes from the zip it wrote."""

import json

import pytest
from cli_runner import dudek

from dudek_dali.demo import DemoConfig, run_demo
from dudek_dali.spotting import validate_submission

TINY = DemoConfig(
    minutes=0.3,
    clip_frames=16,
    input_size=(64, 64),
    epochs=2,
    clips_per_epoch=8,
    start_eval_epoch=0,
    progress=False,
)


@pytest.mark.slow
def test_shortened_demo_writes_valid_zips_and_a_consistent_score(tmp_path):
    result = run_demo(tmp_path / "demo dir", config=TINY)
    assert result.checkpoint.is_file() and any(result.log_dir.glob("events.out.tfevents.*"))
    assert all(p.is_file() and p.stat().st_size > 0 for p in result.plots)
    assert validate_submission(result.submission) == []
    assert validate_submission(result.test_predictions) == []
    assert 0.0 <= result.team_map_at1 <= 1.0 and result.best_epoch is not None

    scored = dudek("evaluate", result.dataset, result.test_predictions, "--split", "test", "--json")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["team_map_at1"] == pytest.approx(result.team_map_at1, abs=1e-9)
    assert report["map_at1"] == pytest.approx(result.map_at1, abs=1e-9)
    assert len(report["games"]) == 2

    challenge = dudek("validate-submission", result.submission, "--split", "challenge")
    assert challenge.returncode == 0, challenge.stdout + challenge.stderr
