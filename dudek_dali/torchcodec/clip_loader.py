"""The torchcodec training clip loader: the :class:`~dudek_dali.clips.ClipLoader` interface over
torchcodec's ``VideoDecoder.get_frames_at``.

What a PyTorch user would write first, made interchangeable with the other loaders: the same epoch
plan and per-clip augmentation parameters (:class:`~dudek_dali.clips.sampling.ClipSampler`), the
same targets and :class:`~dudek_dali.clips.batch.ClipBatch`. Each planned clip's frames are
decoded (one open decoder per video, kept across clips and epochs: a decoder that stays open
continues forward without seeking when the next clip lies ahead in the same GOP), moved to the
batch's device, then cropped, resized and augmented there by
:func:`~dudek_dali.clips.torch_augment.augment_clip`, the code the frame-folder loader runs, in
the order and with the parameters the DALI graph uses (the crop box is taken from the decoded
video, as DALI takes it).

Where the resize happens: decoding on the CPU, a clip without a crop (three clips in four with the
seed's augmentations) is resized inside the decoder, by FFmpeg's scaler as it converts to RGB
(torchcodec's ``Resize``; a second open decoder per video), and the torch resize then has
nothing left to do; a cropped clip is decoded at the video's size and resampled in torch. The
scaler's pixels are those of the torch resize within a level (mean 0.03 levels, max 1, on a
398x224 VP9 clip), and the resize in torch was the loader's largest cost: 0.30 s of the 0.70 s
a clip took on two busy cores, against 0.21 s for decoding it (cProfile, 80 frames, 224x224).
NVDEC applies no decoder transforms, so on the GPU every clip is resized in torch.

Decoding on the CPU, the next batch is decoded in a thread
(:func:`~dudek_dali.clips.read_ahead.read_ahead`, one batch ahead) while this one is augmented:
FFmpeg and torch's kernels release the GIL, so the two overlap. Measured A/B on our 2-core VM
(`dudek benchmark loaders <2 synthetic 2-minute H.264 games> --seconds 10 --loaders
torchcodec-cpu,torchcodec-floor`, three interleaved rounds, the thread removed in the B runs):
273-340 delivered frames/s with it (median 288), 159-202 without (median 192). Unlike the
whole-game readers, which feed a model that already takes both cores, the thread pays here; on
the GPU there is no CPU augmentation to overlap, and the loader reads in turn.

``decode_only`` makes the loader a benchmark floor: each batch is the list of its clips' frames
as decoded (uint8, the video's size, no resize, augmentation or targets), what the decoding alone
costs.

``seek_mode="exact"`` (the default) scans each video's packets once when its decoder opens, so
frame ``i`` is the ``i``-th frame in display order: the frame DALI and the plan call ``i``, at
any frame rate. ``"approximate"`` skips the scan and turns ``i`` into a time from the header's
rate. Measured on a 1-minute 398x224 H.264 file (2 busy cores): opening takes 12 ms exact, 7 ms
approximate, and random 80-frame clips at stride 2 decode at the same ~13.6 clips/s, so the
exact count costs nothing worth a wrong frame on a variable-rate file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, get_args

import numpy as np

from dudek_dali.clips.augment import FULL_FRAME
from dudek_dali.clips.batch import ClipBatch, make_batch
from dudek_dali.clips.loader import EpochPlanLoader
from dudek_dali.clips.read_ahead import read_ahead
from dudek_dali.clips.sampling import ClipSampler, PlannedClip, SamplingConfig, clip_span
from dudek_dali.clips.torch_augment import augment_clip
from dudek_dali.clips.videos import video_entries
from dudek_dali.data.games import Game
from dudek_dali.data.targets import TargetEncoder
from dudek_dali.data.video_check import check_videos
from dudek_dali.sizes import Size, check_size
from dudek_dali.torchcodec.status import require_torchcodec
from dudek_dali.torchcodec.video import SeekMode, decoder_on, decoding, open_decoder

if TYPE_CHECKING:
    import torch
    from torchcodec.decoders import VideoDecoder

SEEK_MODES: tuple[str, ...] = get_args(SeekMode)


class TorchcodecClipLoader(EpochPlanLoader):
    """Iterates one epoch of :class:`ClipBatch` per ``iter()``; use :func:`create_torchcodec_loader`."""

    def __init__(
        self,
        sampler: ClipSampler,
        *,
        encoder: TargetEncoder,
        device: torch.device,
        decode_device: torch.device,
        size: Size,
        batch_size: int,
        num_threads: int,
        seek_mode: SeekMode,
        decode_only: bool = False,
    ) -> None:
        super().__init__(sampler, batch_size=batch_size)
        self.encoder = encoder
        self.device = device
        self.decode_device = decode_device
        self.size = tuple(size)
        self.num_threads = num_threads
        self.seek_mode = seek_mode
        self.decode_only = decode_only
        self._decoders: dict[tuple[int, bool], VideoDecoder] = {}  # (video, resizes) -> decoder

    def __iter__(self) -> Iterator[ClipBatch]:
        # Decoding on the CPU runs a batch ahead in a thread, beside the augmentation (measured:
        # module docstring).
        ahead = 1 if self.decode_device.type == "cpu" and not self.decode_only else 0
        decoded = read_ahead(map(self._decoded, self.batches(self.remaining_plan())), depth=ahead)
        for clips, numbers, frames in decoded:
            yield frames if self.decode_only else self._batch(clips, numbers, frames)

    def _decoded(
        self, clips: list[PlannedClip]
    ) -> tuple[list[PlannedClip], np.ndarray, list[torch.Tensor]]:
        """The clips, their frame numbers (clips, frames) and their frames as decoded (uint8, where
        they were decoded): at the loader's size where the decoder resizes (the CPU, a clip
        without a crop), else the video's."""
        sampling = self.sampler.config
        resizes = self.decode_device.type == "cpu" and not self.decode_only
        numbers = np.stack([c.frame_numbers(sampling.clip_frames, sampling.stride) for c in clips])
        frames = [
            self._decode(c.video, n, resized=resizes and c.augment.crop == FULL_FRAME)
            for c, n in zip(clips, numbers, strict=True)
        ]
        return clips, numbers, frames

    def _batch(self, clips: list[PlannedClip], numbers: np.ndarray, decoded: list[torch.Tensor]) -> ClipBatch:
        import torch

        sampling = self.sampler.config
        batch = torch.empty((len(clips), sampling.clip_frames, 3, *self.size), device=self.device)
        for i, (frames, clip) in enumerate(zip(decoded, clips, strict=True)):
            on_device = frames.to(self.device, non_blocking=True)
            augment_clip(on_device, clip.augment, size=self.size, out=batch[i])
        return make_batch(
            batch,
            entries=[self.videos[c.video] for c in clips],
            frame_numbers=numbers,
            flipped=np.array([c.augment.flip for c in clips], dtype=bool),
            clip_ids=np.array([c.position for c in clips], dtype=np.int64),
            encoder=self.encoder,
            stride=sampling.stride,
        )

    def _decode(self, video: int, numbers: np.ndarray, *, resized: bool = False) -> torch.Tensor:
        """Frames ``numbers`` of one video, (T, C, H, W) uint8 where they were decoded, at the
        loader's size when ``resized`` (FFmpeg's scaler, the CPU only), else the video's."""
        path = self.videos[video].path
        if (video, resized) not in self._decoders:
            self._decoders[video, resized] = open_decoder(
                path, device=self.decode_device, seek_mode=self.seek_mode, threads=self.num_threads,
                size=self.size if resized else None,
            )  # fmt: skip
        with decoding(path):
            return self._decoders[video, resized].get_frames_at(numbers.tolist()).data

    def close(self) -> None:
        """Close every open decoder (they reopen, and rescan, on the next epoch)."""
        self._decoders.clear()


def create_torchcodec_loader(
    games: Sequence[Game],
    sampling: SamplingConfig | None = None,
    *,
    device: torch.device | str = "cpu",
    size: Size = (224, 224),
    batch_size: int = 4,
    targets: TargetEncoder | None = None,
    num_threads: int = 1,
    decode_device: torch.device | str | None = None,
    seek_mode: SeekMode = "exact",
    validate: bool = True,
    decode_only: bool = False,
) -> TorchcodecClipLoader:
    """A clip loader over ``games`` decoding with torchcodec, interchangeable with the DALI one.

    ``sampling``, ``size`` (height, width), ``batch_size`` and ``targets`` mean what they mean for
    :func:`~dudek_dali.pipelines.create_dali_loader`. ``device`` is where batches land and are
    augmented; ``decode_device`` where frames are decoded (default: ``device``, so a CUDA device
    decodes on its NVDEC; ``"cpu"`` decodes with FFmpeg and augments on ``device``).
    ``num_threads`` is FFmpeg's decoder threads per video. Every video is checked first
    (:func:`~dudek_dali.data.video_check.check_videos`; ``validate=False`` skips it and trusts
    the containers' frame counts). ``decode_only``: batches are the clips' frames as decoded (the
    module docstring's benchmark floor). Raises :class:`~dudek_dali.errors.DudekError` with the
    fix when torchcodec cannot decode here.
    """
    import torch

    sampling = sampling or SamplingConfig()
    if not games:
        raise ValueError("no games to load clips from")
    if batch_size < 1 or num_threads < 1:
        raise ValueError(f"need batch_size >= 1 and num_threads >= 1, got {batch_size} and {num_threads}")
    if seek_mode not in SEEK_MODES:
        raise ValueError(f"seek_mode must be one of {', '.join(SEEK_MODES)}, got {seek_mode!r}")
    require_torchcodec()
    device = torch.device(device)
    encoder = targets or TargetEncoder(games[0].label_set)
    decode_device = torch.device(decode_device) if decode_device is not None else device
    min_frames = clip_span(sampling.clip_frames, sampling.stride)
    decoder = decoder_on(decode_device)
    checked = check_videos(games, decoder=decoder, min_frames=min_frames) if validate else None
    videos = video_entries(games, label_set=encoder.label_set, checked=checked)
    return TorchcodecClipLoader(
        ClipSampler(videos, sampling), encoder=encoder, device=device, decode_device=decode_device,
        size=check_size(size, minimum=8), batch_size=batch_size, num_threads=num_threads,
        seek_mode=seek_mode, decode_only=decode_only,
    )  # fmt: skip
