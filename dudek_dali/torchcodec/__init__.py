"""torchcodec readers: the decoder a PyTorch user would pick, on the CPU (FFmpeg) or NVDEC.

:func:`create_torchcodec_loader` reads planned training clips (``VideoDecoder.get_frames_at``,
augmented in torch on the batch's device exactly as the frame-folder loader does);
:class:`TorchcodecGameReader` reads whole games sampling by time, like the PyAV reader.
:func:`torchcodec_status` says whether torchcodec can decode here (its version, the FFmpeg it
loaded, its CUDA backend) or, in one line, how to fix it; it never raises.

torchcodec and torch are imported on first use, so importing this room stays cheap and never
fails where torchcodec is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dudek_dali.torchcodec.status import TorchcodecStatus, require_torchcodec, torchcodec_status

if TYPE_CHECKING:
    from dudek_dali.torchcodec.clip_loader import TorchcodecClipLoader, create_torchcodec_loader
    from dudek_dali.torchcodec.game_reader import TorchcodecGameReader

_LAZY = {
    "TorchcodecClipLoader": "clip_loader",
    "create_torchcodec_loader": "clip_loader",
    "TorchcodecGameReader": "game_reader",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"dudek_dali.torchcodec.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "TorchcodecClipLoader",
    "TorchcodecGameReader",
    "TorchcodecStatus",
    "create_torchcodec_loader",
    "require_torchcodec",
    "torchcodec_status",
]
