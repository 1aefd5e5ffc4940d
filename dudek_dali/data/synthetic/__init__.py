"""The synthetic SoccerNet dataset: the project's embedded default for tests, demo and benchmarks.

:func:`synthesize_dataset` (:mod:`.dataset`) writes games in the real layouts from a
:class:`SynthConfig` (:mod:`.config`): :mod:`.plan` decides each game's name, events and label
file, :mod:`.render` draws the frames (signatures from :mod:`.signatures`, frame indices stamped by
:mod:`.stamp`) and :mod:`.encode` writes the video.
"""

from dudek_dali.data.synthetic.config import CODECS, FPS, Codec, SynthConfig
from dudek_dali.data.synthetic.dataset import MANIFEST, SynthGame, SynthSummary, synthesize_dataset
from dudek_dali.data.synthetic.stamp import read_frame_index

__all__ = [
    "CODECS",
    "FPS",
    "MANIFEST",
    "Codec",
    "SynthConfig",
    "SynthGame",
    "SynthSummary",
    "read_frame_index",
    "synthesize_dataset",
]
