"""Space-free names for video paths, because DALI's file lists cannot hold spaces.

SoccerNet match folders contain spaces (``2019-10-01 - Brentford - Bristol City``). DALI's
``file_list`` splits each line on whitespace, so such a path yields no samples (a build-time
assertion), and backslash escapes are not understood. The loaders therefore read videos
through symlinks named ``v00000.mp4``, ``v00001.mkv``... in a private temporary folder.
Errors are always reported with the real path (:meth:`VideoLinks.real`).

**One stable link per video for the whole process** (:func:`shared_links`): DALI caches the
frame index it builds for a file by the path it was given, so a fresh link per pipeline (per
epoch, per validation pass) made it demux every 45-minute file again each time, and grew the
process-wide cache by one entry per link. The shared folder is removed when the process exits.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

from dudek_dali.files import write_text


class VideoLinks:
    """A temporary folder of symlinks to video files, plus the map back to the real paths."""

    def __init__(self, prefix: str = "dudek-dali-") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self._by_real: dict[Path, Path] = {}
        self._by_link: dict[Path, Path] = {}
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.dir), True)

    def link(self, path: Path) -> Path:
        """The space-free link to ``path`` (created on first use; the suffix is kept)."""
        real = Path(path).resolve()
        if real not in self._by_real:
            link = self.dir / f"v{len(self._by_real):05d}{real.suffix}"
            os.symlink(real, link)
            self._by_real[real] = link
            self._by_link[link] = Path(path)
        return self._by_real[real]

    def real(self, link: Path) -> Path:
        return self._by_link[Path(link)]

    def name_real_paths(self, text: str) -> str:
        """``text`` with every link path in it replaced by the real path."""
        for link, real in self._by_link.items():
            text = text.replace(str(link), str(real))
        return text

    def write_text(self, name: str, text: str) -> Path:
        """Write a file (e.g. a DALI file list) into the folder, atomically."""
        return write_text(self.dir / name, text)

    def close(self) -> None:
        self._cleanup()
        self._by_real.clear()
        self._by_link.clear()

    def __enter__(self) -> VideoLinks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SHARED: VideoLinks | None = None


def shared_links() -> VideoLinks:
    """The process-wide links: the same video always has the same link (see the module docstring)."""
    global _SHARED
    if _SHARED is None or not _SHARED.dir.is_dir():
        _SHARED = VideoLinks(prefix="dudek-dali-links-")
    return _SHARED
