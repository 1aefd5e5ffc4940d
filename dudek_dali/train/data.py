"""Which games a run trains and validates on, and the loaders that read them.

* ``pretrain`` (broadcast layout): labelled games split at random by ``random_seed``, 40 of every
  500 for validation as in the seed (at least one); clips, for training and validation, only
  within ``event_radius_sec`` of an annotation (the seed's 8 s: all its frame folders hold).
* ``train`` (SN-BAS-2025): the official split (train / valid match folders) by default; with
  ``--split random`` the labelled games are shuffled by ``random_seed`` and cut 4 : 1 : 2 into
  train / valid / held-out test, the proportions of the official split.
* ``train-challenge``: every labelled game, no validation.

Problems are reported before anything heavy starts: broken match folders, an empty training set,
a clip longer than every training video.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudek_dali.clips.augment import AugmentConfig
from dudek_dali.clips.loader import ClipLoader
from dudek_dali.clips.sampling import SamplingConfig, clip_span
from dudek_dali.data.games import Game, discover_games
from dudek_dali.data.splits import official_split, random_split
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.errors import DatasetError
from dudek_dali.sources import VideoSource, create_clip_loader
from dudek_dali.train.config import PRETRAIN_VALID_FRACTION, TrainConfig

if TYPE_CHECKING:
    import torch

# The official SN-BAS-2025 split has 4 train, 1 valid and 2 test games.
_RANDOM_SPLIT_PARTS = (4, 1, 2)


def select_games(config: TrainConfig) -> tuple[list[Game], list[Game]]:
    """``(train_games, val_games)`` for the run (``val_games`` empty without validation)."""
    found = discover_games(config.dataset_path, layout=config.layout, resolution=config.resolution)
    found.raise_for_problems()
    labelled = [g for g in found.games if g.is_labelled]
    where = f"{config.dataset_path}"
    if not labelled:
        raise DatasetError(
            f"{where}: no labelled {config.layout} games at {config.resolution}p "
            f"(found {len(found.games)} game folders without label files)"
        )
    if not config.validate:
        return labelled, []
    if config.layout == "broadcast":
        valid_count = max(1, round(len(labelled) * PRETRAIN_VALID_FRACTION))
        train, valid = _random(labelled, (len(labelled) - valid_count, valid_count), config, where)
    elif config.split == "official":
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
    train, valid = random_split(games, counts, seed=config.random_seed)
    return train, valid


def check_clip_fits(config: TrainConfig, games: list[Game]) -> None:
    """A clip must fit in at least one training video, else there is nothing to sample."""
    span = clip_span(config.clip_frames_count, config.stride)
    longest = max((v.num_frames for g in games for v in g.videos), default=0)
    if span > longest:
        raise DatasetError(
            f"{config.dataset_path}: a clip of {config.clip_frames_count} frames at stride {config.stride} "
            f"spans {span} video frames, longer than every training video (longest: {longest} frames); "
            f"lower --clip_frames_count or --stride"
        )


def create_loader(
    config: TrainConfig,
    games: list[Game],
    *,
    training: bool,
    video_source: VideoSource,
    device: torch.device,
    rank: int,
    world_size: int,
) -> ClipLoader:
    """The run's training (or validation-loss) clip loader over ``games``, from ``video_source``.

    Validation clips are never augmented; with ``enforce_val_epoch_size`` they are a seeded
    random subset of the validation windows, the same subset every epoch (the trainer always
    reads validation epoch 0), so validation losses of different epochs compare like for like.
    Frame folders are augmented in torch, on the training device.
    """
    epoch_size = config.enforce_train_epoch_size if training else config.enforce_val_epoch_size
    near_events = config.layout == "broadcast" and config.event_radius_sec > 0
    sampling = SamplingConfig(
        clip_frames=config.clip_frames_count,
        stride=config.stride,
        overlap=config.overlap,
        epoch_size=epoch_size,
        even_choice_proba=config.even_choice_proba if training else 0.0,
        even_choice_augment_factor=config.even_choice_augment_factor,
        event_radius_sec=config.event_radius_sec if near_events else None,
        shuffle=training or epoch_size is not None,
        seed=config.random_seed,
        rank=rank,
        world_size=world_size,
        augment=training_augment(config) if training else AugmentConfig.off(),
    )
    return create_clip_loader(
        games,
        sampling,
        source=video_source,
        size=config.input_size,
        batch_size=config.train_batch_size if training else config.val_batch_size,
        targets=TargetEncoder(games[0].label_set, config.displacement),
        device=device,
        workers=config.num_threads,
    )


def training_augment(config: TrainConfig) -> AugmentConfig:
    """The :class:`~dudek_dali.clips.AugmentConfig` of training clips under ``config``.

    ``color_jitter_proba`` applies to each of hue, saturation, brightness and contrast; the
    colour ranges are the seed's (see :class:`~dudek_dali.clips.AugmentConfig`).
    """
    return AugmentConfig(
        flip_proba=config.flip_proba,
        crop_proba=config.crop_proba,
        camera_proba=config.camera_move_proba,
        camera_style=config.camera_move_style,
        hue_proba=config.color_jitter_proba,
        saturation_proba=config.color_jitter_proba,
        brightness_proba=config.color_jitter_proba,
        contrast_proba=config.color_jitter_proba,
        **({} if config.gaussian_blur_kernel_size else {"blur_proba": 0.0}),
    )
