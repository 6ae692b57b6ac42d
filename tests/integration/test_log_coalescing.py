"""Token appends of many runs at once, on both databases: under concurrent appends, cancels
and endings every run's log stays gap-free and ordered and nothing follows a terminal
state. On PostgreSQL the appends are written together (``log_coalesce.py``) and the
batches really are fewer than the appends; SQLite writes one append per transaction."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event

from cvchat.domain.events import EventType, NewEvent
from cvchat.domain.model import Run, RunStatus
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from tests.conftest import migrated_database
from tests.integration.test_run_log import running_run, tokens

RUNS = 30


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def coalesce_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    async with migrated_database(request.param, tmp_path_factory.mktemp("coalesce")) as url:
        yield url


@pytest.fixture
async def factory(coalesce_db_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    db = create_database(coalesce_db_url)
    yield SqlUnitOfWorkFactory(db, coalesce=True)
    await db.dispose()


class WriteCounter:
    """Batches as the database sees them: PostgreSQL statements inserting events (each
    commits itself), SQLite transactions."""

    def __init__(self, factory: SqlUnitOfWorkFactory) -> None:
        self.engine = factory.db.writer.sync_engine
        self.sqlite = factory.db.is_sqlite
        self.count = 0

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not self.sqlite and "INSERT INTO run_events" in statement:
            self.count += 1

    def _begin(self, _conn: Any) -> None:
        if self.sqlite:
            self.count += 1

    def __enter__(self) -> WriteCounter:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "begin", self._begin)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "begin", self._begin)


async def log_of(factory: SqlUnitOfWorkFactory, run: Run) -> list[tuple[int, EventType, Any]]:
    async with factory(read_only=True) as uow:
        return [(e.seq, e.type, e.data) for e in await uow.events.read_after(run.run_id, 0)]


async def test_concurrent_appends_of_many_runs_are_batched_and_each_log_is_in_order(
    factory: SqlUnitOfWorkFactory,
) -> None:
    runs = [await running_run(factory, f"owner-{i}") for i in range(RUNS)]
    rng = random.Random(7)
    sent: dict[str, list[str]] = {run.run_id: [] for run in runs}

    async def speak(run: Run) -> int:
        appends = 0
        for step in range(12):
            words = [f"{run.run_id[:4]}-{step}-{k}" for k in range(rng.randint(1, 3))]
            stored = await factory.log.append(run, tokens(*words))
            assert stored is not None
            assert [e.data["text"] for e in stored] == words  # its own events, its seqs
            sent[run.run_id] += words
            appends += 1
            await asyncio.sleep(rng.choice([0, 0, 0.001]))
        return appends

    with WriteCounter(factory) as writes:
        appends = sum(await asyncio.gather(*(speak(run) for run in runs)))

    for run in runs:
        log = await log_of(factory, run)
        assert [seq for seq, _, _ in log] == list(range(1, len(log) + 1))
        assert [data["text"] for _, _, data in log] == sent[run.run_id]
    if factory.db.is_sqlite:
        assert writes.count == appends
    else:
        assert writes.count < appends / 3, (writes.count, appends)


async def test_cancels_and_endings_racing_batched_appends_leave_gap_free_logs(
    factory: SqlUnitOfWorkFactory,
) -> None:
    runs = [await running_run(factory, f"racer-{i}") for i in range(RUNS)]
    rng = random.Random(11)
    stopped_by_append: set[str] = set()

    async def speak(run: Run) -> None:
        for step in range(40):
            if await factory.log.append(run, tokens(f"t{step}")) is None:
                stopped_by_append.add(run.run_id)
                return
            await asyncio.sleep(0)

    async def interrupt(run: Run, i: int) -> None:
        await asyncio.sleep(rng.uniform(0, 0.05))
        if i % 3 == 0:
            await factory.log.cancel(run, "canceled by the user")
        elif i % 3 == 1:
            await factory.log.end(run, RunStatus.DONE, [NewEvent.final("…", [])], answer="…")

    await asyncio.gather(
        *(speak(run) for run in runs), *(interrupt(run, i) for i, run in enumerate(runs))
    )

    endings = {RunStatus.CANCELED: 0, RunStatus.DONE: 0}
    for i, run in enumerate(runs):
        log = await log_of(factory, run)
        kinds = [kind for _, kind, _ in log]
        assert [seq for seq, _, _ in log] == list(range(1, len(log) + 1)), kinds
        tokens_seen = [data["text"] for _, kind, data in log if kind is EventType.TOKEN]
        assert tokens_seen == [f"t{k}" for k in range(len(tokens_seen))]  # in order, no gap
        if i % 3 == 2:  # never interrupted: still running, every token written
            assert EventType.STATE not in kinds and len(tokens_seen) == 40
            continue
        # Interrupted: one terminal state, last, and not a token after the ending.
        assert kinds.count(EventType.STATE) == 1 and kinds[-1] is EventType.STATE, kinds
        ending = kinds.index(EventType.CANCELED if i % 3 == 0 else EventType.FINAL)
        assert EventType.TOKEN not in kinds[ending:], kinds
        status = RunStatus(log[-1][2]["status"])
        endings[status] += 1
        if len(tokens_seen) < 40:
            assert run.run_id in stopped_by_append
    assert endings == {RunStatus.CANCELED: RUNS // 3, RunStatus.DONE: RUNS // 3}
