"""The FastAPI application: API under /api, the built chat client at /."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from cvchat.bootstrap import Container, bootstrap
from cvchat.settings import Settings, get_settings
from cvchat.web.deps import get_principal
from cvchat.web.errors import install_error_handlers
from cvchat.web.limits import BodySizeLimit, HeaderSizeLimit
from cvchat.web.ratelimit import RateLimits
from cvchat.web.routes import health, metrics, runs, session, threads, users
from cvchat.web.schemas import SIGNED_IN_ONLY
from cvchat.web.security import install_docs, install_security_headers

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
        docs_url=None,  # served by install_docs, under its own CSP
        redoc_url=None,
    )
    install_error_handlers(app)
    install_docs(app)
    app.state.rate_limits = RateLimits(
        settings.limits, enabled=settings.limits.per_user_applies(settings.auth.mode)
    )
    # Credentials (the session cookie) cross origins only to the listed origins; the
    # settings refuse a wildcard.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Last-Event-ID", "Authorization", "Idempotency-Key"],
        expose_headers=["Retry-After"],  # so a browser client can honour a 429
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes)
    app.add_middleware(HeaderSizeLimit, max_bytes=settings.limits.max_header_bytes)
    install_security_headers(app, hsts=settings.behind_tls)
    # Routes behind get_principal may answer 401 and 429: the schema says so.
    for router in (users.router, threads.router, runs.router):
        app.include_router(router, responses=SIGNED_IN_ONLY)
    for router in (health.router, metrics.router):
        app.include_router(router)
    app.include_router(session.router)
    corpus_router = _corpus_router()
    if corpus_router is not None:
        from cvchat.web.routes import candidates

        # The corpus is shared by every user, but only signed-in users may read it.
        signed_in = [Depends(get_principal)]
        for router in (corpus_router, candidates.router):
            app.include_router(
                router,  # type: ignore[arg-type]
                dependencies=signed_in,
                responses=SIGNED_IN_ONLY,
            )
    _mount_front(app, settings.front_dist)
    return app
