"""Run the real ``dudek`` command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys


def dudek(*args: str, timeout: float = 600, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dudek_dali", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},  # wide enough that rich never wraps a match name
    )
