"""The options of a frame extraction, validated once."""

from __future__ import annotations

from dataclasses import dataclass

from dudek_dali.sizes import Size, check_size


@dataclass(frozen=True)
class ExtractionConfig:
    """What to extract and how.

    ``size`` is (height, width) of every JPEG, like every size in this project (``--size HxW``).
    The seed squashes 398x224 frames to 224x224 without keeping the aspect ratio, and so does the
    DALI loader, so frames match whichever loader reads them. ``quality`` 95 is OpenCV's default,
    which the seed's frames were written with; 90 saves about a quarter of the disk (see the
    report) at a small cost in fidelity.
    """

    stride: int = 2
    size: Size = (224, 224)
    save_all: bool = False
    radius_sec: float = 8.0
    quality: int = 95

    def __post_init__(self) -> None:
        if self.stride < 1:
            raise ValueError(f"stride must be >= 1, got {self.stride}")
        object.__setattr__(self, "size", check_size(self.size))
        if not self.radius_sec >= 0:
            raise ValueError(f"radius_sec must be >= 0, got {self.radius_sec}")
        if not 1 <= self.quality <= 100:
            raise ValueError(f"quality must be in 1..100, got {self.quality}")
