"""A Hugging Face Hub cache laid out by hand, for the real client to read offline.

``huggingface_hub`` keeps a repository as ``models--ORG--NAME/`` with ``blobs/`` (file contents,
named by hash), ``snapshots/<commit>/`` (the repository's files as links to their blobs) and
``refs/<revision>`` (the commit a branch or tag points at). With ``HF_HUB_CACHE`` pointing here
and ``HF_HUB_OFFLINE=1``, ``snapshot_download`` resolves a revision through ``refs`` and returns
the snapshot folder without any network, exactly as on a machine that downloaded the model once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def add_to_hub_cache(cache: Path, repo_id: str, files: dict[str, Path], *, revision: str = "main") -> Path:
    """Put ``files`` (name in the repository -> local file) into ``cache`` as one commit of
    ``repo_id`` that ``revision`` points at; returns the snapshot folder."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    contents = {name: Path(path).read_bytes() for name, path in sorted(files.items())}
    commit = hashlib.sha1(b"".join(name.encode() + data for name, data in contents.items())).hexdigest()
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True, exist_ok=True)
    (repo / "blobs").mkdir(exist_ok=True)
    for name, data in contents.items():
        blob = hashlib.sha256(data).hexdigest()
        (repo / "blobs" / blob).write_bytes(data)
        link = snapshot / name
        link.unlink(missing_ok=True)
        link.symlink_to(Path("../../blobs") / blob)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / revision).write_text(commit)
    return snapshot
