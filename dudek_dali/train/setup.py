"""Build a :class:`~dudek_dali.train.run.TrainingRun` from a :class:`TrainConfig`.

Everything that can fail because of the user's input fails here, with a one-line
:class:`~dudek_dali.errors.DudekError`, before the first batch is decoded: the device and video
source, the games and split, the clip length, checkpoints (missing, corrupt, another architecture
or class count), the evaluation metric. Order matters for reproducibility: every generator is
seeded with ``random_seed`` before the model is built, so the initial weights are a function of
the seed; a resumed run then restores the saved states on top.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch
from rich.console import Console
from rich.markup import escape

from dudek_dali.devices import resolve_device
from dudek_dali.errors import CheckpointError, DudekError
from dudek_dali.model import checkpoint as ckpt
from dudek_dali.model.tdeed import TDeed, create_model
from dudek_dali.model.weights import load_weights
from dudek_dali.sources import check_readable, resolve_source
from dudek_dali.train.config import TrainConfig, flatten
from dudek_dali.train.data import check_clip_fits, create_loader, select_games
from dudek_dali.train.distributed import DistInfo, dist_info_from_env, init_distributed
from dudek_dali.train.ema import ModelEma
from dudek_dali.train.rng import seed_everything
from dudek_dali.train.run import TrainingRun, restore_training_state
from dudek_dali.train.schedule import create_optimizer, create_scheduler
from dudek_dali.train.tensorboard import RunLogger
from dudek_dali.train.wandb_logger import open_wandb_run, require_wandb

# Architecture fields that must match for a checkpoint to load in each mode.
_TRUNK_KEYS = ("features_model_name", "temporal_shift_mode", "n_layers", "sgp_ks", "sgp_k")
_WHOLE_KEYS = (*_TRUNK_KEYS, "clip_frames", "num_outputs")
# Options that may change when a run is resumed without altering its trajectory; a change of any
# other option is a warning, not an error.
_RESUME_IGNORED = {
    "run.resume", "run.progress", "run.log_dir", "run.device", "data.workers", "data.source",
    "optim.epochs", "run.use_wandb", "run.wandb_project", "model.pretrained", "run.trust_pickle",
}  # fmt: skip


def setup(
    config: TrainConfig, *, console: Console | None = None, dist: DistInfo | None = None
) -> TrainingRun:
    """Check the inputs, build model, loaders, optimizer, schedule, logger; restore ``--resume``."""
    console = console or Console()
    dist = dist or dist_info_from_env()
    data, optim, run_options = config.data, config.optim, config.run
    device = resolve_device(run_options.device, local_rank=dist.local_rank if dist.enabled else None)
    source = resolve_source(data.source, device=device, job="train")
    if run_options.wandb and dist.is_main:
        require_wandb()  # before anything heavy: the package is optional
    resume = ckpt.read_checkpoint(run_options.resume, kind="training") if run_options.resume else None
    start = None
    if run_options.start_from:
        start = ckpt.read_checkpoint(run_options.start_from, trust_pickle=run_options.trust_pickle)
    train_games, val_games = select_games(config)
    check_clip_fits(config, train_games)
    train_source = source.for_games(train_games)
    val_source = None
    label_set = train_games[0].label_set
    init_distributed(dist, device)

    seed_everything(run_options.seed)
    net = _build_model(config, start=start, resume=resume).to(device)
    optimizer = create_optimizer(net, lr=optim.learning_rate, weight_decay=optim.weight_decay)
    shard = {"rank": dist.rank, "world_size": dist.world_size}
    train_loader = create_loader(config, train_games, training=True, source=train_source, **shard)
    val_loader = None
    if data.validate and run_options.eval_metric == "map":
        val_source = source.for_games(val_games)
        check_readable(val_games, val_source)  # the evaluation reads them after the first epoch
    if data.validate and run_options.eval_metric == "loss":
        val_loader = create_loader(config, val_games, training=False, source=train_source, **shard)
    steps_per_epoch = len(train_loader) // optim.grad_accumulation
    if steps_per_epoch < 1:
        raise DudekError(
            f"an epoch has {len(train_loader)} batches per process, fewer than --acc_grad_iter "
            f"({optim.grad_accumulation}); raise --enforce_train_epoch_size or lower --acc_grad_iter"
        )
    total_steps = steps_per_epoch * optim.epochs
    # A warm-up as long as the whole run would leave no decay step: keep at least one.
    warmup_steps = min(steps_per_epoch * optim.warm_up_epochs, total_steps - 1)
    scheduler = create_scheduler(
        optimizer,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
        warmup_start_factor=optim.warm_up_start_factor,
    )
    precision = resolve_precision(optim.precision, device)
    scaler = torch.amp.GradScaler(device.type) if precision == torch.float16 else None
    ema = ModelEma(net, decay=optim.ema_decay) if optim.ema else None
    model: torch.nn.Module = net
    if dist.enabled:
        model = torch.nn.parallel.DistributedDataParallel(
            net, device_ids=[device.index] if device.type == "cuda" else None
        )
    seed_everything(run_options.seed + dist.rank)  # per-rank dropout after the shared init
    logger = RunLogger(
        run_options.run_dir if dist.is_main else None,
        wandb=open_wandb_run(config) if dist.is_main and run_options.wandb else None,
    )
    run = TrainingRun(
        config=config, dist=dist, device=device, net=net, model=model, optimizer=optimizer,
        scheduler=scheduler, scaler=scaler, ema=ema, autocast_dtype=precision, label_set=label_set,
        train_loader=train_loader, val_loader=val_loader, train_games=train_games, val_games=val_games,
        steps_per_epoch=steps_per_epoch, logger=logger, console=console, source=train_source,
        val_source=val_source,
    )  # fmt: skip
    if resume is not None:
        _warn_changed_options(console, config, resume, dist)
        restore_training_state(run, resume, rank=dist.rank)
    if dist.is_main:
        logger.config(config.flat())
        console.print(_describe(run), markup=False, highlight=False, soft_wrap=True)
    return run


def resolve_precision(choice: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype of ``choice`` on ``device`` (None: plain fp32). ``auto`` is bf16 on CUDA,
    fp32 on the CPU."""
    if choice == "auto":
        choice = "bf16" if device.type == "cuda" else "fp32"
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": None}[choice]


def _build_model(config: TrainConfig, *, start: dict | None, resume: dict | None) -> TDeed:
    model_config = config.model
    if resume is not None:
        model_config = replace(model_config, pretrained=False)  # the weights come from the run
    expected = model_config.to_dict()
    run = config.run
    if resume is not None:
        ckpt.check_model_config(run.resume, resume.get("model_config"), expected, keys=_WHOLE_KEYS)
    mode = "whole" if config.data.layout == "broadcast" else "trunk"
    if start is not None and resume is None:
        keys = _WHOLE_KEYS if mode == "whole" else _TRUNK_KEYS
        ckpt.check_model_config(run.start_from, start.get("model_config"), expected, keys=keys)
    try:
        net = create_model(model_config)
    except ValueError as err:
        raise DudekError(f"model options: {err}") from None
    if start is not None and resume is None:
        try:
            load_weights(net, start["model"], mode=mode)
        except CheckpointError as err:
            raise CheckpointError(f"{run.start_from}: {err}") from None
    return net


def _warn_changed_options(console: Console, config: TrainConfig, resume: dict, dist: DistInfo) -> None:
    stored = flatten(resume.get("train_config") or {})
    current = config.flat()
    changed = [k for k in current if k not in _RESUME_IGNORED and k in stored and stored[k] != current[k]]
    if changed and dist.is_main:
        details = ", ".join(f"{k} {stored[k]!r} -> {current[k]!r}" for k in changed)
        console.print(
            "[yellow]warning:[/] resuming with options that differ from the saved run: " + escape(details),
            soft_wrap=True,
        )


def _describe(run: TrainingRun) -> str:
    c = run.config
    clips = len(run.train_loader) * c.data.batch_size * run.dist.world_size
    params = sum(p.numel() for p in run.net.parameters()) / 1e6
    where = "from scratch"
    if c.run.resume:
        where = f"resuming at epoch {run.state.epoch + 1} step {run.state.step_in_epoch}"
    elif c.run.start_from:
        part = "whole model" if c.data.layout == "broadcast" else "backbone + temporal layers"
        where = f"starting from {c.run.start_from} ({part})"
    return (
        f"{c.data.layout}: {len(run.train_games)} training / {len(run.val_games)} validation games, "
        f"{clips} clips x {c.sampling.clip_frames} frames per epoch, {run.steps_per_epoch} steps; "
        f"{c.model.features_model_name} ({params:.1f}M params) on {run.device} "
        f"({_precision_name(run.autocast_dtype)}), video from {run.source.name}, "
        f"world size {run.dist.world_size}; {where}; logs in {Path(c.run.run_dir)}"
    )


def _precision_name(dtype: torch.dtype | None) -> str:
    return {torch.bfloat16: "bf16", torch.float16: "fp16", None: "fp32"}[dtype]
