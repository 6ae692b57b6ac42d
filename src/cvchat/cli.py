"""The ``cvchat`` command line."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cvchat.settings import get_settings

app = typer.Typer(help="cvchat: chat with a corpus of CVs.", no_args_is_help=True)


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def migrate() -> None:
    """Bring the database of DATABASE_URL to the newest schema."""
    from cvchat.infrastructure.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo("database is at the newest schema")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default from settings).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error.")] = "info",
) -> None:
    """Serve the API and the chat client (SQLite is migrated on start)."""
    import uvicorn

    from cvchat.bootstrap import bootstrap
    from cvchat.domain.errors import DomainError
    from cvchat.infrastructure.db.migrate import upgrade
    from cvchat.web.app import create_app

    _logging(log_level)
    settings = get_settings()
    if host is not None:
        settings.host = host
    if port is not None:
        settings.port = port
    if settings.is_sqlite:
        upgrade(settings.database_url)
    # The health check reads the schema revision on every call; keep that out of the log.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        container = bootstrap(settings)
    except DomainError as exc:  # a model that is configured but cannot be used
        typer.echo(f"cannot start: {exc}", err=True)
        raise typer.Exit(2) from exc
    uvicorn.run(
        create_app(settings, container),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        timeout_graceful_shutdown=5,
    )


def _register_optional() -> None:
    """Commands of the other areas, when present."""
    try:
        from cvchat.commands.dataset import dataset

        app.command("dataset")(dataset)
    except ImportError:
        pass
    try:
        from cvchat.commands.retrieval import eval_, index, search

        app.command("index")(index)
        app.command("search")(search)
        app.command("eval")(eval_)
    except ImportError:
        pass


_register_optional()
