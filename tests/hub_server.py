"""A local stand-in for the Hugging Face Hub's upload API that records what the real client sends.

``HF_ENDPOINT`` points ``huggingface_hub`` at it. It answers the calls ``HfApi.create_repo``,
``create_branch`` and ``upload_folder`` make (repository creation, branch creation, the model
card's YAML check, the pre-upload that sorts files into regular and LFS, the LFS batch request
and its PUT of the bytes, the commit), as the Hub does, and keeps every request. With
``HF_HUB_DISABLE_XET=1`` the client sends large files over plain LFS, which this server takes;
the Xet protocol it uses otherwise is out of reach of a test.

:func:`uploaded_files` rebuilds the files of the commit from the requests: regular files from
their base64 content in the commit, LFS files from the bytes PUT under their sha256.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    authorization: str | None
    body: bytes


@dataclass
class HubRecorder:
    url: str
    requests: list[Request] = field(default_factory=list)
    refuse_with: int | None = None  # answer every API call with this status (401: not logged in)

    def find(self, method: str, fragment: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and fragment in r.path]


@contextmanager
def recording_hub() -> Iterator[HubRecorder]:
    recorder = HubRecorder(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _record(self) -> bytes:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.requests.append(
                Request(self.command, self.path, self.headers.get("Authorization"), body)
            )
            return body

        def _json(self, status: int, value: object) -> None:
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._record()
            self._json(404, {"error": "not here"})

        def do_PUT(self) -> None:  # LFS bytes
            self._record()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            body = self._record()
            if recorder.refuse_with:
                return self._json(
                    recorder.refuse_with, {"error": "Invalid credentials in Authorization header"}
                )
            path = self.path
            if path == "/api/repos/create":
                name = json.loads(body)
                return self._json(200, {"url": f"{recorder.url}/{name['organization']}/{name['name']}"})
            if path == "/api/validate-yaml":
                return self._json(200, {"errors": [], "warnings": []})
            if "/branch/" in path:
                return self._json(200, {})
            if "/preupload/" in path:
                files = json.loads(body)["files"]
                lfs = (".safetensors",)  # as the Hub's .gitattributes: weights go to LFS
                modes = [
                    {"path": f["path"], "uploadMode": "lfs" if f["path"].endswith(lfs) else "regular",
                     "shouldIgnore": False}
                    for f in files
                ]  # fmt: skip
                return self._json(200, {"files": modes, "commitOid": "0" * 40})
            if path.endswith(".git/info/lfs/objects/batch"):
                objects = [
                    {"oid": o["oid"], "size": o["size"],
                     "actions": {"upload": {"href": f"{recorder.url}/lfs-upload/{o['oid']}"}}}
                    for o in json.loads(body)["objects"]
                ]  # fmt: skip
                return self._json(200, {"transfer": "basic", "objects": objects})
            if "/commit/" in path:  # /api/models/ORG/NAME/commit/REVISION
                repo = path.split("/api/models/", 1)[1].split("/commit/")[0]
                return self._json(
                    200, {"commitUrl": f"{recorder.url}/{repo}/commit/{'1' * 40}", "commitOid": "1" * 40}
                )
            return self._json(404, {"error": f"no {path}"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


def commit_lines(recorder: HubRecorder) -> list[dict]:
    (commit,) = recorder.find("POST", "/commit/")
    return [json.loads(line) for line in commit.body.decode().splitlines() if line.strip()]


def uploaded_files(recorder: HubRecorder) -> dict[str, bytes]:
    """The files of the recorded commit, by path in the repository."""
    stored = {r.path.rsplit("/", 1)[-1]: r.body for r in recorder.find("PUT", "/lfs-upload/")}
    files = {}
    for line in commit_lines(recorder):
        value = line["value"]
        if line["key"] == "file":
            files[value["path"]] = base64.b64decode(value["content"])
        elif line["key"] == "lfsFile":
            files[value["path"]] = stored[value["oid"]]
    return files
