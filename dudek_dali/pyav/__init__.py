"""PyAV (FFmpeg) readers: any codec FFmpeg decodes, at any frame rate, on the CPU, without DALI.

:class:`PyAVGameReader` reads whole games for inference, sampling frames by timestamp (so a 30 or
50 fps video is read at the model's 12.5 fps); ``dudek spot``, ``dudek submit`` and evaluation use
it wherever DALI cannot decode. :class:`PyAVClipReader` reads planned training clips with nothing
but decode and resize: the floor every video loader is measured against (``dudek benchmark``).
"""

from dudek_dali.pyav.clip_reader import PyAVClipReader
from dudek_dali.pyav.game_reader import PyAVGameReader

__all__ = ["PyAVClipReader", "PyAVGameReader"]
