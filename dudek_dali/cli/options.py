"""Options several commands share, spelled and explained once."""

from __future__ import annotations

DECODE_HELP = (
    "Decode with DALI on the GPU (NVDEC), or with DALI on the CPU (VP8/VP9/MJPEG only). "
    "Default: the GPU when CUDA is visible."
)
DEVICE_HELP = "Torch device for the model: auto (CUDA when visible), cpu, cuda or cuda:N."
TRUST_PICKLE_HELP = (
    "Load a .pt checkpoint that needs arbitrary Python objects (full unpickling: it can run "
    "code). Only for files from a source you trust."
)


def source_choice(decode_on_gpu: bool | None) -> str:
    """``--decode-on-gpu/--decode-on-cpu`` (unset: ``auto``) as a video source choice."""
    if decode_on_gpu is None:
        return "auto"
    return "dali-gpu" if decode_on_gpu else "dali-cpu"
