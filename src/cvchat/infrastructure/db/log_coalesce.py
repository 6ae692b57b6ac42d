"""Token appends of every running run of a PostgreSQL process, written together: group commit.

At 100 concurrent answers each run appends every ~20 ms; one statement and one commit per
append (each with its pooled connection's round trips) kept a process busy while the
database idled. Here an append joins a pending batch and waits; one flusher writes whatever
is pending as one statement, then the next batch. No timer: with one run there is nothing
to wait for and the write goes out at once, as before; under load each write carries what
arrived during the previous one, so batches grow with the load and the commit rate does
not.

Each run keeps its guarantees, because every run's part of the statement is the same
conditional move of its own row as a lone append: its status must be appendable and its
owner the writer's claim, its seq counter moves by its event count, and its events take
the seqs the counter returns. A run that was canceled, ended or handed over meanwhile
moves no row, gets ``None`` and writes nothing; the others in its batch are unaffected.
The statement NOTIFYs once per run that moved, so other processes hear of each one with
the commit. A database error fails every append of the batch (appends are not retried:
see application/execution.py).

SQLite does not coalesce (``SqlRunLog``): its commit is a local WAL write without fsync on
the one writer connection, so a batch saves little, and it measured worse: runs written
together are fanned out together, and with 1,000 streams on 10 runs delivery p50 went
from 4 to 28 ms (bench/README.md).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import TextualSelect, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text

from cvchat.domain.events import NewEvent, RunEvent
from cvchat.domain.model import APPENDABLE, Run, RunStatus
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.tables import UtcDateTime
from cvchat.infrastructure.notify.postgres import Channel

# Runs per statement: keeps a batch's arrays and its notifications modest.
MAX_RUNS = 200

_PG_BATCH = """
WITH req AS (
    SELECT * FROM unnest(CAST(:run_ids AS text[]), CAST(:owners AS text[]),
                         CAST(:counts AS int[])) AS r(run_id, owner, n)
), moved AS (
    UPDATE runs SET last_seq = runs.last_seq + req.n
    FROM req
    WHERE runs.id = req.run_id AND runs.status IN ({appendable})
      AND (req.owner IS NULL OR runs.owner = req.owner)
    RETURNING runs.id AS run_id, runs.last_seq AS last, req.n AS n
), notified AS (
    SELECT count({notify}) AS sent FROM moved
)
INSERT INTO run_events (run_id, seq, type, data, created_at)
SELECT e.run_id, moved.last - moved.n + e.ord, e.type, CAST(e.data AS json), clock_timestamp()
FROM notified, moved
JOIN unnest(CAST(:event_runs AS text[]), CAST(:ords AS int[]), CAST(:types AS text[]),
            CAST(:datas AS text[])) AS e(run_id, ord, type, data)
  ON e.run_id = moved.run_id
RETURNING run_id, seq, created_at
"""

# The payload of ``Channel.payload`` (notify/postgres.py), one per moved run.
_PG_NOTIFY = """pg_notify(CAST(:channel AS text), json_build_object(
        'r', moved.run_id, 's', moved.last, 'st', CAST(:status AS text),
        'o', CAST(:origin AS text))::text)"""


_APPENDABLE_SQL = ", ".join(f"'{status}'" for status in sorted(APPENDABLE))


def _pg_statement(with_notify: bool) -> TextualSelect:
    sql = _PG_BATCH.format(
        appendable=_APPENDABLE_SQL,
        notify=_PG_NOTIFY if with_notify else "*",
    )
    arrays = ("run_ids", "owners", "event_runs", "types", "datas")
    return (
        text(sql)
        .bindparams(
            *(bindparam(name, type_=ARRAY(Text)) for name in arrays),
            bindparam("counts", type_=ARRAY(Integer)),
            bindparam("ords", type_=ARRAY(Integer)),
        )
        .columns(run_id=Text(), seq=Integer(), created_at=UtcDateTime())
    )


_PG_STATEMENTS = {notify: _pg_statement(notify) for notify in (True, False)}


@dataclass
class _Pending:
    run: Run
    events: list[NewEvent]
    done: asyncio.Future[list[RunEvent] | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class CoalescingAppender:
    def __init__(self, db: Database, announce: Channel | None) -> None:
        self._db = db
        self._announce = announce
        self._pending: list[_Pending] = []
        self._flusher: asyncio.Task[None] | None = None

    async def append(self, run: Run, events: Sequence[NewEvent]) -> list[RunEvent] | None:
        pending = _Pending(run, list(events))
        self._pending.append(pending)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await pending.done

    async def _flush(self) -> None:
        while self._pending:
            batch: list[_Pending] = []
            seen: set[str] = set()
            rest: list[_Pending] = []
            for pending in self._pending:
                if pending.done.cancelled():
                    continue
                # A run's second append waits for the next batch, so its seqs follow.
                if pending.run.run_id in seen or len(batch) >= MAX_RUNS:
                    rest.append(pending)
                else:
                    seen.add(pending.run.run_id)
                    batch.append(pending)
            self._pending = rest
            if not batch:
                continue
            try:
                results = await self._write(batch)
            except Exception as exc:
                for pending in batch:
                    if not pending.done.done():
                        pending.done.set_exception(exc)
                continue
            for pending, result in zip(batch, results, strict=True):
                if not pending.done.done():
                    pending.done.set_result(result)

    async def _write(self, batch: list[_Pending]) -> list[list[RunEvent] | None]:
        params: dict[str, object] = {
            "run_ids": [p.run.run_id for p in batch],
            "owners": [p.run.owner for p in batch],
            "counts": [len(p.events) for p in batch],
            "event_runs": [p.run.run_id for p in batch for _ in p.events],
            "ords": [i for p in batch for i in range(1, len(p.events) + 1)],
            "types": [str(e.type) for p in batch for e in p.events],
            "datas": [json.dumps(e.data) for p in batch for e in p.events],
        }
        if self._announce is not None:
            params["channel"] = self._announce.name
            params["status"] = str(RunStatus.RUNNING)  # an append leaves the run running
            params["origin"] = self._announce.origin
        async with self._db.writer.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            result = await autocommit.execute(_PG_STATEMENTS[self._announce is not None], params)
            rows = result.all()
        stored: dict[str, list[tuple[int, object]]] = {}
        for run_id, seq, at in rows:
            stored.setdefault(run_id, []).append((seq, at))
        out: list[list[RunEvent] | None] = []
        for p in batch:
            mine = sorted(stored.get(p.run.run_id, []))  # type: ignore[arg-type]
            if not mine:
                out.append(None)
                continue
            out.append(
                [
                    RunEvent(p.run.run_id, seq, e.type, e.data, at)  # type: ignore[arg-type]
                    for (seq, at), e in zip(mine, p.events, strict=True)
                ]
            )
        return out
