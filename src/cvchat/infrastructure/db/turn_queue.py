"""A post queued behind the thread's runs, written in one round trip on PostgreSQL.

A post through a unit of work is four round trips (BEGIN, the thread's lock, the writes,
COMMIT), each costing the event loop more CPU than the database spends on it; under a burst
of posts that CPU is the posts' latency. When nothing has to be read before the writes
(the ``enqueue`` strategy, no cap on the user's active runs, no idempotency key), the lock
and the writes are one statement in autocommit: a CTE takes the same row lock as
``SqlThreads.get(for_update=True)``, the clock is read once the lock is held, and the
message, run and touch are data-modifying CTEs of that one statement, so they commit
together or not at all. A thread that is missing or someone else's yields no row: nothing
is written.

SQLite serializes every writer anyway; its post is the unit of work's three statements in
one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import TextualSelect, text

from cvchat.domain.model import Message, Run, utcnow
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.repositories import SqlThreads
from cvchat.infrastructure.db.tables import UtcDateTime

_PG_ENQUEUE: TextualSelect = text(
    """
WITH thread AS (
    SELECT id FROM threads
    WHERE id = :p_thread AND (CAST(:p_owner AS text) IS NULL OR user_id = :p_owner)
    FOR NO KEY UPDATE
), stamp AS (
    SELECT clock_timestamp() AS at FROM thread
), new_message AS (
    INSERT INTO messages (id, thread_id, role, content, run_id, query, created_at)
    SELECT :m_id, :p_thread, :m_role, :m_content, :m_run, CAST(:m_query AS json), stamp.at
    FROM stamp
), new_run AS (
    INSERT INTO runs (id, thread_id, user_message_id, status, created_at, last_seq, attempts)
    SELECT :r_id, :p_thread, :m_id, :r_status, stamp.at, 0, 0
    FROM stamp
), touched AS (
    UPDATE threads SET updated_at = stamp.at, title = coalesce(threads.title, :p_title)
    FROM stamp WHERE threads.id = :p_thread
)
SELECT at FROM stamp
"""
).columns(at=UtcDateTime())


class SqlTurnQueue:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(
        self, message: Message, run: Run, title: str | None, *, owner: str | None
    ) -> datetime | None:
        if self._db.is_sqlite:
            return await self._enqueue_in_transaction(message, run, title, owner)
        params = {
            "p_thread": message.thread_id,
            "p_owner": owner,
            "p_title": title,
            "m_id": message.message_id,
            "m_role": str(message.role),
            "m_content": message.content,
            "m_run": message.run_id,
            "m_query": json.dumps(message.query) if message.query is not None else None,
            "r_id": run.run_id,
            "r_status": str(run.status),
        }
        # The reader engine is the pool in autocommit: the statement is its own transaction.
        async with self._db.reader.connect() as conn:
            at: datetime | None = (await conn.execute(_PG_ENQUEUE, params)).scalar_one_or_none()
        return at

    async def _enqueue_in_transaction(
        self, message: Message, run: Run, title: str | None, owner: str | None
    ) -> datetime | None:
        async with self._db.writer.connect() as conn:  # BEGIN IMMEDIATE (engine.py)
            threads = SqlThreads(conn)
            thread = await threads.get(message.thread_id, for_update=True)
            if thread is None or (owner is not None and thread.user_id != owner):
                return None
            now = utcnow()
            await threads.add_turn(
                replace(message, created_at=now), replace(run, created_at=now), title
            )
            await conn.commit()
        return now
