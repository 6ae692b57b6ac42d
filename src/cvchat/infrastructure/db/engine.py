"""Engines for SQLite (embedded default) and PostgreSQL, chosen by ``DATABASE_URL``.

SQLite allows one writer at a time. Writers therefore share one connection that opens
transactions with ``BEGIN IMMEDIATE`` (no lock-upgrade deadlocks, no ``database is locked``
mid-transaction), while readers use a pool of WAL readers that never block the writer.
PostgreSQL uses one pool for both; readers take its connections in autocommit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool


@dataclass
class Database:
    url: str
    writer: AsyncEngine
    reader: AsyncEngine

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader.sync_engine.pool is not self.writer.sync_engine.pool:
            await self.reader.dispose()


def _sqlite_engine(url: str, *, immediate: bool, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(
        url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=120,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_database(url: str, *, pool_size: int = 25, max_overflow: int = 5) -> Database:
    """``pool_size``/``max_overflow``: PostgreSQL connections of this process (every
    process's sum, with its job-queue pool and listener, must fit ``max_connections``)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is None:
            raise ValueError("an in-memory SQLite database cannot be shared; use a file path")
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = _sqlite_engine(url, immediate=True, pool_size=1)
        reader = _sqlite_engine(url, immediate=False, pool_size=8)
        return Database(url, writer, reader)
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    _ping_when_idle(engine)
    # Reads autocommit: under READ COMMITTED each statement takes its own snapshot even
    # inside a transaction, so a reader's BEGIN and ROLLBACK were two round trips for nothing.
    return Database(url, engine, engine.execution_options(isolation_level="AUTOCOMMIT"))


# A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_S = 2.0


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Pessimistic disconnect handling, but only for connections that sat idle.

    ``pool_pre_ping`` pings at every checkout, and the asyncpg dialect's ping is three round
    trips (BEGIN, ``;``, ROLLBACK): under a burst that was a quarter of a process's CPU. A
    connection that served a request a moment ago needs none; one that idled through a
    database restart is caught here and replaced (the pool retries the checkout on
    ``DisconnectionError``). A connection that dies while busy fails its statement, which
    invalidates the whole pool, as with pre-ping.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("returned_at", 0.0) <= PING_AFTER_IDLE_S:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            raise DisconnectionError(str(exc)) from exc

    @event.listens_for(engine.sync_engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()


def asyncpg_dsn(url: str) -> str:
    """The plain ``postgresql://`` DSN asyncpg wants, from a SQLAlchemy URL."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)
