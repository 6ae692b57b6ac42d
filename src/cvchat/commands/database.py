"""What the administrator's commands share: one run against the configured database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from cvchat.domain.errors import DomainError
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.settings import get_settings

T = TypeVar("T")


def run_with_database(action: Callable[[SqlUnitOfWorkFactory], Awaitable[T]]) -> T:
    """Run ``action`` on a fresh engine (an embedded SQLite file is migrated first); a
    domain error becomes one line on stderr and exit code 1."""
    from cvchat.infrastructure.db.engine import create_database
    from cvchat.infrastructure.db.migrate import upgrade

    settings = get_settings()
    if settings.is_sqlite:
        upgrade(settings.database_url)

    async def main() -> T:
        db = create_database(settings.database_url)
        try:
            return await action(SqlUnitOfWorkFactory(db))
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
