"""Which games a run trains and validates on, and the loaders that read them.

* broadcast layout (``dudek pretrain``): labelled games split at random by the run's seed, 40 of
  every 500 for validation as in the seed (at least one); clips, for training and validation, only
  within ``sampling.event_radius_sec`` of an annotation when set (the seed's 8 s: all its frame
  folders hold).
* SN-BAS-2025 (``dudek train``): the official split (train / valid match folders) by default; with
  ``split="random"`` the labelled games are shuffled by the seed and cut 4 : 1 : 2 into
  train / valid / held-out test, the proportions of the official split.
* without validation (``dudek train-challenge``): every labelled game.

Problems are reported before anything heavy starts: broken match folders, an empty training set,
a clip longer than every training video.
"""

from __future__ import annotations

from dataclasses import replace

from dudek_dali.clips.augment import AugmentConfig
from dudek_dali.clips.loader import ClipLoader
from dudek_dali.clips.sampling import clip_span
from dudek_dali.data.games import Game, discover_games
from dudek_dali.data.splits import official_split, random_split
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.sources import Source, create_clip_loader
from dudek_dali.train.config import PRETRAIN_VALID_FRACTION, TrainConfig

# The official SN-BAS-2025 split has 4 train, 1 valid and 2 test games.
_RANDOM_SPLIT_PARTS = (4, 1, 2)


def select_games(config: TrainConfig) -> tuple[list[Game], list[Game]]:
    """``(train_games, val_games)`` for the run (``val_games`` empty without validation)."""
    data = config.data
    found = discover_games(data.dataset_path, layout=data.layout, resolution=data.resolution)
    found.raise_for_problems()
    labelled = [g for g in found.games if g.is_labelled]
    where = f"{data.dataset_path}"
    if not labelled:
        raise DatasetError(
            f"{where}: no labelled {data.layout} games at {data.resolution}p "
            f"(found {len(found.games)} game folders without label files)"
        )
    if not data.validate:
        return labelled, []
    if data.layout == "broadcast":
        valid_count = max(1, round(len(labelled) * PRETRAIN_VALID_FRACTION))
        train, valid = _random(labelled, (len(labelled) - valid_count, valid_count), config, where)
    elif data.split == "official":
        train, valid = official_split(labelled, "train"), official_split(labelled, "valid")
        if not train or not valid:
            missing = "training" if not train else "validation"
            raise DatasetError(
                f"{where}: no {missing} game of the official SN-BAS-2025 split among {len(labelled)} "
                f"labelled games (match folders are named as in SN-BAS-2025); use --split random"
            )
    else:
        total = sum(_RANDOM_SPLIT_PARTS)
        valid_count = max(1, round(len(labelled) * _RANDOM_SPLIT_PARTS[1] / total))
        test_count = round(len(labelled) * _RANDOM_SPLIT_PARTS[2] / total)
        test_count = min(test_count, len(labelled) - valid_count - 1)
        train_count = len(labelled) - valid_count - max(test_count, 0)
        train, valid = _random(labelled, (train_count, valid_count), config, where)
    return train, valid


def _random(games: list[Game], counts: tuple[int, int], config: TrainConfig, where: str):
    if counts[0] < 1:
        raise DatasetError(
            f"{where}: {len(games)} labelled game(s) cannot be split into training and validation games; "
            f"add games or train without validation (train-challenge)"
        )
    train, valid = random_split(games, counts, seed=config.run.seed)
    return train, valid


def check_clip_fits(config: TrainConfig, games: list[Game]) -> None:
    """A clip must fit in at least one training video, else there is nothing to sample."""
    clip_frames, stride = config.sampling.clip_frames, config.sampling.stride
    span = clip_span(clip_frames, stride)
    longest = max((v.num_frames for g in games for v in g.videos), default=0)
    if span > longest:
        raise DatasetError(
            f"{config.data.dataset_path}: a clip of {clip_frames} frames at stride {stride} "
            f"spans {span} video frames, longer than every training video (longest: {longest} frames); "
            f"lower --clip_frames_count or --stride"
        )


def create_loader(
    config: TrainConfig, games: list[Game], *, training: bool, source: Source, rank: int, world_size: int
) -> ClipLoader:
    """The run's training (or validation-loss) clip loader over ``games``, from ``source``.

    Training clips are ``config.sampling``'s, with the run's seed and this process's shard.
    Validation clips are never augmented; with ``data.val_epoch_size`` they are a seeded random
    subset of the validation windows, the same subset every epoch (the trainer always reads
    validation epoch 0), so validation losses of different epochs compare like for like.
    Frame folders are augmented in torch, on the training device.
    """
    data = config.data
    sampling = replace(config.sampling, seed=config.run.seed, rank=rank, world_size=world_size)
    if not training:
        sampling = replace(
            sampling, epoch_size=data.val_epoch_size, even_choice_proba=0.0,
            shuffle=data.val_epoch_size is not None, augment=AugmentConfig.off(),
        )  # fmt: skip
    return create_clip_loader(
        games,
        sampling,
        source=source,
        size=config.model.input_size,
        batch_size=data.batch_size if training else data.val_batch_size,
        targets=TargetEncoder(games[0].label_set, data.displacement),
        workers=data.workers,
    )
