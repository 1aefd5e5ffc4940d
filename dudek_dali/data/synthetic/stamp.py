"""A frame's index drawn into its pixels as big black/white blocks, and read back.

Frame-accuracy tests need to know which source frame a decoder really returned. Metadata
(pts, a reader's frame number) is exactly what such tests must not trust, so the index
lives in the pixels: a band across the top of the frame split into :data:`CELLS` equal
cells, each black (0) or white (1). The cells are wide (1/24 of the frame width, 16 px at
398x224) so the code survives lossy coding, chroma subsampling and resizing to another size
or aspect ratio: the reader samples each cell's centre at *relative* coordinates.

Layout: 20 index bits (most significant first; up to 2**20 - 1 frames, 11.6 h at 25 fps)
then a 4-bit check (nibble sum + 5, mod 16) that rejects unstamped or garbled frames,
including all-black and all-white bands.
"""

from __future__ import annotations

import numpy as np

INDEX_BITS = 20
CHECK_BITS = 4
CELLS = INDEX_BITS + CHECK_BITS
MAX_INDEX = 2**INDEX_BITS - 1
BAND_FRACTION = 0.1  # of the frame height
# Only the middle of a cell is read: edges blur under coding and resampling.
_SAMPLE_X = 0.25  # half-width of the sampled area, as a fraction of the cell width
_SAMPLE_Y = 0.3  # half-height, as a fraction of the band height
_DARK, _LIGHT = 80.0, 175.0  # cell means between these are ambiguous


def band_height(height: int) -> int:
    """Rows the stamp covers at the top of a frame ``height`` pixels tall."""
    return max(4, round(height * BAND_FRACTION))


def _check(index: int) -> int:
    nibbles = sum((index >> shift) & 0xF for shift in range(0, INDEX_BITS, 4))
    return (nibbles + 5) % 16


def _bits(index: int) -> np.ndarray:
    word = (index << CHECK_BITS) | _check(index)
    return np.array([(word >> (CELLS - 1 - k)) & 1 for k in range(CELLS)], dtype=np.uint8)


def draw_frame_index(frame_rgb: np.ndarray, index: int) -> None:
    """Overwrite the top band of ``frame_rgb`` (H x W x 3, uint8) with the code of ``index``."""
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"frame index {index} out of range 0..{MAX_INDEX}")
    height, width = frame_rgb.shape[:2]
    edges = np.round(np.linspace(0, width, CELLS + 1)).astype(int)
    # Column k of the band takes the value of the cell it lies in.
    cell_of_column = np.searchsorted(edges, np.arange(width), side="right") - 1
    row = _bits(index)[cell_of_column] * np.uint8(255)
    frame_rgb[: band_height(height)] = row[None, :, None]


def read_frame_index(frame_rgb: np.ndarray) -> int:
    """Decode the index :func:`draw_frame_index` stamped into a frame of any size.

    Accepts H x W x 3 (or H x W) arrays, uint8 or float in 0..255. Raises ``ValueError``
    when the band holds no valid code (never stamped, cropped, or too damaged to trust).
    """
    image = np.asarray(frame_rgb, dtype=np.float32)
    luma = image.mean(axis=2) if image.ndim == 3 else image
    height, width = luma.shape
    band = height * BAND_FRACTION
    y0 = int(band * (0.5 - _SAMPLE_Y))
    y1 = max(y0 + 1, int(np.ceil(band * (0.5 + _SAMPLE_Y))))
    cell = width / CELLS
    means = np.empty(CELLS)
    for k in range(CELLS):
        x0 = int((k + 0.5 - _SAMPLE_X) * cell)
        x1 = max(x0 + 1, int(np.ceil((k + 0.5 + _SAMPLE_X) * cell)))
        means[k] = luma[y0:y1, x0:x1].mean()
    if np.any((means > _DARK) & (means < _LIGHT)):
        raise ValueError("no frame-index stamp: some cells are neither black nor white")
    word = int("".join("1" if m >= _LIGHT else "0" for m in means), 2)
    index, check = word >> CHECK_BITS, word & (2**CHECK_BITS - 1)
    if check != _check(index):
        raise ValueError(f"no frame-index stamp: check bits {check:04b} do not match index {index}")
    return index
