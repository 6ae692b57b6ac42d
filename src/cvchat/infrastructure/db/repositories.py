"""SQL repositories: every statement the run model needs, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from cvchat.domain.errors import Conflict
from cvchat.domain.events import EventType, RunEvent, RunNote
from cvchat.domain.model import (
    ACTIVE_STATUSES,
    Message,
    Role,
    Run,
    RunStatus,
    Thread,
    User,
    allowed_sources,
    utcnow,
)
from cvchat.domain.ports import ThreadSummary
from cvchat.infrastructure.db.tables import messages, run_events, runs, threads, users


class SqlUsers:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, user: User) -> None:
        try:
            async with self._s.begin_nested():
                await self._s.execute(
                    insert(users).values(
                        id=user.user_id,
                        name=user.name,
                        created_at=user.created_at,
                        is_admin=user.is_admin,
                    )
                )
        except IntegrityError as exc:
            raise Conflict(f"the name {user.name!r} is taken") from exc

    async def get(self, user_id: str) -> User | None:
        row = (await self._s.execute(select(users).where(users.c.id == user_id))).first()
        return _user(row) if row else None

    async def get_by_name(self, name: str) -> User | None:
        row = (await self._s.execute(select(users).where(users.c.name == name))).first()
        return _user(row) if row else None

    async def set_admin(self, user_id: str, is_admin: bool) -> None:
        await self._s.execute(update(users).where(users.c.id == user_id).values(is_admin=is_admin))


def _user(row: Any) -> User:
    return User(
        name=row.name, user_id=row.id, created_at=row.created_at, is_admin=bool(row.is_admin)
    )


class SqlThreads:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, thread: Thread) -> None:
        await self._s.execute(
            insert(threads).values(
                id=thread.thread_id,
                user_id=thread.user_id,
                title=thread.title,
                created_at=thread.created_at,
                updated_at=thread.updated_at,
            )
        )

    async def get(self, thread_id: str, *, for_update: bool = False) -> Thread | None:
        stmt = select(threads).where(threads.c.id == thread_id)
        if for_update:
            # NO KEY UPDATE: posts and claims of a thread serialize, while a cancel or a
            # finishing run that holds its run row can still insert a message referencing
            # the thread (a foreign key takes KEY SHARE). A plain FOR UPDATE would deadlock
            # with them: they lock run → thread, a post or claim thread → run.
            stmt = stmt.with_for_update(key_share=True)
        row = (await self._s.execute(stmt)).first()
        if row is None:
            return None
        return Thread(
            user_id=row.user_id,
            thread_id=row.id,
            created_at=row.created_at,
            updated_at=row.updated_at,
            title=row.title,
        )

    async def list_for_user(self, user_id: str) -> list[ThreadSummary]:
        stmt = (
            select(threads)
            .where(threads.c.user_id == user_id)
            .order_by(threads.c.updated_at.desc(), threads.c.id)
        )
        return [
            ThreadSummary(r.id, r.user_id, r.title, r.created_at, r.updated_at)
            for r in await self._s.execute(stmt)
        ]

    async def touch(self, thread_id: str, when: datetime, title: str | None) -> None:
        values: dict[str, Any] = {"updated_at": when}
        if title is not None:
            values["title"] = func.coalesce(threads.c.title, title)
        await self._s.execute(update(threads).where(threads.c.id == thread_id).values(**values))


def _message(row: Any) -> Message:
    return Message(
        thread_id=row.thread_id,
        role=Role(row.role),
        content=row.content,
        run_id=row.run_id,
        sources=row.sources,
        query=row.query,
        answer=row.answer,
        message_id=row.id,
        created_at=row.created_at,
    )


def message_row(message: Message) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "thread_id": message.thread_id,
        "role": str(message.role),
        "content": message.content,
        "run_id": message.run_id,
        "sources": message.sources,
        "query": message.query,
        "answer": message.answer,
        "created_at": message.created_at,
    }


class SqlMessages:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, message: Message) -> None:
        await self._s.execute(insert(messages).values(message_row(message)))

    async def get(self, message_id: str) -> Message | None:
        row = (await self._s.execute(select(messages).where(messages.c.id == message_id))).first()
        return _message(row) if row else None

    async def list_for_thread(self, thread_id: str) -> list[Message]:
        stmt = (
            select(messages)
            .where(messages.c.thread_id == thread_id)
            .order_by(messages.c.created_at, messages.c.role.desc(), messages.c.id)
        )
        return [_message(r) for r in await self._s.execute(stmt)]


def _run(row: Any) -> Run:
    return Run(
        thread_id=row.thread_id,
        user_message_id=row.user_message_id,
        run_id=row.id,
        status=RunStatus(row.status),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        last_seq=row.last_seq,
        owner=row.owner,
        attempts=row.attempts,
    )


class SqlRuns:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, run: Run) -> None:
        await self._s.execute(
            insert(runs).values(
                id=run.run_id,
                thread_id=run.thread_id,
                user_message_id=run.user_message_id,
                status=str(run.status),
                created_at=run.created_at,
                last_seq=run.last_seq,
            )
        )

    async def get(self, run_id: str) -> Run | None:
        row = (await self._s.execute(select(runs).where(runs.c.id == run_id))).first()
        return _run(row) if row else None

    async def active_for_thread(self, thread_id: str) -> list[Run]:
        stmt = (
            select(runs)
            .where(
                runs.c.thread_id == thread_id, runs.c.status.in_([str(s) for s in ACTIVE_STATUSES])
            )
            .order_by(runs.c.created_at, runs.c.id)
        )
        return [_run(r) for r in await self._s.execute(stmt)]

    async def count_active_for_user(self, user_id: str) -> int:
        # FOR NO KEY UPDATE: serializes the user's posts without blocking inserts that
        # reference the user (a thread's foreign key takes only KEY SHARE).
        await self._s.execute(
            select(users.c.id).where(users.c.id == user_id).with_for_update(key_share=True)
        )
        stmt = (
            select(func.count())
            .select_from(runs.join(threads, runs.c.thread_id == threads.c.id))
            .where(
                threads.c.user_id == user_id,
                runs.c.status.in_([str(s) for s in ACTIVE_STATUSES]),
            )
        )
        return int((await self._s.execute(stmt)).scalar_one())

    async def claim_next(self, thread_id: str, owner: str) -> Run | None:
        # The thread row lock serializes claims of one thread across processes (PostgreSQL);
        # SQLite serializes every writer anyway.
        await self._s.execute(
            select(threads.c.id).where(threads.c.id == thread_id).with_for_update(key_share=True)
        )
        other = runs.alias("other")
        oldest_queued = (
            select(runs.c.id)
            .where(runs.c.thread_id == thread_id, runs.c.status == str(RunStatus.QUEUED))
            .order_by(runs.c.created_at, runs.c.id)
            .limit(1)
            .scalar_subquery()
        )
        now = utcnow()
        stmt = (
            update(runs)
            .where(
                runs.c.id == oldest_queued,
                runs.c.status.in_([str(s) for s in allowed_sources(RunStatus.RUNNING)]),
                ~exists().where(
                    other.c.thread_id == thread_id, other.c.status == str(RunStatus.RUNNING)
                ),
            )
            .values(
                status=str(RunStatus.RUNNING),
                owner=owner,
                started_at=now,
                heartbeat_at=now,
                attempts=runs.c.attempts + 1,
            )
            .returning(*runs.c)
        )
        row = (await self._s.execute(stmt)).first()
        return _run(row) if row else None

    async def progress(self, run_ids: Sequence[str]) -> list[RunNote]:
        stmt = select(runs.c.id, runs.c.last_seq, runs.c.status).where(runs.c.id.in_(run_ids))
        return [RunNote(r.id, r.last_seq, RunStatus(r.status)) for r in await self._s.execute(stmt)]

    async def heartbeat(self, owners: Sequence[str], when: datetime) -> None:
        if owners:
            await self._s.execute(
                update(runs)
                .where(runs.c.owner.in_(owners), runs.c.status == str(RunStatus.RUNNING))
                .values(heartbeat_at=when)
            )

    async def stale_running(self, older_than: datetime, owner: str | None = None) -> list[str]:
        stmt = select(runs.c.id).where(
            runs.c.status == str(RunStatus.RUNNING), runs.c.heartbeat_at < older_than
        )
        if owner is not None:
            stmt = stmt.where(runs.c.owner == owner)
        return list((await self._s.execute(stmt)).scalars())

    async def threads_with_queued(self) -> list[str]:
        other = runs.alias("other")
        stmt = (
            select(runs.c.thread_id)
            .where(
                runs.c.status == str(RunStatus.QUEUED),
                ~exists().where(
                    other.c.thread_id == runs.c.thread_id,
                    other.c.status == str(RunStatus.RUNNING),
                ),
            )
            .group_by(runs.c.thread_id)
            .order_by(func.min(runs.c.created_at))
        )
        return list((await self._s.execute(stmt)).scalars())


class SqlEventLog:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def read_after(self, run_id: str, after_seq: int, limit: int = 1000) -> list[RunEvent]:
        stmt = (
            select(run_events)
            .where(run_events.c.run_id == run_id, run_events.c.seq > after_seq)
            .order_by(run_events.c.seq)
            .limit(limit)
        )
        return [
            RunEvent(r.run_id, r.seq, EventType(r.type), r.data, r.created_at)
            for r in await self._s.execute(stmt)
        ]

    async def token_text(self, run_id: str) -> str:
        return await read_token_text(self._s, run_id)


async def read_token_text(conn: AsyncSession | AsyncConnection, run_id: str) -> str:
    """The concatenation of the run's token texts, in order."""
    stmt = (
        select(run_events.c.data)
        .where(run_events.c.run_id == run_id, run_events.c.type == str(EventType.TOKEN))
        .order_by(run_events.c.seq)
    )
    return "".join(d["text"] for d in (await conn.execute(stmt)).scalars())
