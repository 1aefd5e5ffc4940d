"""Where benchmark data and results go (results files are written with :mod:`dudek_dali.files`)."""

from __future__ import annotations

import tempfile
from pathlib import Path


def default_work_dir() -> Path:
    """Where generated benchmark data goes by default: outside the repository, reused across runs."""
    return Path(tempfile.gettempdir()) / "dudek-bench-work"
