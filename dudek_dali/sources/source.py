"""Where frames come from, resolved once: the :class:`Source` every loader, reader and command takes.

A user names a video source (``--source NAME`` on every command, ``source=`` in the library):

* ``dali-gpu``: DALI on the GPU (NVDEC: H.264, HEVC, VP8, VP9, AV1, MJPEG as the GPU supports them);
* ``dali-cpu``: DALI on the CPU (VP8, VP9 and MJPEG only in this DALI build);
* ``torchcodec-gpu``: torchcodec's NVDEC backend on the GPU (H.264, HEVC, AV1, VP9, VP8, MPEG-4
  Part 2: what its NVDEC backend accepts; it would decode anything else on the CPU, silently);
* ``torchcodec-cpu``: torchcodec on the CPU, any codec its FFmpeg decodes; batches land on the
  model's device and are augmented there;
* ``frames``: JPEG folders written by ``dudek extract-frames`` (the seed's way);
* ``pyav``: FFmpeg through PyAV on the CPU, any codec FFmpeg reads; whole games only (no
  augmented training clips);
* ``auto``: decided here, by :func:`resolve_source`, and nowhere else.

The PyAV and torchcodec readers sample whole games by timestamp (any frame rate, variable too);
DALI's by frame index (25 fps, constant rate). A torchcodec source that cannot load here (not
installed, no FFmpeg, or for ``torchcodec-gpu`` no working NVDEC) is refused by name with the fix
in one line (:func:`~dudek_dali.torchcodec.torchcodec_status`), and left out of ``auto``.

:func:`resolve_source` is the only function that turns a name into a source: it checks the name,
resolves the torch device (CUDA is looked for there, once), and returns a frozen :class:`Source`
that knows its name, the torch device its batches land on, the DALI backend and CUDA index of a
DALI source, and whether it can decode a given video. ``auto`` resolves to a *chain*: the sources
usable here in order of preference for the job (random training clips, or whole games read front
to back), each holding the next as its ``fallback``. :meth:`Source.for_games` then picks, from the
facts of the videos (codec; for whole-game reading by frame index, 25 fps at a constant rate), the
first source of the chain that reads every video. A named source is a chain of one: a video it
cannot read is an error naming the video and why, never a silent switch to another decoder.
Nothing downstream resolves again: loaders, readers, training, evaluation, spotting, ``dudek
doctor`` and the benchmarks all take the :class:`Source`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from dudek_dali.data.games import Game, GameVideo
from dudek_dali.devices import resolve_device
from dudek_dali.errors import DudekError, VideoError
from dudek_dali.pipelines.validation import DALI_CODECS, Backend
from dudek_dali.torchcodec.status import TorchcodecStatus, torchcodec_status
from dudek_dali.torchcodec.video import NVDEC_CODECS

if TYPE_CHECKING:
    import torch

SourceName = Literal["dali-gpu", "dali-cpu", "torchcodec-gpu", "torchcodec-cpu", "frames", "pyav"]
SOURCE_NAMES: tuple[str, ...] = get_args(SourceName)
AUTO = "auto"
SOURCE_CHOICES: tuple[str, ...] = (AUTO, *SOURCE_NAMES)
SOURCE_HELP = "auto, " + ", ".join(SOURCE_NAMES)

Job = Literal["train", "read"]  # random augmented training clips; whole games, front to back
READ_ONLY: frozenset[str] = frozenset({"pyav"})  # whole-game readers without a training clip loader
SAMPLES_BY_TIME: frozenset[str] = frozenset({"pyav", "torchcodec-cpu", "torchcodec-gpu"})  # others: by index
MODEL_FPS = 25.0  # the rate the model's stride counts in (SoccerNet video)

# ``auto``'s order of preference per job, the GPU sources first where CUDA is the device. The CPU
# order is measured on our 2-core VM (README, "Video sources: which is fastest"): training clips,
# DALI's CPU decoder 246 delivered frames/s against torchcodec's 221 (same VP9 clips, augmented,
# median of 3 rounds, ahead in every round); whole games (dudek spot, the demo's model, the same
# VP9 game) PyAV 5.6 s, torchcodec 5.8 s, DALI CPU 9.3 s. The GPU order (DALI before torchcodec)
# is not measured yet: no GPU has been lent to us; DALI stays first there until one is.
_AUTO_ORDER: dict[Job, tuple[SourceName, ...]] = {
    "train": ("dali-gpu", "torchcodec-gpu", "dali-cpu", "torchcodec-cpu"),
    "read": ("dali-gpu", "torchcodec-gpu", "pyav", "torchcodec-cpu", "dali-cpu"),
}
_GPU_ONLY: frozenset[str] = frozenset({"dali-gpu", "torchcodec-gpu"})
TORCHCODEC_SOURCES: tuple[str, ...] = ("torchcodec-cpu", "torchcodec-gpu")
_ON_CPU: frozenset[str] = frozenset({"dali-cpu"})  # batches land on the CPU whatever the model's device


@dataclass(frozen=True)
class Source:
    """A resolved video source (see the module docstring); build one with :func:`resolve_source`.

    ``device`` is where its batches land: the CUDA device a GPU source decodes on, the CPU for
    ``dali-cpu``, the model's device for ``torchcodec-cpu``, ``frames`` and ``pyav`` (they
    augment or normalise there). ``fallback`` is the next source of an ``auto`` chain.
    """

    name: SourceName
    device: torch.device
    job: Job = "train"
    fallback: Source | None = None
    auto: bool = False  # one of ``auto``'s chain (its errors then speak of every source here)

    @property
    def is_dali(self) -> bool:
        return self.name in ("dali-gpu", "dali-cpu")

    @property
    def dali_backend(self) -> Backend:
        """The DALI backend of a DALI source (``dali-gpu`` -> ``gpu``)."""
        if not self.is_dali:
            raise ValueError(f"{self.name} is not a DALI source")
        return "gpu" if self.device.type == "cuda" else "cpu"

    @property
    def is_torchcodec(self) -> bool:
        return self.name in TORCHCODEC_SOURCES

    @property
    def decode_device(self) -> torch.device:
        """Where it decodes: its CUDA device for a GPU source, else the CPU (whatever ``device`` is)."""
        import torch

        return self.device if self.name in _GPU_ONLY else torch.device("cpu")

    @property
    def cuda_index(self) -> int | None:
        """The CUDA device its batches land on (None: the CPU)."""
        return self.device.index if self.device.type == "cuda" else None

    @property
    def samples_by_time(self) -> bool:
        """Whether a whole game is sampled by timestamp (any frame rate) rather than by frame index."""
        return self.name in SAMPLES_BY_TIME

    @property
    def codecs(self) -> frozenset[str] | None:
        """The codecs it decodes; None: whatever FFmpeg here decodes (or, for frames, no decoding)."""
        if self.is_dali:
            return DALI_CODECS[self.dali_backend]
        return NVDEC_CODECS if self.name == "torchcodec-gpu" else None

    def chain(self) -> Iterator[Source]:
        """This source, then its fallbacks in order."""
        source: Source | None = self
        while source is not None:
            yield source
            source = source.fallback

    def unreadable(self, video: GameVideo) -> str | None:
        """Why this source cannot read ``video`` (codec; for whole games, the frame rate), or None.

        Decided from the facts discovery already holds (codec, frame rate) and, for a DALI
        source reading whole games, the video's packet scan (cached per video).
        """
        codecs = self.codecs
        if codecs is not None and video.info.codec not in codecs:
            return f"{self.name} does not decode {video.info.codec} (it reads {', '.join(sorted(codecs))})"
        if self.job == "read" and self.is_dali:
            if abs(video.info.fps - MODEL_FPS) >= 0.01:
                return f"{self.name} samples by frame index and the video is {video.info.fps:g} fps, not 25"
            if not video.constant_rate:
                return f"{self.name} samples by frame index and the video's frame rate varies"
        return None

    def for_games(self, games: Sequence[Game]) -> Source:
        """The first source of the chain that reads every video of ``games``.

        Raises a :class:`~dudek_dali.errors.VideoError` naming a video none of them reads, with
        each source's reason.
        """
        videos = [v for g in games for v in g.videos]
        reasons: dict[str, tuple[GameVideo, str]] = {}
        for source in self.chain():
            problem = next(((v, why) for v in videos if (why := source.unreadable(v))), None)
            if problem is None:
                return source
            reasons[source.name] = problem
        video = next(iter(reasons.values()))[0]
        if not self.auto:
            _, why = reasons[self.name]
            raise VideoError(f"{video.path}: --source {self.name} cannot read it: {why}; try --source auto")
        tried = "; ".join(why for _, why in reasons.values())
        hint = "; to train here, extract frames (dudek extract-frames) and use --source frames"
        found = f"{video.path}: no video source here reads it ({tried})"
        raise VideoError(found + hint * (self.job == "train"))

    def describe(self) -> str:
        """``dali-gpu on cuda:0``: for logs."""
        return f"{self.name} on {self.device}"


def check_source_name(name: str, *, job: Job = "train") -> str:
    """``name`` when it is a source choice the ``job`` accepts; a one-line error naming the choices."""
    if name not in SOURCE_CHOICES:
        raise DudekError(f"--source must be one of {SOURCE_HELP}, got {name!r}")
    if job == "train" and name in READ_ONLY:
        trainable = ", ".join(s for s in SOURCE_NAMES if s not in READ_ONLY)
        raise DudekError(
            f"--source {name} reads whole games only (spotting, submissions, evaluation), not augmented "
            f"training clips; use auto or one of {trainable}"
        )
    return name


def resolve_source(
    name: str = AUTO, *, device: str | torch.device | None = None, job: Job = "train"
) -> Source:
    """The :class:`Source` ``name`` means here for ``job``, delivering on ``device``.

    ``device`` is the model's torch device (``auto``/None: CUDA when visible; a ``torch.device``
    is taken as already resolved). ``auto`` chains the sources usable on that device in order of
    preference; the GPU sources need ``device`` to be a CUDA device.
    """
    import torch

    check_source_name(name, job=job)
    if not isinstance(device, torch.device):
        device = resolve_device(device or "auto")
    elif device.type == "cuda" and device.index is None:
        device = torch.device("cuda", torch.cuda.current_device())
    on_gpu = device.type == "cuda"
    if name in _GPU_ONLY and not on_gpu:
        raise DudekError(
            f"--source {name} decodes on the GPU, but the device is {device} (no CUDA device, or "
            f"--device cpu); use --source auto, or a CPU source: "
            + ", ".join(s for s in SOURCE_NAMES if s not in _GPU_ONLY)
        )
    if name == AUTO:
        names = [s for s in _AUTO_ORDER[job] if (on_gpu or s not in _GPU_ONLY) and cannot_load(s) is None]
    elif (why := cannot_load(name)) is not None:
        raise DudekError(f"--source {name} cannot decode here: {why}")
    else:
        names = [name]
    source = None
    for chosen in reversed(names):
        lands_on = torch.device("cpu") if chosen in _ON_CPU else device
        source = Source(
            name=chosen, device=lands_on, job=job, fallback=source, auto=name == AUTO  # type: ignore[arg-type]
        )
    assert source is not None
    return source


def cannot_load(name: str, *, status: TorchcodecStatus | None = None) -> str | None:
    """Why the decoder behind source ``name`` cannot load here (one line with the fix), or None.

    Asked of torchcodec only (``status``, by default :func:`~dudek_dali.torchcodec.torchcodec_status`,
    probed once per process; for ``torchcodec-gpu``, decoding a frame with NVDEC); DALI and PyAV
    are dependencies.
    """
    if name not in TORCHCODEC_SOURCES:
        return None
    status = status or torchcodec_status(cuda=name == "torchcodec-gpu")
    if status.problem is not None:
        return status.problem
    if name == "torchcodec-gpu" and status.cuda is None:
        return f"it decodes on a CUDA GPU ({status.cuda_note})"
    if name == "torchcodec-gpu" and not status.cuda:
        return f"torchcodec's CUDA backend does not decode on this GPU ({status.cuda_note})"
    return None
