"""The FastAPI application: API under /api, the built chat client at /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from cvchat.bootstrap import Container, bootstrap
from cvchat.domain.corpus import MAX_UPLOAD_REQUEST
from cvchat.settings import Settings, get_settings
from cvchat.web.deps import get_principal
from cvchat.web.errors import install_error_handlers
from cvchat.web.front import install_front
from cvchat.web.hosts import HostAllowList, allowed_host_names
from cvchat.web.limits import BodySizeLimit, HeaderSizeLimit
from cvchat.web.routes import health, metrics, runs, session, threads, users
from cvchat.web.schemas import SIGNED_IN_ONLY
from cvchat.web.security import install_docs, install_security_headers


def _corpus_router() -> object | None:
    try:
        from cvchat.web.routes import corpus
    except ImportError:
        return None
    return corpus.router


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        c = container or bootstrap(settings)
        app.state.container = c
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
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.limits.max_body_bytes,
        uploads={"/api/cvs": MAX_UPLOAD_REQUEST},
    )
    app.add_middleware(HeaderSizeLimit, max_bytes=settings.limits.max_header_bytes)
    if settings.auth.mode == "none":
        allowed = allowed_host_names(settings.host, settings.allowed_hosts)
        app.add_middleware(HostAllowList, allowed=allowed)
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
    install_front(app, settings.front_dist)
    return app
