"""A run's ending on PostgreSQL in one statement: the move, its events, the answer, the note.

Ending a run in a transaction took six round trips (BEGIN, the conditional move, the
events, the token text read back, the assistant message, COMMIT) and a seventh on the
notifier's one connection to tell the other processes; a burst of runs that end together
queued on both. Here data-modifying CTEs do it all in one autocommit statement, under the
same conditions as ``SqlRunLog``'s transaction: the run row moves only from a status the
domain allows (and, where given, under its owner and with a stale heartbeat), and the
events, the message and the NOTIFY hang off that move, so a writer that lost writes
nothing at all. The answer, when the caller has none, is the run's token text: the tokens
committed before (all of them: appends commit before they return) followed by those of
this ending. ``created_at`` of the events is the database's clock, as for appends
(``log_append.py``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import TextualSelect, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text

from cvchat.domain.events import EventType, NewEvent, RunEvent, RunNote
from cvchat.domain.model import Role, RunStatus, new_id, utcnow
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.log_append import PG_NOTIFY_MOVED
from cvchat.infrastructure.db.tables import UtcDateTime
from cvchat.infrastructure.notify.postgres import Channel

_PG_END = """
WITH moved AS (
    UPDATE runs SET last_seq = last_seq + :n, status = :status, finished_at = :finished_at,
        error = coalesce(CAST(:error AS text), error)
    WHERE id = :run_id AND status IN ({sources}){owner}{stale}
    RETURNING thread_id, last_seq
), stored AS (
    INSERT INTO run_events (run_id, seq, type, data, created_at)
    SELECT :run_id, moved.last_seq - :n + e.ord, e.type, CAST(e.data AS json), clock_timestamp()
    FROM moved, unnest(:types, :datas) WITH ORDINALITY AS e(type, data, ord)
    RETURNING seq, created_at
), answered AS (
    INSERT INTO messages (id, thread_id, role, content, run_id, sources, answer, created_at)
    SELECT :message_id, moved.thread_id, :role, coalesce(CAST(:content AS text), (
            SELECT coalesce(string_agg(t.data ->> 'text', '' ORDER BY t.seq), '')
            FROM run_events AS t WHERE t.run_id = :run_id AND t.type = :token
        ) || :more_tokens),
        :run_id, CAST(:sources_json AS json), CAST(:answer_json AS json), :created_at
    FROM moved
){notify}
SELECT stored.seq, stored.created_at FROM stored{notified}
"""


@cache
def _statement(
    sources: tuple[str, ...], with_owner: bool, stale: bool, with_notify: bool
) -> TextualSelect:
    sql = _PG_END.format(
        sources=", ".join(f"'{status}'" for status in sources),
        owner=" AND owner = :owner" if with_owner else "",
        stale=" AND heartbeat_at < :stale_before" if stale else "",
        notify=PG_NOTIFY_MOVED if with_notify else "",
        notified=", notified" if with_notify else "",
    )
    times = ("finished_at", "created_at", *(("stale_before",) if stale else ()))
    return (
        text(sql)
        .bindparams(
            bindparam("types", type_=ARRAY(Text)),
            bindparam("datas", type_=ARRAY(Text)),
            *(bindparam(name, type_=UtcDateTime()) for name in times),
        )
        .columns(seq=Integer(), created_at=UtcDateTime())
    )


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


async def end_postgres(
    db: Database,
    run_id: str,
    status: RunStatus,
    allowed: Collection[RunStatus],
    events: Sequence[NewEvent],
    *,
    answer: str | None,
    sources: list[dict[str, Any]] | None,
    details: dict[str, Any] | None,
    error: str | None,
    owner: str | None,
    stale_before: datetime | None,
    announce: Channel | None,
) -> RunNote | None:
    """``SqlRunLog._end`` in one statement; ``events`` end with the ``state`` event."""
    now = utcnow()
    params: dict[str, Any] = {
        "run_id": run_id,
        "n": len(events),
        "status": str(status),
        "finished_at": now,
        "error": error,
        "types": [str(e.type) for e in events],
        "datas": [json.dumps(e.data) for e in events],
        "message_id": new_id(),
        "role": str(Role.ASSISTANT),
        "content": answer,
        "token": str(EventType.TOKEN),
        "more_tokens": "".join(e.data["text"] for e in events if e.type is EventType.TOKEN),
        "sources_json": _json(sources),
        "answer_json": _json(details),
        "created_at": now,
    }
    if owner is not None:
        params["owner"] = owner
    if stale_before is not None:
        params["stale_before"] = stale_before
    if announce is not None:
        params |= {"channel": announce.name, "origin": announce.origin}
    stmt = _statement(
        tuple(sorted(str(s) for s in allowed)),
        owner is not None,
        stale_before is not None,
        announce is not None,
    )
    async with db.reader.connect() as conn:  # the autocommit pool: one statement, committed
        rows = sorted((await conn.execute(stmt, params)).all())
    if not rows:
        return None
    stored = tuple(
        RunEvent(run_id, seq, e.type, e.data, at) for (seq, at), e in zip(rows, events, strict=True)
    )
    return RunNote(run_id, stored[-1].seq, status, stored, announced=announce is not None)
