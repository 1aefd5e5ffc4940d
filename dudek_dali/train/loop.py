"""The training loop as plain functions: :func:`fit` -> :func:`train_one_epoch` / :func:`validate`.

One optimizer step consumes ``acc_grad_iter`` batches; each batch's loss is divided by
``acc_grad_iter`` before ``backward`` so the accumulated gradient is the mean over the step's
batches (the seed summed them, which scaled the learning rate by the accumulation). An epoch
runs ``len(loader) // acc_grad_iter`` steps; batches left over at the end are not decoded.
Under DDP the non-final backward passes of a step skip the gradient all-reduce (``no_sync``).

Checkpoints are written only at optimizer-step boundaries, so a resumed run starts an epoch at
batch ``step_in_epoch * acc_grad_iter`` of the same epoch plan and continues bit-for-bit like
the uninterrupted one on CPU (on GPU up to non-deterministic kernels).
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace

import torch

from dudek_dali.clips.batch import ClipBatch
from dudek_dali.model import checkpoint as ckpt
from dudek_dali.train.distributed import all_reduce_sum, barrier, broadcast_value, gather_objects
from dudek_dali.train.evaluation import evaluate_map
from dudek_dali.train.loss import tdeed_loss
from dudek_dali.train.mixup import mixup
from dudek_dali.train.progress import EpochProgress, epoch_summary
from dudek_dali.train.records import EpochStats, StepRecord, ValidationResult
from dudek_dali.train.rng import capture_rng_state
from dudek_dali.train.run import TrainingRun, model_payload, training_payload

StepCallback = Callable[[TrainingRun, StepRecord], None]


def fit(run: TrainingRun, *, on_step: StepCallback | None = None) -> TrainingRun:
    """Train from ``run.state`` to ``nr_epochs``: evaluate, keep the best, write checkpoints."""
    config = run.config
    try:
        for epoch in range(run.state.epoch, config.optim.epochs):
            run.state.epoch = epoch
            stats = train_one_epoch(run, epoch, on_step=on_step)
            result = None
            if config.data.validate and epoch >= config.run.start_eval_epoch:
                started = time.perf_counter()
                result = replace(validate(run, epoch), seconds=time.perf_counter() - started)
            _finish_epoch(run, epoch, stats, result)
        barrier()
    finally:
        run.logger.close()
    return run


def train_one_epoch(run: TrainingRun, epoch: int, *, on_step: StepCallback | None = None) -> EpochStats:
    """Run the epoch's remaining optimizer steps (all of them unless resuming mid-epoch)."""
    config, state = run.config, run.state
    acc = config.optim.grad_accumulation
    first_step = state.step_in_epoch
    run.model.train()
    batches = _epoch_batches(run, epoch, start_batch=first_step * acc)
    totals = [0.0, 0.0, 0.0]
    clips, wait, started = 0, 0.0, time.perf_counter()
    progress = EpochProgress(
        f"epoch {epoch + 1}/{config.optim.epochs}", total=run.steps_per_epoch, completed=first_step,
        enabled=config.run.progress and run.dist.is_main,
    )  # fmt: skip
    with progress:
        for step in range(first_step, run.steps_per_epoch):
            lr = run.lr
            step_losses, step_clips, step_wait = _optimizer_step(run, batches, epoch, step)
            losses = step_losses.tolist()  # the step's one host synchronisation (logs and progress)
            totals = [t + v for t, v in zip(totals, losses, strict=True)]
            clips += step_clips
            wait += step_wait
            state.step_in_epoch = step + 1
            state.global_step += 1
            record = StepRecord(epoch, step + 1, state.global_step, *losses, lr=lr)
            run.logger.scalars(
                {"train/loss": record.loss, "train/ce": record.ce,
                 "train/displacement": record.displacement, "train/lr": lr},
                state.global_step,
            )  # fmt: skip
            progress.advance(loss=record.loss, lr=lr)
            every = config.run.checkpoint_every_steps
            if every and state.global_step % every == 0:
                _save_training_state(run)
            if on_step is not None:
                on_step(run, record)
    steps = run.steps_per_epoch - first_step
    loss_sum, ce_sum, disp_sum, clip_sum = all_reduce_sum([*totals, float(clips)], run.device)
    world = run.dist.world_size
    denominator = max(steps * world, 1)
    return EpochStats(
        loss=loss_sum / denominator,
        ce=ce_sum / denominator,
        displacement=disp_sum / denominator,
        clips=int(clip_sum),
        seconds=time.perf_counter() - started,
        data_wait_seconds=wait,
    )


def _epoch_batches(run: TrainingRun, epoch: int, *, start_batch: int) -> Iterator:
    loader = run.train_loader
    loader.set_epoch(epoch, start_batch=start_batch)
    return iter(loader)


def _optimizer_step(
    run: TrainingRun, batches: Iterator[ClipBatch], epoch: int, step: int
) -> tuple[torch.Tensor, int, float]:
    """Accumulate ``acc_grad_iter`` batches, then clip, step, schedule and update the EMA.

    Returns the step's mean (total, ce, displacement) losses as one tensor on the training device,
    not read here: the caller reads it once (``.tolist()``, for the logs and progress bar), which
    is one host synchronisation per optimizer step (with fp16's ``GradScaler``, its ``step`` also
    waits for its inf check).
    """
    optim = run.config.optim
    acc = optim.grad_accumulation
    totals = torch.zeros(3, device=run.device)
    clips, wait = 0, 0.0
    for micro in range(acc):
        t0 = time.perf_counter()
        batch = next(batches).to(run.device, non_blocking=True)
        wait += time.perf_counter() - t0
        if epoch == 0 and step == 0 and micro == 0:
            run.logger.clip_frames(batch, run.label_set, run.state.global_step)
        last = micro == acc - 1
        sync = contextlib.nullcontext() if last or not run.dist.enabled else run.model.no_sync()
        with sync:
            total, ce, disp = _forward_loss(run, batch, index=(run.state.global_step * acc + micro))
            scaled = total / acc
            if run.scaler is not None:
                run.scaler.scale(scaled).backward()
            else:
                scaled.backward()
        totals += torch.stack([total, ce, disp]).detach() / acc
        clips += len(batch)
    if run.scaler is not None:
        run.scaler.unscale_(run.optimizer)
    if optim.grad_clip_norm > 0:
        torch.nn.utils.clip_grad_norm_(run.net.parameters(), optim.grad_clip_norm)
    if run.scaler is not None:
        run.scaler.step(run.optimizer)
        run.scaler.update()
    else:
        run.optimizer.step()
    run.optimizer.zero_grad(set_to_none=True)
    with warnings.catch_warnings():
        # fp16's GradScaler skips the optimizer step while it finds its scale (inf gradients), and
        # torch then warns that the scheduler stepped first. The schedule counts iterations, as
        # the seed's does, skipped ones included: the warning names no fault here.
        warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler\.step\(\)`")
        run.scheduler.step()
    if run.ema is not None:
        run.ema.update(run.net)
    return totals, clips, wait


def _forward_loss(run: TrainingRun, batch, *, index: int):
    """The loss of one batch (mixup first when enabled); logits go to fp32 before the loss."""
    optim = run.config.optim
    frames, target, shift_target = batch.frames, batch.classes, batch.displacement
    if optim.mixup:
        frames, target, shift_target = mixup(
            frames, target, shift_target, num_outputs=run.label_set.num_outputs,
            alpha=optim.mixup_alpha, seed=run.config.run.seed, index=index,
        )  # fmt: skip
    with _autocast(run):
        out = run.model(frames)
    return tdeed_loss(
        out.class_logits.float(),
        out.displacement.float(),
        target,
        shift_target,
        foreground_weight=optim.foreground_weight,
    )


def _autocast(run: TrainingRun):
    if run.autocast_dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=run.device.type, dtype=run.autocast_dtype)


@torch.no_grad()
def validate(run: TrainingRun, epoch: int) -> ValidationResult:
    """Validation loss (same clips every epoch, no augmentation) or team-mAP@1 on the validation games."""
    if run.config.run.eval_metric == "map":
        return _validate_map(run)
    return _validate_loss(run)


def _validate_loss(run: TrainingRun) -> ValidationResult:
    net = run.eval_net
    was_training = net.training
    net.eval()
    run.val_loader.set_epoch(0)
    loss_sum, count = torch.zeros((), device=run.device), 0
    progress = EpochProgress(
        "validation", total=len(run.val_loader), enabled=run.config.run.progress and run.dist.is_main
    )
    with progress:
        for batch in run.val_loader:
            batch = batch.to(run.device, non_blocking=True)
            with _autocast(run):
                out = net(batch.frames)
            loss = tdeed_loss(
                out.class_logits.float(), out.displacement.float(), batch.classes, batch.displacement,
                foreground_weight=run.config.optim.foreground_weight,
            )  # fmt: skip
            loss_sum += loss.total.detach() * len(batch)  # summed on the device: no sync per batch
            count += len(batch)
            progress.advance()
    net.train(was_training)
    total, count = all_reduce_sum([float(loss_sum), float(count)], run.device)
    value = total / count if count else float("nan")
    return ValidationResult(metric="loss", value=value, loss=value)


def _validate_map(run: TrainingRun) -> ValidationResult:
    """team-mAP@1 of the whole validation games; rank 0 computes it, the others receive it."""
    result = None
    if run.dist.is_main:
        result = evaluate_map(run)
    value = broadcast_value(result.value if result is not None else 0.0, run.device)
    return result if result is not None else ValidationResult(metric="map", value=value)


def _finish_epoch(run: TrainingRun, epoch: int, stats: EpochStats, result: ValidationResult | None) -> None:
    """Best model, per-epoch files, resumable state, logs and the summary line."""
    options, state = run.config.run, run.state
    state.epoch, state.step_in_epoch = epoch + 1, 0
    improved = result is not None and result.better_than(state.best_metric)
    if improved:
        state.best_metric, state.best_epoch = result.value, epoch
    record = {"epoch": epoch, "train_loss": stats.loss, "lr": run.lr, "clips_per_s": stats.clips_per_second}
    if result is not None:
        record[f"val_{result.metric}"] = result.value
    state.history.append(record)
    if run.dist.is_main:
        metric = {result.metric: result.value} if result is not None else {}
        # No validation (train-challenge): the latest model is the one to keep.
        if improved or not run.config.data.validate:
            ckpt.write_checkpoint(options.save_as, model_payload(run, metric=metric))
        if options.save_every_epoch:
            ckpt.write_checkpoint(ckpt.epoch_path(options.save_as, epoch), model_payload(run, metric=metric))
        _log_epoch(run, epoch, stats, result)
        summary = epoch_summary(epoch, run.config.optim.epochs, stats, result, lr=run.lr, best=improved)
        run.console.print(summary, markup=False, highlight=False, soft_wrap=True)
    _save_training_state(run)


def _save_training_state(run: TrainingRun) -> None:
    """Write ``<save_as>.last.pt``: every rank hands its RNG states to rank 0, which writes."""
    rng_states = gather_objects(capture_rng_state())
    if run.dist.is_main:
        ckpt.write_checkpoint(
            ckpt.last_path(run.config.run.save_as), training_payload(run, rng_states=rng_states)
        )


def _log_epoch(run: TrainingRun, epoch: int, stats: EpochStats, result: ValidationResult | None) -> None:
    values = {
        "epoch/train_loss": stats.loss,
        "epoch/train_ce": stats.ce,
        "epoch/train_displacement": stats.displacement,
        "epoch/lr": run.lr,
        "epoch/clips_per_s": stats.clips_per_second,
        "epoch/data_wait_fraction": stats.data_wait_fraction,
    }
    if result is not None:
        values[f"epoch/val_{result.metric}"] = result.value
        if result.team_map_at1 is not None:
            values["epoch/val_team_map_at1"] = result.team_map_at1
        if result.map_at1 is not None:
            values["epoch/val_map_at1"] = result.map_at1
        for name, ap in (result.per_class or {}).items():
            values[f"ap/{name}"] = ap
    run.logger.scalars(values, epoch)
    run.logger.flush()
