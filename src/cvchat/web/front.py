"""The built chat client: its files, and ``index.html`` for the client's own paths.

The fallback is the router's ``default``, which Starlette calls only when no route matched
the path at all. So a known path asked with another method still answers 405, and anything
under ``/api`` that names no route answers the same 404 JSON as an unknown id, whatever the
method; only a GET or HEAD outside ``/api`` gets the client.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def install_front(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if not index.is_file():
        log.warning("no built chat client at %s: only the API is served", dist)
        return
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    root = dist.resolve()
    not_found = app.router.not_found

    async def client(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or _is_api(path):
            await not_found(scope, receive, send)
            return
        try:
            candidate = (root / path.lstrip("/")).resolve()
            is_file = candidate.is_relative_to(root) and candidate.is_file()
        except (OSError, ValueError):  # a NUL byte, a name too long
            is_file = False
        if is_file:
            response = FileResponse(candidate)
        else:
            response = FileResponse(index, headers={"Cache-Control": "no-cache"})
        await response(scope, receive, send)

    app.router.default = client
