"""The SQL unit of work: one session, one transaction, the repositories bound to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

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
        self.cvs = SqlCvUploads(session)
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
    def __init__(
        self, db: Database, announce: Channel | None = None, *, coalesce: bool = True
    ) -> None:
        """``announce``: the PostgreSQL notifier's channel, for appends to notify on;
        ``coalesce``: token appends of all runs written together (``SqlRunLog``)."""
        self.db = db
        self.log: RunLog = SqlRunLog(db, announce, coalesce=coalesce)

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, read_only=read_only)
