"""SQL repositories: every statement the run model needs, in one place.

The statements that every post, claim and stream runs are built once, here, with bound
parameters: building one (coercing each clause, proxying an alias's columns) cost more CPU
than executing it, and a burst of posts pays that per request. Their bound parameters are
named ``p_*``: SQLAlchemy reserves a column's own name in an UPDATE or INSERT.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Select, and_, bindparam, cast, exists, func, insert, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import BigInteger, Integer, Text

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
)
from cvchat.domain.ports import LogPage, ThreadSummary
from cvchat.infrastructure.db.tables import messages, run_events, runs, threads, users

_THREAD = select(threads).where(threads.c.id == bindparam("p_thread"))
# NO KEY UPDATE: posts and claims of a thread serialize, while a cancel or a finishing run
# that holds its run row can still insert a message referencing the thread (a foreign key
# takes KEY SHARE). A plain FOR UPDATE would deadlock with them: they lock run → thread, a
# post or claim thread → run.
_THREAD_FOR_UPDATE = _THREAD.with_for_update(key_share=True)
_TOUCH_THREAD = (
    update(threads)
    .where(threads.c.id == bindparam("p_thread"))
    .values(
        updated_at=bindparam("p_when"),
        title=func.coalesce(threads.c.title, bindparam("p_title", type_=threads.c.title.type)),
    )
)
_INSERT_MESSAGE = insert(messages)
_THREAD_MESSAGES = (
    select(messages)
    .where(messages.c.thread_id == bindparam("p_thread"))
    .order_by(messages.c.created_at, messages.c.role.desc(), messages.c.id)
)
_INSERT_RUN = insert(runs)
_RUN = select(runs).where(runs.c.id == bindparam("p_run"))
_ACTIVE_RUNS = (
    select(runs)
    .where(
        runs.c.thread_id == bindparam("p_thread"),
        runs.c.status.in_([str(s) for s in ACTIVE_STATUSES]),
    )
    .order_by(runs.c.created_at, runs.c.id)
)
_RUN_COLUMNS = (
    "id",
    "thread_id",
    "user_message_id",
    "status",
    "created_at",
    "last_seq",
    "attempts",
)
# A post's three writes as one PostgreSQL statement (data-modifying CTEs).
_PG_ADD_TURN = _TOUCH_THREAD.add_cte(
    insert(messages)
    .values({c.name: bindparam(f"m_{c.name}", type_=c.type) for c in messages.c})
    .cte("new_message"),
    insert(runs)
    .values({name: bindparam(f"r_{name}", type_=runs.c[name].type) for name in _RUN_COLUMNS})
    .cte("new_run"),
)
# A stream's read of one run on SQLite: the run, its thread's owner and its next events.
_PAGE = (
    select(
        runs,
        threads.c.user_id.label("p_user"),
        run_events.c.seq.label("e_seq"),
        run_events.c.type.label("e_type"),
        run_events.c.data.label("e_data"),
        run_events.c.created_at.label("e_at"),
    )
    .select_from(
        runs.join(threads, threads.c.id == runs.c.thread_id).outerjoin(
            run_events,
            and_(run_events.c.run_id == runs.c.id, run_events.c.seq > bindparam("p_after")),
        )
    )
    .where(runs.c.id == bindparam("p_run"))
    .order_by(run_events.c.seq)
    .limit(bindparam("p_limit"))
)


def _pages_postgres() -> Select[Any]:
    """Several runs' pages in one PostgreSQL statement: a process's tails woken together
    (notes from other processes carry no events) read together. Each run's events come as
    one JSON array (``seq``, ``type``, ``data``, ``created_at`` in epoch microseconds): one
    row and one decode per run, where a row per event repeated the run's columns and paid
    the driver's and SQLAlchemy's per-row, per-column work for each of them."""
    cursors = (
        func.unnest(
            bindparam("p_runs", type_=ARRAY(Text)), bindparam("p_afters", type_=ARRAY(Integer))
        )
        .table_valued("run_id", "after_seq")
        .render_derived(name="cursors")
    )
    page = (
        select(run_events)
        .where(run_events.c.run_id == cursors.c.run_id, run_events.c.seq > cursors.c.after_seq)
        .order_by(run_events.c.seq)
        .limit(bindparam("p_limit"))
        .lateral("page")
    )
    epoch_us = cast(func.extract("epoch", page.c.created_at) * 1_000_000, BigInteger)
    event = func.json_build_array(page.c.seq, page.c.type, page.c.data, epoch_us)
    events = func.json_agg(aggregate_order_by(event, page.c.seq)).filter(page.c.seq.is_not(None))
    return (
        select(runs, threads.c.user_id.label("p_user"), cast(events, Text).label("p_events"))
        .select_from(
            cursors.join(runs, runs.c.id == cursors.c.run_id)
            .join(threads, threads.c.id == runs.c.thread_id)
            .outerjoin(page, true())
        )
        .group_by(runs.c.id, threads.c.user_id)
    )


_PAGES_POSTGRES = _pages_postgres()
_EVENTS_AFTER = (
    select(run_events)
    .where(run_events.c.run_id == bindparam("p_run"), run_events.c.seq > bindparam("p_after"))
    .order_by(run_events.c.seq)
    .limit(bindparam("p_limit"))
)


class SqlUsers:
    def __init__(self, session: AsyncConnection) -> None:
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
    def __init__(self, session: AsyncConnection) -> None:
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
        stmt = _THREAD_FOR_UPDATE if for_update else _THREAD
        row = (await self._s.execute(stmt, {"p_thread": thread_id})).first()
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
        await self._s.execute(
            _TOUCH_THREAD, {"p_thread": thread_id, "p_when": when, "p_title": title}
        )

    async def add_turn(self, message: Message, run: Run, title: str | None) -> None:
        touch = {"p_thread": message.thread_id, "p_when": message.created_at, "p_title": title}
        if self._s.dialect.name != "postgresql":  # SQLite: no INSERT inside a CTE
            await self._s.execute(_INSERT_MESSAGE, message_row(message))
            await self._s.execute(_INSERT_RUN, run_row(run))
            await self._s.execute(_TOUCH_THREAD, touch)
            return
        params = {f"m_{k}": v for k, v in message_row(message).items()}
        params |= {f"r_{k}": v for k, v in run_row(run).items()}
        await self._s.execute(_PG_ADD_TURN, params | touch)


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
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def add(self, message: Message) -> None:
        await self._s.execute(_INSERT_MESSAGE, message_row(message))

    async def get(self, message_id: str) -> Message | None:
        row = (await self._s.execute(select(messages).where(messages.c.id == message_id))).first()
        return _message(row) if row else None

    async def list_for_thread(self, thread_id: str) -> list[Message]:
        return [
            _message(r) for r in await self._s.execute(_THREAD_MESSAGES, {"p_thread": thread_id})
        ]


def run_row(run: Run) -> dict[str, Any]:
    return {
        "id": run.run_id,
        "thread_id": run.thread_id,
        "user_message_id": run.user_message_id,
        "status": str(run.status),
        "created_at": run.created_at,
        "last_seq": run.last_seq,
        "attempts": run.attempts,
    }


def run_of_row(row: Any) -> Run:
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
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def add(self, run: Run) -> None:
        await self._s.execute(_INSERT_RUN, run_row(run))

    async def get(self, run_id: str) -> Run | None:
        row = (await self._s.execute(_RUN, {"p_run": run_id})).first()
        return run_of_row(row) if row else None

    async def active_for_thread(self, thread_id: str) -> list[Run]:
        return [run_of_row(r) for r in await self._s.execute(_ACTIVE_RUNS, {"p_thread": thread_id})]

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
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def read_after(self, run_id: str, after_seq: int, limit: int = 1000) -> list[RunEvent]:
        params = {"p_run": run_id, "p_after": after_seq, "p_limit": limit}
        return [
            RunEvent(r.run_id, r.seq, EventType(r.type), r.data, r.created_at)
            for r in await self._s.execute(_EVENTS_AFTER, params)
        ]

    async def read_pages(
        self, cursors: Sequence[tuple[str, int]], limit: int
    ) -> dict[str, LogPage]:
        if self._s.dialect.name == "postgresql":
            params = {
                "p_runs": [run_id for run_id, _ in cursors],
                "p_afters": [after for _, after in cursors],
                "p_limit": limit,
            }
            return {
                row.id: LogPage(run_of_row(row), row.p_user, _events_of_json(row.id, row.p_events))
                for row in await self._s.execute(_PAGES_POSTGRES, params)
            }
        # SQLite: one process, one reader; a statement per run costs little.
        rows: list[Any] = []
        for run_id, after in cursors:
            params = {"p_run": run_id, "p_after": after, "p_limit": limit}
            rows += (await self._s.execute(_PAGE, params)).all()
        pages: dict[str, LogPage] = {}
        for row in rows:
            page = pages.get(row.id)
            if page is None:
                page = pages[row.id] = LogPage(run_of_row(row), row.p_user, [])
            if row.e_seq is not None:
                page.events.append(
                    RunEvent(row.id, row.e_seq, EventType(row.e_type), row.e_data, row.e_at)
                )
        return pages

    async def token_text(self, run_id: str) -> str:
        return await read_token_text(self._s, run_id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EVENT_TYPES = {str(kind): kind for kind in EventType}


def _events_of_json(run_id: str, text: str | None) -> list[RunEvent]:
    """A run's events from ``_pages_postgres``' array (``None``: no events after the
    cursor). Epoch microseconds keep ``created_at`` exact whatever the session's time zone."""
    if text is None:
        return []
    return [
        RunEvent(run_id, seq, _EVENT_TYPES[kind], data, _EPOCH + timedelta(microseconds=us))
        for seq, kind, data, us in orjson.loads(text)
    ]


async def read_token_text(conn: AsyncConnection, run_id: str) -> str:
    """The concatenation of the run's token texts, in order."""
    stmt = (
        select(run_events.c.data)
        .where(run_events.c.run_id == run_id, run_events.c.type == str(EventType.TOKEN))
        .order_by(run_events.c.seq)
    )
    return "".join(d["text"] for d in (await conn.execute(stmt)).scalars())
