"""The SQL unit of work: one session, one transaction, the repositories bound to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cvchat.application.execution import append_in_transaction
from cvchat.domain.events import NewEvent, RunEvent
from cvchat.infrastructure.db.access_repositories import SqlAccessTokens, SqlSessions
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.idempotency_repository import SqlIdempotency
from cvchat.infrastructure.db.log_append import append_running_postgres
from cvchat.infrastructure.db.repositories import (
    SqlEventLog,
    SqlMessages,
    SqlRuns,
    SqlThreads,
    SqlUsers,
)
from cvchat.infrastructure.notify.postgres import Channel


class SqlUnitOfWork:
    def __init__(self, db: Database, *, read_only: bool = False) -> None:
        self._db = db
        self._read_only = read_only
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        session = self._db.sessions(read_only=self._read_only)()
        self._session = session
        self.users = SqlUsers(session)
        self.threads = SqlThreads(session)
        self.messages = SqlMessages(session)
        self.runs = SqlRuns(session)
        self.events = SqlEventLog(session)
        self.tokens = SqlAccessTokens(session)
        self.sessions = SqlSessions(session)
        self.idempotency = SqlIdempotency(session)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        assert self._session is not None
        await self._session.commit()


class SqlUnitOfWorkFactory:
    def __init__(self, db: Database, announce: Channel | None = None) -> None:
        """``announce``: the PostgreSQL notifier's channel, for appends to notify on."""
        self.db = db
        self._announce = None if db.is_sqlite else announce
        self.announces_appends = self._announce is not None

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, read_only=read_only)

    async def append_running(
        self, run_id: str, owner: str | None, events: Sequence[NewEvent]
    ) -> list[RunEvent] | None:
        if not self.db.is_sqlite:
            return await append_running_postgres(self.db, run_id, owner, events, self._announce)
        # SQLite: no UPDATE inside a CTE, so two statements in one write transaction.
        return await append_in_transaction(self, run_id, owner, events)  # type: ignore[arg-type]
