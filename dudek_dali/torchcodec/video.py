"""Open torchcodec decoders and call them with errors that name the file.

torchcodec raises ``RuntimeError`` / ``IndexError`` / ``ValueError`` whose text names neither the
file nor a fix; every call the readers make runs inside :func:`decoding`, which turns them into
one :class:`~dudek_dali.errors.VideoError` line naming the file.

``device`` is where frames are decoded: ``cpu`` (FFmpeg, ``threads`` decoder threads) or
``cuda[:N]`` (torchcodec's NVDEC backend, frames stay on that GPU).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dudek_dali.data.video_check import Decoder
from dudek_dali.errors import DudekError, VideoError
from dudek_dali.torchcodec.status import require_torchcodec

if TYPE_CHECKING:
    import torch
    from torchcodec.decoders import VideoDecoder

SeekMode = Literal["exact", "approximate"]
DECODER = Decoder("by torchcodec")  # for the video checks: whatever its FFmpeg decodes
# What torchcodec's NVDEC backend (its default CUDA backend) decodes on the GPU, by FFmpeg's codec
# name: ``validate_codec_support`` in its src/torchcodec/_core/BetaCudaDeviceInterface.cpp (the same
# list in 0.16.0 and on main after 0.17). Anything else it decodes on the CPU without raising (its
# ``cpu_fallback``), so a GPU source must refuse it up front. The GPU's own limits (bit depth, size)
# are checked by NVDEC when the decoder opens.
NVDEC_CODECS = frozenset({"h264", "hevc", "av1", "vp9", "vp8", "mpeg4"})
GPU_DECODER = Decoder("by torchcodec on the GPU", NVDEC_CODECS, " (decode with torchcodec on the CPU)")


def decoder_on(device: torch.device) -> Decoder:
    """Who decodes on ``device``, for the video checks: NVDEC's codecs on a CUDA device."""
    return GPU_DECODER if device.type == "cuda" else DECODER


@contextmanager
def decoding(path: Path) -> Iterator[None]:
    """Re-raise what torchcodec raises inside the block as a :class:`VideoError` naming ``path``."""
    try:
        yield
    except DudekError:
        raise
    except (RuntimeError, IndexError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise VideoError(f"{path}: torchcodec cannot decode it ({first})") from None


def open_decoder(
    path: Path,
    *,
    device: torch.device,
    seek_mode: SeekMode,
    threads: int = 1,
    size: Sequence[int] | None = None,
) -> VideoDecoder:
    """A decoder of ``path``'s best video stream on ``device``, NCHW uint8 frames.

    ``size`` (height, width) resizes in the decoder (FFmpeg's scaler; the CPU only: torchcodec's
    NVDEC backend applies no decoder transforms).
    """
    require_torchcodec()
    from torchcodec.decoders import VideoDecoder
    from torchcodec.transforms import Resize

    transforms = [Resize(tuple(size))] if size is not None else None
    with decoding(path):
        return VideoDecoder(
            str(path), device=str(device), seek_mode=seek_mode, num_ffmpeg_threads=threads,
            transforms=transforms,
        )  # fmt: skip
