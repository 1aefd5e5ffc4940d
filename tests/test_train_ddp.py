"""Data-parallel training: two CPU processes on the gloo backend, started by torchrun.

Run as a script (``torchrun ... tests/test_train_ddp.py OUT DATASET``) this file is the worker:
it trains a tiny model and writes what its rank saw and ended with to ``OUT/rank<N>.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).resolve().parent


def worker(out: Path, dataset: Path) -> None:
    sys.path.insert(0, str(HERE))
    from train_fixtures import tiny_config

    from dudek_dali.train.api import train_model

    losses: list[float] = []
    config = tiny_config(
        dataset, out, nr_epochs=1, warm_up_epochs=0, enforce_train_epoch_size=8, overlap=0,
        learning_rate=1e-3,
    )  # fmt: skip
    run = train_model(config, on_step=lambda run, record: losses.append(record.loss))
    digest = hashlib.sha256()
    # Parameters only: BatchNorm running statistics are per rank (DDP broadcasts rank 0's
    # before each forward, then every rank updates them from its own batch).
    for name, tensor in sorted(run.net.named_parameters()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    report = {
        "rank": run.dist.rank,
        "world_size": run.dist.world_size,
        "positions": [clip.position for clip in run.train_loader.plan()],
        "losses": losses,
        "weights": digest.hexdigest(),
    }
    (out / f"rank{run.dist.rank}.json").write_text(json.dumps(report))


@pytest.mark.slow
def test_two_cpu_processes_train_one_model_on_disjoint_shards(synth_bas: Path, tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
        str(Path(__file__).resolve()), str(tmp_path), str(synth_bas),
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    reports = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["rank"] for r in reports] == [0, 1]
    assert all(r["world_size"] == 2 for r in reports)
    # Each rank read its own half of the epoch's 8 clips...
    first, second = (set(r["positions"]) for r in reports)
    assert len(first) == len(second) == 4
    assert first.isdisjoint(second) and first | second == set(range(8))
    # ...so their losses differ, yet gradients were averaged: the weights end identical.
    assert all(len(r["losses"]) == 2 for r in reports)
    assert reports[0]["losses"] != reports[1]["losses"]
    assert reports[0]["weights"] == reports[1]["weights"]
    # Only rank 0 writes checkpoints and TensorBoard events.
    saved = torch.load(tmp_path / "model.last.pt", weights_only=True)
    assert saved["loop"]["global_step"] == 2 and len(saved["rng"]) == 2
    assert len(list((tmp_path / "runs").glob("events.out.tfevents.*"))) == 1
    assert "world size 2" in result.stdout


if __name__ == "__main__":
    worker(Path(sys.argv[1]), Path(sys.argv[2]))
