"""Can torchcodec decode here? Its version, the FFmpeg it loaded, its CUDA backend, or the fix.

torchcodec loads in three steps that fail separately, each with its own fix, and none of them
may crash a command that only asks (``dudek doctor``, a source that is "unavailable"):

1. the package itself (PyPI's Linux wheels of 0.17 are its CUDA 13 build and link torch's CUDA 13
   libraries: a CUDA 12 or CPU-only torch needs the build from PyTorch's own wheel index);
2. FFmpeg's shared libraries (torchcodec ships none: it tries FFmpeg 9 down to 4; on Debian 12
   that is FFmpeg 5.1 from :data:`FFMPEG_DEBS`, which ``scripts/setup`` installs as root);
3. its CUDA backend (NVDEC through the driver's libnvcuvid): only a decoded frame tells, and
   torchcodec falls back to the CPU without raising, so the probe asks it whether it did.

:func:`torchcodec_status` never raises; :func:`require_torchcodec` turns an unusable torchcodec
into one :class:`~dudek_dali.errors.DudekError` line with the fix, for the readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dudek_dali.errors import DudekError

# FFmpeg 5.1's shared libraries as Debian 12 packages them (what scripts/setup installs as root).
FFMPEG_DEBS = "libavcodec59 libavformat59 libavutil57 libswscale6 libswresample4 libavdevice59 libavfilter8"
FFMPEG_FIX = f"as root: apt-get install {FFMPEG_DEBS} (Debian 12), or conda install ffmpeg"
INSTALL_FIX = (
    "bash scripts/setup installs it next to a CUDA 13 torch (PyPI's torchcodec is the CUDA 13 build); "
    "for a CUDA 12 or CPU-only torch install torchcodec 0.17 from PyTorch's wheel index for that build"
)


@dataclass(frozen=True)
class TorchcodecStatus:
    """What :func:`torchcodec_status` found. ``problem`` is one line with the fix, or None."""

    version: str | None = None  # torchcodec's, e.g. "0.17.0+cu130"
    ffmpeg: str | None = None  # the FFmpeg it loaded, e.g. "5.1.9-0+deb12u1"
    cuda: bool | None = None  # its CUDA backend decoded a frame on the GPU; None: not tried
    cuda_note: str = ""  # why the CUDA backend cannot decode (or why it was not tried)
    problem: str | None = None

    @property
    def available(self) -> bool:
        """torchcodec decodes video on the CPU here."""
        return self.problem is None


@lru_cache(maxsize=2)
def torchcodec_status(*, cuda: bool = True) -> TorchcodecStatus:
    """Probe torchcodec (once per process); with ``cuda``, decode a tiny H.264 clip on the GPU too."""
    try:
        import torchcodec
    except ModuleNotFoundError:
        return TorchcodecStatus(problem=f"torchcodec is not installed: {INSTALL_FIX}")
    except Exception as err:  # a shared library of the wrong CUDA build, a torch ABI mismatch
        return TorchcodecStatus(problem=f"torchcodec cannot load ({_first_line(err)}); {_build_hint()}")
    version = getattr(torchcodec, "__version__", "unknown")
    if torchcodec.ffmpeg_major_version is None:
        problem = f"torchcodec {version} found no FFmpeg 4-9 shared libraries: {FFMPEG_FIX}"
        return TorchcodecStatus(version=version, problem=problem)
    ffmpeg = _ffmpeg_version()
    if not cuda:
        return TorchcodecStatus(version=version, ffmpeg=ffmpeg, cuda_note="not tried")
    works, note = _cuda_decodes()
    return TorchcodecStatus(version=version, ffmpeg=ffmpeg, cuda=works, cuda_note=note)


def require_torchcodec() -> None:
    """Raise a :class:`~dudek_dali.errors.DudekError` with the fix when torchcodec cannot decode here."""
    status = torchcodec_status(cuda=False)
    if status.problem is not None:
        raise DudekError(status.problem)


def _ffmpeg_version() -> str:
    from torchcodec._core import get_ffmpeg_library_versions  # the only place torchcodec says it

    return str(get_ffmpeg_library_versions().get("ffmpeg_version", "unknown"))


def _build_hint() -> str:
    import torch

    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU-only"
    return f"torch is the {build} build and torchcodec's build must match it: {INSTALL_FIX}"


def _cuda_decodes() -> tuple[bool | None, str]:
    """(decoded on the GPU without falling back to the CPU, why not)."""
    import torch

    if not torch.cuda.is_available():
        return None, "no CUDA device visible"
    from torchcodec.decoders import VideoDecoder

    try:
        decoder = VideoDecoder(_tiny_h264(), device="cuda")
        frame = decoder.get_frame_at(0).data
        fallback = decoder.cpu_fallback
    except Exception as err:  # NVDEC missing from the driver, an unsupported GPU
        return False, _first_line(err)
    if bool(fallback):
        return False, str(fallback)
    return frame.is_cuda, ""


def _tiny_h264() -> bytes:
    """Eight 64x64 H.264 frames in an MP4, in memory (PyAV's own FFmpeg encodes them)."""
    import io

    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        for i in range(8):
            picture = np.full((64, 64, 3), i * 30, dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return f"{type(err).__name__}: {lines[0].strip() if lines else ''}"
