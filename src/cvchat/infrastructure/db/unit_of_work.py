"""The SQL unit of work: one connection, one transaction, the repositories bound to it.

A Core connection, not an ORM session: the repositories run Core statements only, and the
session's unit-of-work machinery around each of them cost more CPU than the statement
itself (bench/README.md, "A burst of concurrent runs").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from cvchat.domain.ports import RunLog
from cvchat.infrastructure.db.access_repositories import SqlAccessTokens, SqlSessions
from cvchat.infrastructure.db.cv_upload_repository import SqlCvUploads
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.idempotency_repository import SqlIdempotency
from cvchat.infrastructure.db.repositories import (
    SqlEventLog,
    SqlMessages,
    SqlRuns,
    SqlThreads,
    SqlUsers,
)
from cvchat.infrastructure.db.run_log import SqlRunLog
from cvchat.infrastructure.db.turn_queue import SqlTurnQueue
from cvchat.infrastructure.notify.postgres import Channel


class SqlUnitOfWork:
    def __init__(self, db: Database, *, read_only: bool = False) -> None:
        self._db = db
        self._read_only = read_only
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        engine = self._db.reader if self._read_only else self._db.writer
        conn = self._conn = await engine.connect()
        self.users = SqlUsers(conn)
        self.threads = SqlThreads(conn)
        self.messages = SqlMessages(conn)
        self.runs = SqlRuns(conn)
        self.events = SqlEventLog(conn)
        self.tokens = SqlAccessTokens(conn)
        self.sessions = SqlSessions(conn)
        self.idempotency = SqlIdempotency(conn)
        self.cvs = SqlCvUploads(conn)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._conn is not None
        try:
            await self._conn.rollback()
        finally:
            await self._conn.close()
            self._conn = None

    async def commit(self) -> None:
        assert self._conn is not None
        await self._conn.commit()


class SqlUnitOfWorkFactory:
    def __init__(
        self, db: Database, announce: Channel | None = None, *, coalesce: bool = True
    ) -> None:
        """``announce``: the PostgreSQL notifier's channel, for appends to notify on;
        ``coalesce``: token appends of all runs written together (``SqlRunLog``)."""
        self.db = db
        self.log: RunLog = SqlRunLog(db, announce, coalesce=coalesce)
        self.turns = SqlTurnQueue(db)

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, read_only=read_only)
