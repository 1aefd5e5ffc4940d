"""DALI clip pipelines: decode SoccerNet video (GPU or CPU) straight into augmented PyTorch clips.

Heavy modules (torch, DALI) are imported only when a loader is built or iterated.
"""

from dudek_dali.pipelines.augment_params import AugmentConfig, CameraPose, ClipAugment, draw_augment
from dudek_dali.pipelines.batch import ClipBatch
from dudek_dali.pipelines.clip_loader import ClipLoader, create_clip_loader
from dudek_dali.pipelines.game_reader import GameReader, GameReaderConfig
from dudek_dali.pipelines.sampling import (
    ClipSampler,
    PlannedClip,
    SamplingConfig,
    split_windows,
    video_sources,
)
from dudek_dali.pipelines.validation import CPU_CODECS, GPU_CODECS, check_video, validate_videos

__all__ = [
    "CPU_CODECS",
    "GPU_CODECS",
    "AugmentConfig",
    "CameraPose",
    "ClipAugment",
    "ClipBatch",
    "ClipLoader",
    "ClipSampler",
    "GameReader",
    "GameReaderConfig",
    "PlannedClip",
    "SamplingConfig",
    "check_video",
    "create_clip_loader",
    "draw_augment",
    "split_windows",
    "validate_videos",
    "video_sources",
]
