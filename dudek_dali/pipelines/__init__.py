"""DALI, and only DALI: decode SoccerNet video (GPU or CPU) straight into augmented PyTorch clips.

Every module that imports ``nvidia.dali`` lives here (the import-graph test checks it); the clip
model these loaders implement (sampling, augmentation parameters, batches, windows) is
:mod:`dudek_dali.clips`, shared with the frame-folder and PyAV readers. DALI itself is imported
only when a pipeline is built or iterated, so importing this package is cheap.
"""

from dudek_dali.pipelines.clip_loader import DaliClipLoader, create_dali_loader
from dudek_dali.pipelines.game_reader import DaliGameReader
from dudek_dali.pipelines.validation import CPU_CODECS, DALI_CODECS, GPU_CODECS, check_video, validate_videos

__all__ = [
    "CPU_CODECS",
    "DALI_CODECS",
    "GPU_CODECS",
    "DaliClipLoader",
    "DaliGameReader",
    "check_video",
    "create_dali_loader",
    "validate_videos",
]
