"""The token path: appending to a running run's log in as few round trips as possible.

On PostgreSQL one statement does it all: a CTE moves the run row's seq counter under the
same conditions as every write of ``SqlRunLog`` (a status in ``APPENDABLE``, still ours)
and the INSERT takes its seqs from it, sent outside an explicit transaction so that the
statement commits itself.
One round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT), so less CPU on both ends.
Given the notifier's channel, the same statement also NOTIFYs the other processes (the
note goes out with the commit, and only if something was written), which saves a second
commit per batch and keeps tokens off the notifier's one connection. The price: should
PostgreSQL's notification queue ever fill (8 GB by default, only behind a listener stuck
for days), appends fail and runs end ``error`` instead of going on unannounced.
``created_at`` is the database's ``clock_timestamp()`` as the row goes in, right before the
statement commits (a Python timestamp would also count the wait for a pooled connection).
A cancel that took the row first leaves the CTE empty, so nothing is inserted, exactly as
before. SQLite has no UPDATE inside a CTE; it keeps two statements in one transaction
(``SqlRunLog.append``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import TextualSelect, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text

from cvchat.domain.events import NewEvent, RunEvent
from cvchat.domain.model import APPENDABLE, Run, RunStatus
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.tables import UtcDateTime
from cvchat.infrastructure.notify.postgres import Channel

_PG_APPEND = """
WITH moved AS (
    UPDATE runs SET last_seq = last_seq + :n
    WHERE id = :run_id AND status IN ({appendable}) {owner}
    RETURNING last_seq
){notify}
INSERT INTO run_events (run_id, seq, type, data, created_at)
SELECT :run_id, moved.last_seq - :n + e.ord, e.type, CAST(e.data AS json), clock_timestamp()
FROM moved{notified}, unnest(:types, :datas) WITH ORDINALITY AS e(type, data, ord)
RETURNING seq, created_at
"""

# The payload of ``Channel.payload`` (notify/postgres.py), built from the moved counter
# (``moved.last_seq``, with ``:run_id`` and ``:status``); the ending's statement uses it too.
PG_NOTIFY_MOVED = """, notified AS (
    SELECT pg_notify(CAST(:channel AS text), json_build_object(
        'r', CAST(:run_id AS text), 's', moved.last_seq,
        'st', CAST(:status AS text), 'o', CAST(:origin AS text))::text)
    FROM moved
)"""


def _pg_statement(with_owner: bool, with_notify: bool) -> TextualSelect:
    sql = _PG_APPEND.format(
        appendable=", ".join(f"'{status}'" for status in sorted(APPENDABLE)),
        owner="AND owner = :owner" if with_owner else "",
        notify=PG_NOTIFY_MOVED if with_notify else "",
        notified=", notified" if with_notify else "",
    )
    return (
        text(sql)
        .bindparams(bindparam("types", type_=ARRAY(Text)), bindparam("datas", type_=ARRAY(Text)))
        .columns(seq=Integer(), created_at=UtcDateTime())
    )


_PG_STATEMENTS = {
    (owner, notify): _pg_statement(owner, notify)
    for owner in (True, False)
    for notify in (True, False)
}


async def append_postgres(
    db: Database, run: Run, events: Sequence[NewEvent], announce: Channel | None = None
) -> list[RunEvent] | None:
    run_id, owner = run.run_id, run.owner
    params: dict[str, object] = {
        "n": len(events),
        "run_id": run_id,
        "types": [str(e.type) for e in events],
        "datas": [json.dumps(e.data) for e in events],
    }
    if owner is not None:
        params["owner"] = owner
    if announce is not None:
        params["channel"] = announce.name
        params["status"] = str(RunStatus.RUNNING)  # an append leaves the run running
        params["origin"] = announce.origin
    async with db.writer.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        result = await autocommit.execute(
            _PG_STATEMENTS[owner is not None, announce is not None], params
        )
        rows = sorted(result.all())
    if not rows:
        return None
    return [
        RunEvent(run_id, seq, e.type, e.data, at) for (seq, at), e in zip(rows, events, strict=True)
    ]
