"""A checkpoint as a Hugging Face Hub model: saved as a folder, or pushed to a repository.

Both take what :func:`~dudek_dali.model.checkpoint.read_checkpoint` reads (a ``.pt``, a folder,
an ``hf://`` repository, a foreign checkpoint it converts) or a payload it returned. Pushing is
``huggingface_hub``'s own ``HfApi.create_repo`` (``exist_ok``), ``create_branch`` for a new
``revision`` and ``upload_folder`` of the folder :func:`save_pretrained` writes: one commit, with
the token the client finds (``token=None``: ``HF_TOKEN``, then the one ``hf auth login`` stored)
and its endpoint (``HF_ENDPOINT``).

``describe_training`` spells the checkpoint's training options as the command that trained the
model, for the model card; the command line's spelling is the CLI's to know, so the CLI passes
:func:`dudek_dali.cli.train_options.command_line`. Without it the card points at ``config.json``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dudek_dali.errors import HubError
from dudek_dali.model.checkpoint import read_checkpoint
from dudek_dali.model.hub_folder import write_hub_folder

Checkpoint = Path | str | Mapping[str, Any]
DescribeTraining = Callable[[Mapping[str, Any]], str | None]


def save_pretrained(
    checkpoint: Checkpoint,
    folder: Path | str,
    *,
    repo_id: str | None = None,
    trust_pickle: bool = False,
    describe_training: DescribeTraining | None = None,
) -> list[Path]:
    """Write ``checkpoint``'s model as ``config.json``, ``model.safetensors`` and ``README.md`` into
    ``folder``; returns the files. ``repo_id`` (``org/name``) goes into the card's usage line."""
    payload = _payload(checkpoint, trust_pickle)
    return write_hub_folder(payload, folder, repo_id=repo_id, describe_training=describe_training)


def push_to_hub(
    checkpoint: Checkpoint,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    token: str | None = None,
    trust_pickle: bool = False,
    describe_training: DescribeTraining | None = None,
) -> str:
    """Upload ``checkpoint``'s model to the Hub model repository ``repo_id`` (created when new);
    returns the commit's URL. ``revision`` pushes to that branch, made from ``main`` when new."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    payload = _payload(checkpoint, trust_pickle)
    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        if revision:
            api.create_branch(repo_id, branch=revision, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="dudek-hub-") as folder:
            write_hub_folder(payload, folder, repo_id=repo_id, describe_training=describe_training)
            commit = api.upload_folder(
                repo_id=repo_id,
                folder_path=folder,
                revision=revision,
                commit_message="Upload dudek_dali model",
            )
    except HfHubHTTPError as err:
        status = err.response.status_code if err.response is not None else None
        hint = ": log in with `hf auth login` or set HF_TOKEN" if status in (401, 403) else ""
        raise HubError(
            f"{repo_id}: the Hub refused the upload ({status or type(err).__name__}){hint}"
        ) from None
    except OSError as err:  # connection failures
        raise HubError(f"{repo_id}: the Hub cannot be reached ({type(err).__name__}: {err})") from None
    return str(commit.commit_url)


def _payload(checkpoint: Checkpoint, trust_pickle: bool) -> Mapping[str, Any]:
    if isinstance(checkpoint, Mapping):
        return checkpoint
    return read_checkpoint(checkpoint, kind="model", trust_pickle=trust_pickle)
