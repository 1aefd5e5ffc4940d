"""Debian's ``chromium`` driven by its ``chromedriver`` through selenium: what is missing, and a start.

``bash scripts/test`` installs both with apt where it runs as root; no browser is downloaded.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
# Without the background-networking flags Chromium keeps calling home, which floods a closed network.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Lets a test read a file:// video's pixels back (they taint a canvas otherwise); pages never need it.
READ_PIXELS = "--allow-file-access-from-files"


def missing_browser() -> str | None:
    """Why no browser can be driven here, or None."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path in (CHROMIUM, DRIVER):
        if not path.exists():
            install = "apt-get install chromium chromium-driver (bash scripts/test does, as root)"
            return f"{path} not found: {install}"
    return None


def start_chromium(
    profile: Path, *, downloads: Path | None = None, width: int = 1400, height: int = 1000, flags=()
):
    """A headless Chromium with its profile in the (new) folder ``profile``; downloads go to
    ``downloads`` without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, *flags, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if downloads is not None:
        prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(options=options, service=Service(str(DRIVER)))
