"""PyAV (FFmpeg) readers: any codec FFmpeg decodes, on the CPU, without DALI.

:class:`PyAVClipReader` reads planned training clips with nothing but decode and resize: the
floor every video loader is measured against (``dudek benchmark loaders``).
"""

from dudek_dali.pyav.clip_reader import PyAVClipReader

__all__ = ["PyAVClipReader"]
