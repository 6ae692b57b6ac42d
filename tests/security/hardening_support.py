"""Helpers for the limits and hardening tests: servers, raw HTTP, a real indexed corpus."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvchat.infrastructure.db.migrate import upgrade
from cvchat.settings import LimitSettings
from tests.integration.api_client import Api
from tests.integration.live import NO_LIMITS, LiveServer

SECRET_MARKER = "TOP-SECRET-OUTSIDE-THE-CORPUS"


def limits(**changes: Any) -> LimitSettings:
    """Per-user limits on (whatever the auth mode), every one of them 0 (off) but the ones
    a test names."""
    return NO_LIMITS.model_copy(update={"per_user": True, **changes})


async def sqlite_url(folder: Path) -> str:
    url = f"sqlite+aiosqlite:///{folder}/cvchat-{uuid.uuid4().hex[:8]}.db"
    await asyncio.to_thread(upgrade, url)
    return url


def built_client(root: Path, index: str, files: dict[str, str]) -> Path:
    """A stand-in for front/dist: ``index.html`` and ``files`` (paths inside the folder)."""
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(index)
    for name, text in files.items():
        (dist / name).write_text(text)
    return dist


async def echo_server(db_url: str, data_dir: Path, **settings: Any) -> LiveServer:
    defaults: dict[str, Any] = {
        "pipeline": "echo",
        "echo_delay_ms": 0,
        "data_dir": data_dir,
        "front_dist": data_dir / "no-front",
    }
    return await LiveServer(database_url=db_url, **{**defaults, **settings}).start()


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


async def raw_request(
    port: int, target: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> RawResponse:
    """Send ``target`` byte for byte (no client-side normalization of ``..`` or escapes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()
    data = await asyncio.wait_for(reader.read(-1), 30)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    if parsed.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return RawResponse(int(status_line.split()[1]), parsed, body)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return out


async def user_messages(api: Api, thread_id: str) -> list[str]:
    r = await api.http.get(f"/api/threads/{thread_id}")
    assert r.status_code == 200, r.text
    return [m["content"] for m in r.json()["messages"] if m["role"] == "user"]


async def wait_status(api: Api, run_id: str, statuses: set[str], timeout: float = 20) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = str((await api.run(run_id))["status"])
        if status in statuses:
            return status
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"run {run_id} is {status}, never reached {statuses}")
        await asyncio.sleep(0.02)


_CORPUS: dict[str, Path] = {}


def indexed_corpus(root: Path) -> Path:
    """A data folder with real CV PDFs indexed by the real index builder (built once).

    Beside it, outside the corpus, ``outside/secret.pdf`` and ``outside/secret.txt`` hold
    ``SECRET_MARKER``: what a traversal would try to read.
    """
    if "data" in _CORPUS:
        return _CORPUS["data"]
    from cvchat.infrastructure.rag import IndexStore
    from tests.rag.conftest import make_settings
    from tests.rag.pdf_factory import write_corpus

    data = root / "data"
    write_corpus(data / "cvs")
    outside = root / "outside"
    outside.mkdir()
    shutil.copy(next((data / "cvs").glob("*/cv.pdf")), outside / "secret.pdf")
    with (outside / "secret.pdf").open("ab") as fh:
        fh.write(f"\n%{SECRET_MARKER}\n".encode())
    (outside / "secret.txt").write_text(SECRET_MARKER)
    cvs = data / "cvs"
    # Present when the index is built: a CV folder that is a symlink out of the corpus,
    # and a CV whose cv.pdf is a symlink to a PDF outside.
    (cvs / "escapee").symlink_to(outside, target_is_directory=True)
    (cvs / "linked").mkdir()
    (cvs / "linked" / "cv.pdf").symlink_to(outside / "secret.pdf")
    # Indexed as a real file, then swapped for a symlink out of the corpus.
    shutil.copytree(next(p for p in sorted(cvs.iterdir()) if not p.is_symlink()), cvs / "swapped")
    IndexStore(make_settings(data)).build()
    (cvs / "swapped" / "cv.pdf").unlink()
    (cvs / "swapped" / "cv.pdf").symlink_to(outside / "secret.pdf")
    _CORPUS["data"] = data
    return data
