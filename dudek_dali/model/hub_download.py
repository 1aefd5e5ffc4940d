"""``hf://ORG/NAME[@REVISION]``: a model repository on the Hugging Face Hub, fetched into its cache.

Downloads go through ``huggingface_hub.snapshot_download`` (its cache, its token lookup, its
``HF_ENDPOINT``), limited to the files a model needs: this project's ``config.json`` +
``model.safetensors`` + ``README.md``, or OSL's ``config.yaml`` + checkpoint. A later run finds
them in the cache; with ``HF_HUB_OFFLINE=1`` it does not touch the network at all (without it,
the client asks the Hub whether the revision moved, and falls back to the cache when the Hub
cannot be reached).

``hf:/ORG/NAME`` (one slash) is accepted too: ``pathlib.Path("hf://a/b")`` collapses the double
slash, so a spec passed through a ``Path`` option arrives that way.

A repository in OSL's format is converted once: the converted model is kept as a Hub folder under
``$DUDEK_CACHE_DIR`` (default ``~/.cache/dudek_dali``) ``/hub/models--ORG--NAME/<commit>/``, keyed by
the snapshot's commit, and read from there on later runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dudek_dali.data.video_info import cache_dir
from dudek_dali.errors import CheckpointError

PREFIX = "hf://"
_SPEC = re.compile(r"^hf:/{1,2}(?P<repo>[\w.-]+/[\w.-]+)(?:@(?P<revision>[^/\s]+))?/?$")
ALLOW_PATTERNS = [
    "config.json",
    "model.safetensors",
    "README.md",
    "config.yaml",
    "*.pt",
    "*.pth",
    "*.tar",
    "*.bin",
]


@dataclass(frozen=True)
class HubModel:
    """A parsed ``hf://`` spec."""

    repo_id: str
    revision: str | None = None

    def __str__(self) -> str:
        return f"{PREFIX}{self.repo_id}" + (f"@{self.revision}" if self.revision else "")


def parse_hub_spec(source: object) -> HubModel | None:
    """The repository ``source`` names when it is an ``hf://`` spec, else None.

    A string starting with ``hf:`` that is not a valid spec is a :class:`CheckpointError`.
    """
    text = str(source)
    if not text.startswith("hf:"):
        return None
    match = _SPEC.match(text)
    if not match:
        raise CheckpointError(f"{text}: not a Hub model; write hf://ORG/NAME or hf://ORG/NAME@REVISION")
    return HubModel(match["repo"], match["revision"])


def download_hub_model(model: HubModel) -> Path:
    """The local snapshot folder of ``model`` (downloaded into the Hub cache when not there yet)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        return Path(snapshot_download(model.repo_id, revision=model.revision, allow_patterns=ALLOW_PATTERNS))
    except GatedRepoError:
        raise CheckpointError(
            f"{model}: a gated repository; accept its terms on the Hub and log in"
        ) from None
    except RepositoryNotFoundError:
        raise CheckpointError(
            f"{model}: no such model repository (or a private one: log in with `hf auth login` or "
            f"set HF_TOKEN)"
        ) from None
    except RevisionNotFoundError:
        raise CheckpointError(f"{model}: no revision {model.revision!r} in this repository") from None
    except LocalEntryNotFoundError:
        raise CheckpointError(
            f"{model}: not in the Hugging Face cache and the Hub cannot be reached"
            f"{' (HF_HUB_OFFLINE is set)' if _offline() else ''}; download it once online"
        ) from None
    except (HfHubHTTPError, OSError) as err:
        raise CheckpointError(f"{model}: download failed ({type(err).__name__}: {str(err)[:160]})") from None


def converted_folder(model: HubModel, snapshot: Path) -> Path:
    """Where the converted model of ``snapshot`` (a foreign-format snapshot of ``model``) is kept."""
    return cache_dir() / "hub" / f"models--{model.repo_id.replace('/', '--')}" / snapshot.name


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
