"""Download SoccerNet data: SN-BAS-2025 from the Hugging Face hub, broadcasts with SoccerNet's Downloader.

Both datasets sit behind an NDA: the hub files are password-protected zips, and the broadcast
videos need the password SoccerNet e-mails after the NDA is signed. Network failures become a
:class:`~dudek_dali.errors.DudekError` with one line of explanation, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from dudek_dali.errors import DudekError

SN_BAS_REPO = "SoccerNet/SN-BAS-2025"
PASSWORD_ENV = "SOCCERNET_PASSWORD"


class DownloadError(DudekError):
    """A download was refused or the network is unreachable."""


def download_sn_bas_2025(local_dir: Path, *, revision: str = "main", token: str | None = None) -> Path:
    """``snapshot_download`` of the SN-BAS-2025 dataset repository into ``local_dir``."""
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(
            repo_id=SN_BAS_REPO, repo_type="dataset", revision=revision, local_dir=str(local_dir), token=token
        )
    except Exception as err:  # hub errors, HTTP errors and OSErrors alike end here
        raise DownloadError(f"could not download {SN_BAS_REPO} to {local_dir}: {_first_line(err)}") from None
    return Path(path)


def sn_bas_unzip_instructions(local_dir: Path, target: Path) -> str:
    """The unzip step the NDA password is needed for (all labelled zips into ONE folder)."""
    lines = [f"7z x '{local_dir}/{name}.zip' -o'{target}'" for name in ("train", "valid", "test")]
    lines.append(f"7z x '{local_dir}/challenge.zip' -o'{target}_challenge'   # unlabelled, for submissions")
    return "\n".join(lines)


def broadcast_files(*, include_720p: bool) -> list[str]:
    files = ["1_224p.mkv", "2_224p.mkv"]
    return files + (["1_720p.mkv", "2_720p.mkv"] if include_720p else [])


def download_broadcasts(
    local_dir: Path,
    *,
    password: str,
    include_720p: bool = False,
    splits: Sequence[str] = ("train", "valid", "test"),
) -> None:
    """Download the broadcast halves with SoccerNet's Downloader (about 1.2 TB with 720p)."""
    from SoccerNet.Downloader import SoccerNetDownloader

    downloader = SoccerNetDownloader(LocalDirectory=str(local_dir))
    downloader.password = password
    try:
        downloader.downloadGames(files=broadcast_files(include_720p=include_720p), split=list(splits))
    except Exception as err:
        raise DownloadError(
            f"could not download broadcast videos to {local_dir}: {_first_line(err)}"
        ) from None


def password_from_env() -> str | None:
    return os.environ.get(PASSWORD_ENV) or None


def broadcast_label_instructions(sn_bas_dir: Path, videos_dir: Path) -> str:
    """Where the broadcast labels come from (they ship inside SN-BAS-2025)."""
    extra = Path(sn_bas_dir) / "ExtraLabelsActionSpotting500games"
    return "\n".join(
        f"7z x '{extra}/{split}_labels.zip' -o'{videos_dir}'" for split in ("train", "valid", "test")
    )


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}".rstrip(": ")
