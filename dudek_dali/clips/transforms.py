"""Clip augmentations in torch, on whatever device the frames are on.

Pure functions on a clip's frames, ``(T, C, H, W)`` float in 0..255, following the order and the
parameter semantics of :mod:`dudek_dali.clips.augment` so that the frame-folder and torchcodec
loaders apply the *same* augmentation as the DALI graph, parameter for parameter:

1. :func:`crop_resize`: a relative box resampled to the output size (separable triangle filter,
   widened when shrinking: antialiased linear, like DALI's resize);
2. :func:`warp_affine`: per-frame output->source pixel maps, bilinear, edge pixels replicated
   (or black outside the frame: dude-k's camera style);
3. :func:`color_twist`: DALI's ``color_twist`` (YIQ hue rotation and saturation, then contrast
   around 128 and brightness), clamped to 0..255 as DALI saturates uint8 output;
4. :func:`gaussian_blur`: a separable ``window`` x ``window`` gaussian, borders reflected
   (reflect-101);
5. :func:`hflip`; 6. :func:`normalize` (ImageNet mean and std).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD, normalize  # noqa: F401  (stage 6, re-exported)

# DALI's RGB -> YIQ matrix; it maps back with the exact inverse (not the rounded textbook one).
_RGB_TO_YIQ = ((0.299, 0.587, 0.114), (0.596, -0.274, -0.321), (0.211, -0.523, 0.311))
_HALF_RANGE = 128.0  # contrast pivots here for 8-bit images


def resample_matrix(
    in_size: int, out_size: int, start: float, end: float, *, device=None, dtype=torch.float32
) -> torch.Tensor:
    """``(out_size, in_size)`` weights resampling input pixels ``start..end`` onto ``out_size`` pixels.

    ``start``/``end`` are in input pixels (edges, not centres), so ``0, in_size`` is the whole row.
    The filter is a triangle, widened by the scale factor when shrinking so every input pixel
    contributes (antialiasing); taps outside the image are clamped to the edge pixel.
    """
    scale = (end - start) / out_size  # input pixels per output pixel
    radius = max(scale, 1.0)
    centres = start + (torch.arange(out_size, dtype=torch.float64) + 0.5) * scale - 0.5
    reach = math.ceil(radius) + 1
    taps = torch.floor(centres)[:, None] + torch.arange(-reach, reach + 1, dtype=torch.float64)[None, :]
    weights = (1.0 - (taps - centres[:, None]).abs() / radius).clamp(min=0.0)
    weights = weights / weights.sum(dim=1, keepdim=True)
    matrix = torch.zeros(out_size, in_size, dtype=torch.float64)
    matrix.scatter_add_(1, taps.clamp(0, in_size - 1).long(), weights)
    return matrix.to(device=device, dtype=dtype)


def crop_resize(
    frames: torch.Tensor, box: tuple[float, float, float, float], size: tuple[int, int]
) -> torch.Tensor:
    """Resample the relative ``box`` (x0, y0, x1, y1) of every frame to ``size`` (height, width).

    Columns first: 16:9 video shrinks most along its width, so the rows are then resampled at the
    output's width. An axis the box spans whole at its own size is left as it is (its matrix is
    the identity):
    398x224 video to 224x224 resamples the width only; ``frames`` itself comes back when neither
    axis needs it (uint8 frames stay uint8 then, and become float otherwise).
    """
    height, width = frames.shape[-2:]
    x0, y0, x1, y1 = box
    dtype = frames.dtype if frames.is_floating_point() else torch.float32
    if (x0, x1, width) != (0.0, 1.0, size[1]):
        cols = resample_matrix(width, size[1], x0 * width, x1 * width, device=frames.device, dtype=dtype)
        frames = banded_matmul(frames.to(dtype), cols, dim=-1)
    if (y0, y1, height) != (0.0, 1.0, size[0]):
        rows = resample_matrix(height, size[0], y0 * height, y1 * height, device=frames.device, dtype=dtype)
        frames = banded_matmul(frames.to(dtype), rows, dim=-2)
    return frames


_BAND_ROWS = 32  # output pixels per block of :func:`banded_matmul`


def banded_matmul(frames: torch.Tensor, matrix: torch.Tensor, *, dim: int) -> torch.Tensor:
    """``matrix`` (out, in) applied along ``dim`` (-2: rows, -1: columns) of ``frames``, block by block.

    A resampling matrix is banded: output pixel ``i`` reads a few input pixels around
    ``i * in / out``. Each block of 32 output pixels is multiplied with the input pixels its
    rows reach only, not the whole axis: for 398 -> 224 that is ~55 of 398 input columns a block,
    about a seventh of a dense product's work, with the same weights (equal up to float32
    rounding: the terms skipped are zeros).
    """
    reached = (matrix != 0).nonzero()  # (row, column) of every weight, in row order
    pieces = []
    for first in range(0, matrix.shape[0], _BAND_ROWS):
        rows = slice(first, min(first + _BAND_ROWS, matrix.shape[0]))
        columns = reached[(reached[:, 0] >= rows.start) & (reached[:, 0] < rows.stop), 1]
        lo, hi = int(columns.min()), int(columns.max()) + 1
        block = matrix[rows, lo:hi]
        part = frames.narrow(dim, lo, hi - lo)
        pieces.append(block @ part if dim == -2 else part @ block.T)
    return torch.cat(pieces, dim=dim)


def warp_affine(frames: torch.Tensor, matrices: torch.Tensor, *, fill: float | None = None) -> torch.Tensor:
    """Warp frame ``t`` by ``matrices[t]`` (2x3, output pixel -> source pixel, pixel-edge origin).

    Outside the frame: the edge pixel (``fill`` None, DALI's default), or black (``fill`` 0, DALI's
    ``fill_value=0``: bilinear taps outside the frame read 0).
    """
    if fill not in (None, 0.0):
        raise ValueError(f"fill must be None (edge pixels) or 0 (black), got {fill}")
    count, _, height, width = frames.shape
    matrices = matrices.to(device=frames.device, dtype=frames.dtype)
    ys, xs = torch.meshgrid(
        torch.arange(height, device=frames.device, dtype=frames.dtype) + 0.5,
        torch.arange(width, device=frames.device, dtype=frames.dtype) + 0.5,
        indexing="ij",
    )
    points = torch.stack([xs, ys, torch.ones_like(xs)], dim=-1).reshape(1, -1, 3)  # (1, H*W, 3)
    source = points @ matrices.transpose(1, 2)  # (T, H*W, 2) source pixel coordinates
    # grid_sample with align_corners=False: -1 and 1 are the outer edges of the edge pixels.
    scale = torch.tensor([2.0 / width, 2.0 / height], device=frames.device, dtype=frames.dtype)
    grid = (source * scale - 1.0).reshape(count, height, width, 2)
    padding = "border" if fill is None else "zeros"
    return F.grid_sample(frames, grid, mode="bilinear", padding_mode=padding, align_corners=False)


def color_twist_matrix(hue_deg: float, saturation: float, brightness: float, contrast: float) -> torch.Tensor:
    """The 3x3 RGB matrix of DALI's ``color_twist`` (its offset is :func:`color_twist`'s)."""
    angle = math.radians(hue_deg)
    hue = torch.tensor(
        [[1.0, 0.0, 0.0], [0.0, math.cos(angle), math.sin(angle)], [0.0, -math.sin(angle), math.cos(angle)]],
        dtype=torch.float64,
    )
    sat = torch.diag(torch.tensor([1.0, saturation, saturation], dtype=torch.float64))
    to_yiq = torch.tensor(_RGB_TO_YIQ, dtype=torch.float64)
    return brightness * contrast * (torch.linalg.inv(to_yiq) @ hue @ sat @ to_yiq)


def color_twist(
    frames: torch.Tensor, *, hue_deg: float, saturation: float, brightness: float, contrast: float
) -> torch.Tensor:
    """``brightness * (contrast * (M rgb - 128) + 128)``, M the YIQ hue/saturation map; clamped 0..255."""
    if (hue_deg, saturation, brightness, contrast) == (0.0, 1.0, 1.0, 1.0):
        return frames
    matrix = color_twist_matrix(hue_deg, saturation, brightness, contrast).to(frames.device, frames.dtype)
    offset = (_HALF_RANGE - _HALF_RANGE * contrast) * brightness
    out = torch.einsum("ij,tjhw->tihw", matrix, frames) + offset
    return out.clamp(0.0, 255.0)


def gaussian_kernel(sigma: float, window: int, *, device=None, dtype=torch.float32) -> torch.Tensor:
    """Normalised 1-D gaussian weights of odd length ``window``."""
    x = torch.arange(window, dtype=torch.float64) - (window - 1) / 2
    kernel = torch.exp(-(x**2) / (2 * sigma**2))
    return (kernel / kernel.sum()).to(device=device, dtype=dtype)


def gaussian_blur(frames: torch.Tensor, *, sigma: float, window: int = 5) -> torch.Tensor:
    """Separable gaussian blur of every channel; reflect-101 borders (torch's ``reflect``).

    A weighted sum of shifted views rather than ``conv2d``: with one input channel and a 1-D
    kernel, conv2d is an order of magnitude slower on the CPU.
    """
    if sigma <= 0:
        return frames
    kernel = gaussian_kernel(sigma, window, dtype=torch.float64).tolist()
    pad = window // 2
    height, width = frames.shape[-2:]
    rows = _taps(F.pad(frames, (pad, pad, 0, 0), mode="reflect"), kernel, dim=-1, length=width)
    return _taps(F.pad(rows, (0, 0, pad, pad), mode="reflect"), kernel, dim=-2, length=height)


def _taps(padded: torch.Tensor, kernel: list[float], *, dim: int, length: int) -> torch.Tensor:
    """``sum(w_k * padded[k : k + length])`` along ``dim``, accumulated in one buffer."""
    out = padded.narrow(dim, 0, length) * kernel[0]
    for k, weight in enumerate(kernel[1:], start=1):
        out.add_(padded.narrow(dim, k, length), alpha=weight)
    return out


def hflip(frames: torch.Tensor) -> torch.Tensor:
    return frames.flip(-1)
