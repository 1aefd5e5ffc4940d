"""Turn a DALI runtime error into a :class:`VideoError` that names the video file(s).

DALI's messages name the operator and the C++ source line, not the file (and we read files
through symlinks anyway, see :mod:`.links`), so the loaders pass the videos the failing
batch (and the batches prefetched behind it) were reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dudek_dali.errors import VideoError
from dudek_dali.pipelines.links import VideoLinks


def dali_reason(err: BaseException, links: VideoLinks | None = None) -> str:
    """The informative line of a DALI error (the one after ``encountered:``), real paths restored."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    reason = lines[0] if lines else type(err).__name__
    for i, line in enumerate(lines[:-1]):
        if line.startswith("encountered"):
            reason = lines[i + 1]
            break
    return links.name_real_paths(reason) if links else reason


def decode_error(
    err: BaseException | str, videos: Iterable[Path], links: VideoLinks | None = None
) -> VideoError:
    """A VideoError naming ``videos`` (in order, without repeats) and DALI's reason."""
    names = list(dict.fromkeys(str(v) for v in videos))
    reason = err if isinstance(err, str) else dali_reason(err, links)
    if len(names) == 1:
        return VideoError(f"{names[0]}: DALI failed to decode a clip: {reason}")
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return VideoError(f"DALI failed to decode a clip of one of {shown}: {reason}")
