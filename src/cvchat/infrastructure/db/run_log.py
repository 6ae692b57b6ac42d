"""The run-log port in SQL: every write to a run's log, one atomic step each.

Each write is one conditional UPDATE of the run row that checks the status the domain
allows the move from (``allowed_sources``), the claim (``owner``) and, for the sweeper, a
stale heartbeat, and moves the row's seq counter by the number of events; the events take
their seqs from the returned counter. The UPDATE locks the row, so appends, cancels,
endings and requeues of one run serialize and exactly one terminal write can win; a
writer that lost finds no row and writes nothing. Endings and cancels are one statement
on PostgreSQL (``log_end.py``) and one transaction on SQLite; requeues one transaction.
The token path (``append``) is, on PostgreSQL, a group commit of every running run's
appends (``log_coalesce.py``, the same conditional move per run), or with coalescing off
one self-committing statement per append (``log_append.py``); on SQLite it is this same
transaction.

A claim (queued → running) is one UPDATE too: it takes the thread's oldest queued run if
none of the thread's runs is running. On PostgreSQL it is a single autocommit statement
whose CTE takes the thread's row lock (as a post does), so it waits for a post of the
thread in flight. Its reads (which run is oldest, whether one runs) see the statement's
snapshot, which may predate that wait; the row it moves does not: PostgreSQL rechecks
``status = queued`` on the row's newest version before updating it, so a run that another
claim took, or that was canceled, meanwhile is not taken again and the claim gets
nothing. Two runs of a thread could only both run if a claim took a run younger than one
claimed meanwhile, and a unique index (one running run per thread) refuses that case
outright: such a claim fails and gets nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Update, and_, bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from cvchat.domain.events import EventType, NewEvent, RunEvent, RunNote
from cvchat.domain.model import (
    APPENDABLE,
    RECOVERY_TRANSITIONS,
    Message,
    Role,
    Run,
    RunStatus,
    allowed_sources,
    utcnow,
)
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.log_append import append_postgres
from cvchat.infrastructure.db.log_coalesce import CoalescingAppender
from cvchat.infrastructure.db.log_end import end_postgres
from cvchat.infrastructure.db.repositories import message_row, read_token_text, run_of_row
from cvchat.infrastructure.db.tables import messages, run_events, runs, threads
from cvchat.infrastructure.notify.postgres import Channel

REQUEUE_SOURCES = allowed_sources(RunStatus.QUEUED, RECOVERY_TRANSITIONS)
# NO KEY UPDATE, as a post's lock (repositories.py says why not a plain FOR UPDATE).
_LOCK_THREAD = (
    select(threads.c.id)
    .where(threads.c.id == bindparam("p_thread"))
    .with_for_update(key_share=True)
)
_OTHER = runs.alias("other")
_CLAIM_NEXT = (
    update(runs)
    .where(
        runs.c.id
        == select(runs.c.id)
        .where(runs.c.thread_id == bindparam("p_thread"), runs.c.status == str(RunStatus.QUEUED))
        .order_by(runs.c.created_at, runs.c.id)
        .limit(1)
        .scalar_subquery(),
        runs.c.status.in_([str(s) for s in allowed_sources(RunStatus.RUNNING)]),
        ~exists().where(
            _OTHER.c.thread_id == bindparam("p_thread"),
            _OTHER.c.status == str(RunStatus.RUNNING),
        ),
    )
    .values(
        status=str(RunStatus.RUNNING),
        owner=bindparam("p_owner"),
        started_at=bindparam("p_now"),
        heartbeat_at=bindparam("p_now"),
        attempts=runs.c.attempts + 1,
    )
    .returning(*runs.c)
)
ONE_RUNNING_PER_THREAD = "uq_runs_one_running_per_thread"  # the index of tables.py
_PG_CLAIM_NEXT = _CLAIM_NEXT.where(exists(select(_LOCK_THREAD.cte("thread").c.id)))


class SqlRunLog:
    def __init__(
        self, db: Database, announce: Channel | None = None, *, coalesce: bool = True
    ) -> None:
        """``announce``: the PostgreSQL notifier's channel, for appends to notify on.
        ``coalesce``: on PostgreSQL, the appends of all runs written together
        (``log_coalesce.py``); off, each append is its own statement (the benchmark's
        baseline). SQLite appends one run at a time (see ``log_coalesce.py`` for why)."""
        self._db = db
        self._announce = None if db.is_sqlite else announce
        self.announces_appends = self._announce is not None
        self._coalescer = (
            CoalescingAppender(db, self._announce) if coalesce and not db.is_sqlite else None
        )

    async def append(self, run: Run, events: Sequence[NewEvent]) -> list[RunEvent] | None:
        if self._coalescer is not None:
            return await self._coalescer.append(run, events)
        if not self._db.is_sqlite:
            return await append_postgres(self._db, run, events, self._announce)
        async with self._db.writer.begin() as conn:
            last = await _move(conn, run.run_id, APPENDABLE, len(events), owner=run.owner)
            if last is None:
                return None
            return await _insert_events(conn, run.run_id, last, events)

    async def end(
        self,
        run: Run,
        status: RunStatus,
        events: Sequence[NewEvent],
        answer: str | None = None,
        sources: list[dict[str, Any]] | None = None,
        *,
        details: dict[str, Any] | None = None,
        stale_before: datetime | None = None,
    ) -> RunNote | None:
        return await self._end(
            run, status, events, answer, sources, run.owner, stale_before, details
        )

    async def cancel(self, run: Run, reason: str) -> RunNote | None:
        return await self._end(
            run, RunStatus.CANCELED, [NewEvent.canceled(reason)], None, None, None, None
        )

    async def claim(self, thread_id: str, owner: str) -> Run | None:
        params = {"p_thread": thread_id, "p_owner": owner, "p_now": utcnow()}
        if self._db.is_sqlite:  # one writer: the transaction is the lock
            async with self._db.writer.begin() as conn:
                row = (await conn.execute(_CLAIM_NEXT, params)).first()
        else:  # the autocommit pool: the statement is its own transaction
            try:
                async with self._db.reader.connect() as conn:
                    row = (await conn.execute(_PG_CLAIM_NEXT, params)).first()
            except IntegrityError as exc:
                if ONE_RUNNING_PER_THREAD not in str(exc.orig):
                    raise
                return None  # another run of the thread started after the snapshot
        return run_of_row(row) if row else None

    async def requeue(self, run: Run, *, stale_before: datetime | None = None) -> RunNote | None:
        # Every write moves last_seq: one since ``run`` was read makes this update miss.
        values = {"status": str(RunStatus.QUEUED), "owner": None, "heartbeat_at": None}
        async with self._db.writer.begin() as conn:
            last = await _move(
                conn,
                run.run_id,
                REQUEUE_SOURCES,
                0,
                {**values, "started_at": None},
                owner=run.owner,
                stale_before=stale_before,
                last_seq=run.last_seq,
            )
        return None if last is None else RunNote(run.run_id, last, RunStatus.QUEUED)

    async def _end(
        self,
        run: Run,
        status: RunStatus,
        events: Sequence[NewEvent],
        answer: str | None,
        sources: list[dict[str, Any]] | None,
        owner: str | None,
        stale_before: datetime | None,
        details: dict[str, Any] | None = None,
    ) -> RunNote | None:
        assert status.terminal, status
        events = [*events, NewEvent.state(status)]
        error = next((e.data["error"] for e in events if e.type is EventType.ERROR), None)
        if not self._db.is_sqlite:
            return await end_postgres(
                self._db,
                run.run_id,
                status,
                allowed_sources(status),
                events,
                answer=answer,
                sources=sources,
                details=details,
                error=error,
                owner=owner,
                stale_before=stale_before,
                announce=self._announce,
            )
        values: dict[str, Any] = {"status": str(status), "finished_at": utcnow()}
        if error is not None:
            values["error"] = error
        async with self._db.writer.begin() as conn:
            last = await _move(
                conn,
                run.run_id,
                allowed_sources(status),
                len(events),
                values,
                owner=owner,
                stale_before=stale_before,
            )
            if last is None:
                return None
            stored = await _insert_events(conn, run.run_id, last, events)
            if answer is None:
                answer = await read_token_text(conn, run.run_id)
            message = Message(
                run.thread_id, Role.ASSISTANT, answer, run.run_id, sources, answer=details
            )
            await conn.execute(_INSERT_MESSAGE, message_row(message))
        return RunNote(run.run_id, last, status, tuple(stored))


_INSERT_MESSAGE = insert(messages)
_INSERT_EVENTS = insert(run_events)


@cache
def _move_statement(
    sources: tuple[str, ...], by_owner: bool, stale: bool, same_seq: bool, setting: tuple[str, ...]
) -> Update:
    """The conditional move of one shape, built once (see repositories.py for why)."""
    conditions = [runs.c.id == bindparam("p_run"), runs.c.status.in_(sources)]
    if by_owner:
        conditions.append(runs.c.owner == bindparam("p_owner"))
    if stale:
        conditions.append(runs.c.heartbeat_at < bindparam("p_stale"))
    if same_seq:
        conditions.append(runs.c.last_seq == bindparam("p_seq"))
    values = {name: bindparam(f"v_{name}", type_=runs.c[name].type) for name in setting}
    return (
        update(runs)
        .where(and_(*conditions))
        .values(last_seq=runs.c.last_seq + bindparam("p_count"), **values)
        .returning(runs.c.last_seq)
    )


async def _move(
    conn: AsyncConnection,
    run_id: str,
    sources: Collection[RunStatus],
    count: int,
    values: dict[str, Any] | None = None,
    *,
    owner: str | None = None,
    stale_before: datetime | None = None,
    last_seq: int | None = None,
) -> int | None:
    """Reserve ``count`` seqs (and set ``values``) iff the run row is in one of ``sources``
    (and, when given, claimed by ``owner``, silent since ``stale_before``, at ``last_seq``)."""
    values = values or {}
    stmt = _move_statement(
        tuple(sorted(str(s) for s in sources)),
        owner is not None,
        stale_before is not None,
        last_seq is not None,
        tuple(sorted(values)),
    )
    params: dict[str, Any] = {"p_run": run_id, "p_count": count}
    params |= {"p_owner": owner, "p_stale": stale_before, "p_seq": last_seq}
    params |= {f"v_{name}": value for name, value in values.items()}
    last: int | None = (await conn.execute(stmt, params)).scalar_one_or_none()
    return last


async def _insert_events(
    conn: AsyncConnection, run_id: str, last: int, events: Sequence[NewEvent]
) -> list[RunEvent]:
    now = utcnow()
    first = last - len(events) + 1
    stored = [RunEvent(run_id, first + i, e.type, e.data, now) for i, e in enumerate(events)]
    await conn.execute(
        _INSERT_EVENTS,
        [
            {
                "run_id": e.run_id,
                "seq": e.seq,
                "type": str(e.type),
                "data": e.data,
                "created_at": e.created_at,
            }
            for e in stored
        ],
    )
    return stored
