"""Queue mode's job deferrals (real PostgreSQL, procrastinate's schema): the submits of a
burst go to the queue together, and each caller still learns its own outcome."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.executor.queue import QueueExecutor, build_queue_app
from cvchat.infrastructure.executor.queue_schema import apply_queue_schema
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.conftest import fresh_pg_database


@pytest.fixture
async def executor() -> AsyncIterator[QueueExecutor]:
    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url)
        await asyncio.to_thread(apply_queue_schema, url)
        db = create_database(url)
        queue = QueueExecutor(build_queue_app(url), SqlUnitOfWorkFactory(db), InProcessNotifier())
        try:
            yield queue
        finally:
            await queue.stop()
            await db.dispose()


def counted_deferrals(executor: QueueExecutor) -> list[list[str]]:
    """The threads of each statement that defers jobs, as procrastinate receives them."""
    manager = executor.app.job_manager
    real = manager.batch_defer_jobs_async
    calls: list[list[str]] = []

    async def counting(jobs: list[Any], connection: Any = None) -> Any:
        calls.append([job.lock for job in jobs])
        return await real(jobs, connection)

    manager.batch_defer_jobs_async = counting  # type: ignore[method-assign]
    return calls


async def waiting_jobs(executor: QueueExecutor) -> list[str]:
    rows = await executor.app.connector.execute_query_all_async(
        "SELECT lock FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id"
    )
    return [str(row["lock"]) for row in rows]


def threads(n: int) -> list[str]:
    return [uuid.uuid4().hex for _ in range(n)]


async def test_a_burst_of_submits_is_deferred_in_one_statement(executor: QueueExecutor) -> None:
    await executor.open()
    calls = counted_deferrals(executor)
    burst = threads(50)
    await asyncio.gather(*(executor.submit(t) for t in burst))
    assert len(calls) == 1 and sorted(calls[0]) == sorted(burst)
    assert sorted(await waiting_jobs(executor)) == sorted(burst)

    lone = threads(1)
    await executor.submit(lone[0])  # nothing else pending: out at once, on its own
    assert calls[-1] == lone


async def test_a_thread_whose_job_already_waits_does_not_fail_the_others(
    executor: QueueExecutor,
) -> None:
    """The batch is one statement, so one thread's queueing lock refuses all of it; each is
    then deferred on its own and only that thread's refusal is dropped (its job waits)."""
    await executor.open()
    waiting = threads(1)[0]
    await executor.submit(waiting)
    others = threads(10)
    await asyncio.gather(*(executor.submit(t) for t in [*others, waiting]))
    jobs = await waiting_jobs(executor)
    assert jobs.count(waiting) == 1 and sorted(jobs) == sorted([waiting, *others])


async def test_every_caller_of_a_failed_deferral_sees_its_error(executor: QueueExecutor) -> None:
    burst = threads(5)
    outcomes = await asyncio.gather(
        *(executor.submit(t) for t in burst), return_exceptions=True
    )  # the queue is not open: nothing can be deferred
    assert all(isinstance(o, Exception) and "not open" in str(o) for o in outcomes)

    await executor.open()
    await asyncio.gather(*(executor.submit(t) for t in burst))  # the retries go through
    assert sorted(await waiting_jobs(executor)) == sorted(burst)


async def test_a_caller_that_goes_away_does_not_cancel_the_others(
    executor: QueueExecutor,
) -> None:
    await executor.open()
    burst = threads(5)
    submits = [asyncio.ensure_future(executor.submit(t)) for t in burst]
    await asyncio.sleep(0)  # all five are pending together
    submits[0].cancel()  # e.g. its client hung up mid-post
    await asyncio.gather(*submits[1:])
    assert sorted(await waiting_jobs(executor)) == sorted(burst)  # its job is stored too
