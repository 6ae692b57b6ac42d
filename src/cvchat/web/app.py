"""The FastAPI application: API under /api, the built chat client at /."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from cvchat.bootstrap import Container, bootstrap
from cvchat.settings import Settings, get_settings
from cvchat.web.errors import install_error_handlers
from cvchat.web.limits import BodySizeLimit
from cvchat.web.routes import health, runs, threads, users

log = logging.getLogger(__name__)


def _corpus_router() -> object | None:
    try:
        from cvchat.web.routes import corpus
    except ImportError:
        return None
    return corpus.router


def _mount_front(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if not index.is_file():
        log.warning("no built chat client at %s: only the API is served", dist)
        return
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    def spa(path: str) -> FileResponse | JSONResponse:
        if path.startswith("api/") or path == "api":
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        c = container or bootstrap(settings)
        app.state.container = c
        app.state.index_store = c.index_store
        await c.start()
        try:
            yield
        finally:
            await c.stop()

    app = FastAPI(
        title="cvchat",
        version="0.1.0",
        description="Ask questions about a corpus of CVs; streamed, cited answers.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Last-Event-ID", "Authorization"],
    )
    app.add_middleware(BodySizeLimit)
    for router in (users.router, threads.router, runs.router, health.router):
        app.include_router(router)
    corpus_router = _corpus_router()
    if corpus_router is not None:
        app.include_router(corpus_router)  # type: ignore[arg-type]
    _mount_front(app, settings.front_dist)
    return app
