"""The ``cvchat`` command line."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Annotated

import typer

from cvchat import collector
from cvchat.settings import Settings, get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

app = typer.Typer(help="cvchat: chat with a corpus of CVs.", no_args_is_help=True)


def _logging(level: str) -> None:
    """Every log line of the process through structlog (CVCHAT_LOG_FORMAT=console|json)."""
    from cvchat.infrastructure.observability.logging import configure_logging

    configure_logging(get_settings().log_format, level)


@app.command()
def migrate() -> None:
    """Bring the database of DATABASE_URL to the newest schema."""
    from cvchat.infrastructure.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    if not settings.is_sqlite:
        from cvchat.infrastructure.executor.queue_schema import apply_queue_schema

        applied = apply_queue_schema(settings.database_url)
        if applied:
            typer.echo(f"job queue schema: applied {', '.join(applied)}")
    typer.echo("database is at the newest schema")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default from settings).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error.")] = "info",
    allow_public: Annotated[
        bool,
        typer.Option(
            "--allow-public",
            help="Bind a non-loopback address in auth mode 'none' (anyone reaching it is "
            "the local user). Also CVCHAT_ALLOW_PUBLIC_BIND=true.",
        ),
    ] = False,
    http: Annotated[
        str,
        typer.Option(
            help="HTTP parser: auto (httptools, fastest), h11 (pure Python; stops reading "
            "a request head past CVCHAT_LIMITS__MAX_HEADER_BYTES + 16 KiB)."
        ),
    ] = "auto",
    workers: Annotated[
        int,
        typer.Option(
            help="API processes on one port, to use every core (PostgreSQL only: streams "
            "and cancels cross processes through LISTEN/NOTIFY).",
        ),
    ] = 1,
) -> None:
    """Serve the API and the chat client (SQLite is migrated on start)."""
    import uvicorn

    from cvchat.domain.errors import DomainError
    from cvchat.infrastructure.db.migrate import upgrade
    from cvchat.web.limits import server_head_bound

    if http not in ("auto", "h11", "httptools"):
        typer.echo(f"--http must be auto, h11 or httptools, not {http!r}", err=True)
        raise typer.Exit(2)

    _logging(log_level)
    settings = get_settings()
    if host is not None:
        settings.host = host
    if port is not None:
        settings.port = port
    from cvchat.infrastructure.auth.binding import public_bind_refusal

    refusal = public_bind_refusal(
        settings.host, settings.auth.mode, allow_public or settings.allow_public_bind
    )
    if refusal is not None:
        typer.echo(refusal, err=True)
        raise typer.Exit(2)
    if workers < 1:
        typer.echo("--workers must be 1 or more", err=True)
        raise typer.Exit(2)
    if workers > 1 and settings.is_sqlite:
        typer.echo(
            "--workers needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://…): SQLite has "
            "one writer, so the embedded default serves from one process",
            err=True,
        )
        raise typer.Exit(2)
    if settings.is_sqlite:
        upgrade(settings.database_url)
    # The health check reads the schema revision on every call; keep that out of the log.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        app = served_app(settings) if workers == 1 else None
    except DomainError as exc:  # a model that is configured but cannot be used
        typer.echo(f"cannot start: {exc}", err=True)
        raise typer.Exit(2) from exc
    if app is None:
        # Each worker process builds its own app from the settings (so from the
        # environment): pass the command line's host and port on to them.
        os.environ["CVCHAT_HOST"] = settings.host
        os.environ["CVCHAT_PORT"] = str(settings.port)
        os.environ[_WORKER_LOG_LEVEL] = log_level
    uvicorn.run(
        app if app is not None else "cvchat.cli:served_app",
        factory=app is None,
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        log_config=None,  # uvicorn's loggers propagate to the structlog handler of _logging
        timeout_graceful_shutdown=5,
        # The app answers 431 past CVCHAT_LIMITS__MAX_HEADER_BYTES whichever parser runs;
        # only h11 also stops *reading* an oversized head (httptools buffers it first).
        http=http,
        h11_max_incomplete_event_size=server_head_bound(settings.limits.max_header_bytes),
    )


_WORKER_LOG_LEVEL = "CVCHAT_SERVE_LOG_LEVEL"


def served_app(settings: Settings | None = None) -> FastAPI:
    """The app as ``cvchat serve`` runs it; with ``--workers``, each worker's factory."""
    from cvchat.bootstrap import bootstrap
    from cvchat.web.app import create_app

    if settings is None:  # a worker process of --workers: a fresh interpreter
        _logging(os.environ.get(_WORKER_LOG_LEVEL, "info"))
        settings = get_settings()
    container = bootstrap(settings)
    if container.index_store is not None:
        # The embedding model now, so that one that cannot load is a one-line error
        # here rather than a traceback from the server's start-up.
        container.index_store.warm_up()
    app = create_app(settings, container)
    collector.settle()
    return app


def _register_optional() -> None:
    """Commands of the other areas, when present."""
    try:
        from cvchat.commands.dataset import dataset

        app.command("dataset")(dataset)
    except ImportError:
        pass
    try:
        from cvchat.commands.evaluation import eval_
        from cvchat.commands.retrieval import index, search

        app.command("index")(index)
        app.command("search")(search)
        app.add_typer(eval_, name="eval")
    except ImportError:
        pass
    from cvchat.commands.profiles import profiles

    app.command("profiles")(profiles)
    from cvchat.commands.worker import worker

    app.command("worker")(worker)
    from cvchat.commands.users import users

    app.add_typer(users, name="users")
    from cvchat.commands.cvs import cvs

    app.add_typer(cvs, name="cvs")


_register_optional()
