"""The trainer end to end on real VP9 video through the DALI CPU loader: the loss falls, the learning
rate follows warm-up + cosine, and a run killed mid-epoch resumes exactly where it stopped."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import torch
from train_fixtures import tiny_config

from dudek_dali.model import checkpoint as ckpt
from dudek_dali.train.api import train_model
from dudek_dali.train.setup import setup


class Killed(Exception):
    """Stands for the process dying right after a step (its checkpoint is already on disk)."""


def run_recording(config, *, stop_after: int | None = None) -> list[tuple[float, float]]:
    """Train; return (loss, lr) of every step. ``stop_after``: die after that global step."""
    steps: list[tuple[float, float]] = []

    def on_step(run, record) -> None:
        steps.append((record.loss, record.lr))
        if stop_after is not None and record.global_step == stop_after:
            raise Killed

    with contextlib.suppress(Killed):
        train_model(config, on_step=on_step)
    return steps


@pytest.mark.slow
def test_loss_falls_and_lr_warms_up_then_decays_to_zero(synth_bas: Path, tmp_path: Path) -> None:
    # Every epoch trains on the same 7 windows of the training game (no augmentation), in
    # batches of 4 + 3, so epoch losses compare like for like.
    config = tiny_config(
        synth_bas, tmp_path, nr_epochs=6, warm_up_epochs=1, overlap=0, train_batch_size=4,
        learning_rate=1e-3, flip_proba=0.0, crop_proba=0.0, camera_move_proba=0.0,
        gaussian_blur_kernel_size=0, start_eval_epoch_nr=5,
    )  # fmt: skip
    steps = run_recording(config)
    assert len(steps) == 12
    epoch_losses = [(steps[i][0] + steps[i + 1][0]) / 2 for i in range(0, 12, 2)]
    assert epoch_losses[-1] < 0.6 * epoch_losses[0], epoch_losses
    # Warm-up over the first epoch (2 steps), linear from the start factor (dude-k's 0.01 by
    # default) of the peak to the peak, then a cosine that only decreases, down to 0 after the last step.
    start = config.optim.warm_up_start_factor
    assert start == 0.01
    lrs = [lr for _, lr in steps]
    assert lrs[0] == pytest.approx(start * 1e-3)
    assert lrs[1] == pytest.approx((start + (1 - start) / 2) * 1e-3)
    assert lrs[2] == pytest.approx(1e-3)
    assert all(b < a for a, b in zip(lrs[2:], lrs[3:], strict=False)), lrs
    saved = ckpt.read_checkpoint(tmp_path / "model.last.pt", kind="training")
    assert saved["optimizer"]["param_groups"][0]["lr"] == pytest.approx(0.0, abs=1e-12)
    assert saved["loop"]["epoch"] == 6 and saved["loop"]["global_step"] == 12
    best = ckpt.read_checkpoint(tmp_path / "model.pt")
    assert best["kind"] == "model" and best["epoch"] == 6 and "loss" in best["metric"]
    assert list((tmp_path / "runs").glob("events.out.tfevents.*"))


@pytest.mark.slow
def test_killed_run_resumes_with_the_same_losses(synth_bas: Path, tmp_path: Path) -> None:
    # Augmentation, mixup, EMA and accumulation on: every piece of state must come back.
    options = dict(
        nr_epochs=2, warm_up_epochs=1, enforce_train_epoch_size=8, acc_grad_iter=2, overlap=0,
        flip_proba=0.5, crop_proba=0.5, camera_move_proba=0.5, mixup=True, ema=True,
        checkpoint_every_steps=1, learning_rate=1e-3,
    )  # fmt: skip
    whole = run_recording(tiny_config(synth_bas, tmp_path / "whole", **options))
    assert len(whole) == 4

    killed_out = tmp_path / "killed"
    killed = run_recording(tiny_config(synth_bas, killed_out, **options), stop_after=1)
    assert killed == whole[:1]
    resumed = run_recording(
        tiny_config(synth_bas, killed_out, resume=killed_out / "model.last.pt", **options)
    )
    # Bit-for-bit on the CPU: same clips, augmentations, dropout masks, mixup, optimizer state.
    assert resumed == whole[1:]
    final_whole = torch.load(tmp_path / "whole" / "model.last.pt", weights_only=True)
    final_resumed = torch.load(killed_out / "model.last.pt", weights_only=True)
    for name, tensor in final_whole["train_model"].items():
        assert torch.equal(tensor, final_resumed["train_model"][name]), name
    for name, tensor in final_whole["ema"].items():
        assert torch.equal(tensor, final_resumed["ema"][name]), name


def run_history(config, *, stop_after: int | None = None) -> tuple[list[tuple[float, float]], list[dict]]:
    """:func:`run_recording`, plus the run's per-epoch history (train and validation losses)."""
    steps: list[tuple[float, float]] = []
    history: list[dict] = []

    def on_step(run, record) -> None:
        steps.append((record.loss, record.lr))
        history[:] = run.state.history
        if stop_after is not None and record.global_step == stop_after:
            raise Killed

    with contextlib.suppress(Killed):
        run = train_model(config, on_step=on_step)
        history[:] = run.state.history
    return steps, history


@pytest.mark.slow
@pytest.mark.parametrize("stop_after", [2, 3], ids=["killed-at-the-epoch-end", "killed-in-the-next-epoch"])
def test_resume_across_an_epoch_boundary_keeps_validation_and_the_best_model(
    synth_bas: Path, tmp_path: Path, stop_after: int
) -> None:
    # Two steps an epoch; killed after step 2 the run has not validated epoch 0 yet, after step 3 it
    # has (and written the best model so far). Either way the resumed run must validate, pick and
    # write exactly what the uninterrupted one did.
    options = dict(
        nr_epochs=3, warm_up_epochs=1, enforce_train_epoch_size=4, overlap=0, flip_proba=0.5,
        checkpoint_every_steps=1, learning_rate=1e-3, eval_metric="loss",
    )  # fmt: skip
    whole, whole_history = run_history(tiny_config(synth_bas, tmp_path / "whole", **options))
    assert len(whole) == 6 and [h["epoch"] for h in whole_history] == [0, 1, 2]
    out = tmp_path / "killed"
    run_history(tiny_config(synth_bas, out, **options), stop_after=stop_after)
    resumed, resumed_history = run_history(
        tiny_config(synth_bas, out, resume=out / "model.last.pt", **options)
    )
    assert resumed == whole[stop_after:]
    assert [h["val_loss"] for h in resumed_history] == [h["val_loss"] for h in whole_history]
    best_whole = ckpt.read_checkpoint(tmp_path / "whole" / "model.pt")
    best_resumed = ckpt.read_checkpoint(out / "model.pt")
    assert best_resumed["epoch"] == best_whole["epoch"] and best_resumed["metric"] == best_whole["metric"]
    for name, tensor in best_whole["model"].items():
        assert torch.equal(tensor, best_resumed["model"][name]), name
    last = ckpt.read_checkpoint(out / "model.last.pt", kind="training")
    assert last["loop"]["best_epoch"] == ckpt.read_checkpoint(
        tmp_path / "whole" / "model.last.pt", kind="training"
    )["loop"]["best_epoch"]


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_mixed_precision_on_the_cpu_trains_and_resumes_with_its_scaler(
    synth_bas: Path, tmp_path: Path, precision: str
) -> None:
    """bf16 autocast on the CPU; fp16 adds torch.amp.GradScaler, whose state must survive --resume."""
    options = dict(
        nr_epochs=2, warm_up_epochs=1, enforce_train_epoch_size=4, overlap=0, checkpoint_every_steps=1,
        learning_rate=1e-3, precision=precision, train_batch_size=2, command="train-challenge",
    )  # fmt: skip
    whole = run_recording(tiny_config(synth_bas, tmp_path / "whole", **options))
    assert len(whole) == 4 and all(torch.isfinite(torch.tensor(loss)) for loss, _ in whole)
    out = tmp_path / "killed"
    run_recording(tiny_config(synth_bas, out, **options), stop_after=1)
    resumed = run_recording(tiny_config(synth_bas, out, resume=out / "model.last.pt", **options))
    assert resumed == whole[1:]
    final_whole = ckpt.read_checkpoint(tmp_path / "whole" / "model.last.pt", kind="training")
    final_resumed = ckpt.read_checkpoint(out / "model.last.pt", kind="training")
    if precision == "fp16":
        assert final_whole["scaler"] is not None and final_whole["scaler"]["scale"] > 0
        assert final_resumed["scaler"] == final_whole["scaler"]
    else:
        assert final_whole["scaler"] is None  # bf16 keeps fp32's range: no loss scaling
    for name, tensor in final_whole["train_model"].items():
        assert torch.equal(tensor, final_resumed["train_model"][name]), name


def test_pretrain_on_broadcasts_then_fine_tune_on_bas(
    synth_bas: Path, synth_broadcast: Path, tmp_path: Path
) -> None:
    broadcasts = synth_broadcast
    pretrain = tiny_config(
        broadcasts, tmp_path / "pretrain", command="pretrain", nr_epochs=1, enforce_train_epoch_size=2
    )
    assert pretrain.data.layout == "broadcast"
    train_model(pretrain)
    pretrained = ckpt.read_checkpoint(tmp_path / "pretrain" / "model.pt")
    assert pretrained["model_config"]["num_outputs"] == 35  # 17 actions x 2 teams + background

    # Fine-tuning takes the backbone and temporal layers; clip length and class count change,
    # the positional encoding and heads start fresh.
    checkpoint = tmp_path / "pretrain" / "model.pt"
    run = setup(
        tiny_config(synth_bas, tmp_path / "train", clip_frames_count=12, model_checkpoint_path=checkpoint)
    )
    state = run.net.state_dict()
    trunk = [k for k in state if k.startswith(("backbone.", "temporal."))]
    assert trunk and all(torch.equal(state[k], pretrained["model"][k]) for k in trunk)
    assert state["class_head.weight"].shape[0] == 25 and state["pos_encoding"].shape[0] == 12
    run.train_loader.close()
    run.logger.close()


def test_an_optimizer_step_waits_for_the_device_once(synth_bas: Path, tmp_path: Path, monkeypatch) -> None:
    """Two accumulated micro-batches, one host synchronisation (the step's loss read-out), not one
    ``float()`` per loss per micro-batch: on a GPU each of those stalls the launch queue. Only reads
    made by this project's code count (torch's CPU AdamW reads its step counters itself)."""
    import sys
    from io import StringIO

    from rich.console import Console

    from dudek_dali.train.loop import train_one_epoch

    config = tiny_config(synth_bas, tmp_path, command="train-challenge", acc_grad_iter=2,
                         enforce_train_epoch_size=8, nr_epochs=1, warm_up_epochs=0)  # fmt: skip
    run = setup(config, console=Console(file=StringIO()))
    monkeypatch.setattr(run.logger, "clip_frames", lambda *a: None)  # the first step's image grid, once a run
    reads: list[str] = []

    def counted(name, real):
        def read(self, *args, **kwargs):
            if "dudek_dali" in sys._getframe(1).f_code.co_filename:
                reads.append(name)
            return real(self, *args, **kwargs)

        return read

    for name in ("__float__", "item", "tolist", "cpu", "numpy"):
        monkeypatch.setattr(torch.Tensor, name, counted(name, getattr(torch.Tensor, name)))
    try:
        stats = train_one_epoch(run, 0)
    finally:
        monkeypatch.undo()
        run.close_loaders()
        run.logger.close()
    steps = run.steps_per_epoch
    assert steps == 2 and stats.clips == 8
    assert reads == ["tolist"] * steps  # per step the loss read-out; nothing per micro-batch
