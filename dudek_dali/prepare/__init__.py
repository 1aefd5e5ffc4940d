"""Re-encoded copies of a dataset's videos with short keyframe intervals (``dudek prepare``).

DALI seeks back to the previous keyframe for every random clip; with SoccerNet's ~10 s GOPs a
training clip decodes about 3.6 video frames per delivered frame (``dudek benchmark keyframes``).
A copy with a keyframe every second decodes far fewer, for a few times the video's disk, which
is still a fraction of the frame folders' disk. See :mod:`.dataset` and :mod:`.transcode`.
"""

from dudek_dali.prepare.dataset import PREPARED_MANIFEST, PreparedDataset, prepare_dataset
from dudek_dali.prepare.transcode import CODECS, TranscodeResult, default_codec, transcode_video

__all__ = [
    "CODECS",
    "PREPARED_MANIFEST",
    "PreparedDataset",
    "TranscodeResult",
    "default_codec",
    "prepare_dataset",
    "transcode_video",
]
