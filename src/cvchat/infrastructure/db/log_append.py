"""The token path: appending to a running run's log in as few round trips as possible.

On PostgreSQL one statement does it all: a CTE moves the run row's seq counter under the
same conditions as ``SqlRuns.allocate`` (still running, still ours) and the INSERT takes its
seqs from it, sent outside an explicit transaction so that the statement commits itself.
One round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT), so less CPU on both ends.
``created_at`` is the database's ``clock_timestamp()`` as the row goes in, right before the
statement commits (a Python timestamp would also count the wait for a pooled connection).
A cancel that took the row first leaves the CTE empty, so nothing is inserted, exactly as
before. SQLite has no UPDATE inside a CTE; it keeps two statements in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import TextualSelect, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text

from cvchat.domain.events import NewEvent, RunEvent
from cvchat.domain.model import RunStatus
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.tables import UtcDateTime

_PG_APPEND = """
WITH moved AS (
    UPDATE runs SET last_seq = last_seq + :n
    WHERE id = :run_id AND status = :running {owner}
    RETURNING last_seq
)
INSERT INTO run_events (run_id, seq, type, data, created_at)
SELECT :run_id, moved.last_seq - :n + e.ord, e.type, CAST(e.data AS json), clock_timestamp()
FROM moved, unnest(:types, :datas) WITH ORDINALITY AS e(type, data, ord)
RETURNING seq, created_at
"""


def _pg_statement(with_owner: bool) -> TextualSelect:
    sql = _PG_APPEND.format(owner="AND owner = :owner" if with_owner else "")
    return (
        text(sql)
        .bindparams(bindparam("types", type_=ARRAY(Text)), bindparam("datas", type_=ARRAY(Text)))
        .columns(seq=Integer(), created_at=UtcDateTime())
    )


_PG_STATEMENTS = {True: _pg_statement(True), False: _pg_statement(False)}


async def append_running_postgres(
    db: Database, run_id: str, owner: str | None, events: Sequence[NewEvent]
) -> list[RunEvent] | None:
    params: dict[str, object] = {
        "n": len(events),
        "run_id": run_id,
        "running": str(RunStatus.RUNNING),
        "types": [str(e.type) for e in events],
        "datas": [json.dumps(e.data) for e in events],
    }
    if owner is not None:
        params["owner"] = owner
    async with db.writer.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        result = await autocommit.execute(_PG_STATEMENTS[owner is not None], params)
        rows = sorted(result.all())
    if not rows:
        return None
    return [
        RunEvent(run_id, seq, e.type, e.data, at) for (seq, at), e in zip(rows, events, strict=True)
    ]
