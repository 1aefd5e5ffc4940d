"""The clip model every loader shares, whatever decodes the pixels.

Which clips an epoch trains on (:mod:`.sampling`), what augmentation each gets (:mod:`.augment`),
the videos they come from (:mod:`.videos`), the batch format and its targets (:mod:`.batch`),
whole-game windows (:mod:`.windows`, :mod:`.game_reader`), sampling by time on the 25 fps grid
(:mod:`.time_grid`), the loader interface (:mod:`.loader`) and ImageNet normalisation
(:mod:`.pixels`). Pure Python and numpy (torch only inside the functions that build tensors),
except the augmentation applied in torch (:mod:`.transforms`, :mod:`.torch_augment`), which the
package does not import: the frame-folder and torchcodec loaders both apply it, so it lives below
them. DALI lives in :mod:`dudek_dali.pipelines`, frame folders in :mod:`dudek_dali.frames`, PyAV in
:mod:`dudek_dali.pyav`, torchcodec in :mod:`dudek_dali.torchcodec`, and all of them build on this.
"""

from dudek_dali.clips.augment import AugmentConfig, CameraPose, ClipAugment, draw_augment
from dudek_dali.clips.batch import ClipBatch, batch_targets, make_batch
from dudek_dali.clips.game_reader import GameReader, GameReaderConfig
from dudek_dali.clips.loader import ClipLoader, EpochPlanLoader
from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD, to_pixels
from dudek_dali.clips.sampling import ClipSampler, PlannedClip, SamplingConfig, clip_span, split_windows
from dudek_dali.clips.videos import VideoEntry, video_entries
from dudek_dali.clips.windows import Window, assemble_windows, sampled_count, window_count

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "AugmentConfig",
    "CameraPose",
    "ClipAugment",
    "ClipBatch",
    "ClipLoader",
    "ClipSampler",
    "EpochPlanLoader",
    "GameReader",
    "GameReaderConfig",
    "PlannedClip",
    "SamplingConfig",
    "VideoEntry",
    "Window",
    "assemble_windows",
    "batch_targets",
    "clip_span",
    "draw_augment",
    "make_batch",
    "sampled_count",
    "split_windows",
    "to_pixels",
    "video_entries",
    "window_count",
]
