"""The lease recovery on real PostgreSQL: concurrent sweepers, late writers, attempts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from cvchat.application.messages import post_message
from cvchat.application.recovery import recover_stale_runs
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.events import NewEvent
from cvchat.domain.model import Run, RunStatus, utcnow
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.notify.local import InProcessNotifier

pytestmark = pytest.mark.postgres


class Submitted:
    def __init__(self) -> None:
        self.threads: list[str] = []

    async def submit(self, thread_id: str) -> None:
        self.threads.append(thread_id)


@pytest.fixture
async def uow(pg_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    await asyncio.to_thread(upgrade, pg_url)
    db = create_database(pg_url)
    yield SqlUnitOfWorkFactory(db)
    await db.dispose()


async def claimed(uow: SqlUnitOfWorkFactory, owner: str = "w1#1", *, tokens: int = 0) -> Run:
    """A run claimed by ``owner`` whose heartbeat is a minute old, with ``tokens`` written."""
    import uuid

    user = await create_user(uow, f"u-{uuid.uuid4().hex[:8]}")
    thread = await create_thread(uow, user.user_id)
    await post_message(uow, InProcessNotifier(), Submitted(), thread.thread_id, "hello")
    run = await uow.log.claim(thread.thread_id, owner)
    assert run is not None
    events = [NewEvent.tool_start("rag.search", {})]
    events += [NewEvent.token(f"t{i}") for i in range(tokens)]
    assert await uow.log.append(run, events) is not None
    async with uow() as u:
        await u.runs.heartbeat([owner], utcnow() - timedelta(seconds=60))
        await u.commit()
    return run


async def state(uow: SqlUnitOfWorkFactory, run_id: str) -> tuple[Any, list[str]]:
    async with uow(read_only=True) as u:
        run = await u.runs.get(run_id)
        events = [str(e.type) for e in await u.events.read_after(run_id, 0)]
    return run, events


async def sweep(uow: SqlUnitOfWorkFactory, submitted: Submitted, **kw: Any) -> Any:
    return await recover_stale_runs(
        uow,
        InProcessNotifier(),
        utcnow() - timedelta(seconds=15),
        max_attempts=3,
        resubmit=submitted.submit,
        **kw,
    )


async def test_concurrent_sweepers_requeue_a_tokenless_run_exactly_once(
    uow: SqlUnitOfWorkFactory,
) -> None:
    run = await claimed(uow)
    submitted = Submitted()
    results = await asyncio.gather(*(sweep(uow, submitted) for _ in range(6)))
    assert sum(len(r.requeued) for r in results) == 1
    assert sum(len(r.ended) for r in results) == 0
    current, events = await state(uow, run.run_id)
    assert current.status is RunStatus.QUEUED and current.owner is None
    assert events == ["tool_start"]  # nothing written: the next attempt continues the log
    assert submitted.threads == [run.thread_id]
    # The lost owner, alive after all, can no longer write.
    assert await uow.log.append(run, [NewEvent.token("late")]) is None
    # The next claim is attempt 2 under a new owner.
    again = await uow.log.claim(run.thread_id, "w2#1")
    assert again is not None and again.attempts == 2 and again.owner == "w2#1"


async def test_concurrent_sweepers_end_a_run_with_output_exactly_once(
    uow: SqlUnitOfWorkFactory,
) -> None:
    run = await claimed(uow, tokens=3)
    results = await asyncio.gather(*(sweep(uow, Submitted()) for _ in range(6)))
    assert sum(len(r.ended) for r in results) == 1
    assert sum(len(r.requeued) for r in results) == 0
    current, events = await state(uow, run.run_id)
    assert current.status is RunStatus.ERROR
    assert events == ["tool_start", "token", "token", "token", "error", "state"]


async def test_a_run_lost_on_every_attempt_ends_error_after_max_attempts(
    uow: SqlUnitOfWorkFactory,
) -> None:
    run = await claimed(uow)  # attempt 1
    for attempt in (2, 3):
        assert (await sweep(uow, Submitted())).requeued
        again = await uow.log.claim(run.thread_id, f"w{attempt}#1")
        assert again is not None and again.attempts == attempt
        async with uow() as u:
            await u.runs.heartbeat([f"w{attempt}#1"], utcnow() - timedelta(seconds=60))
            await u.commit()
    result = await sweep(uow, Submitted())  # max_attempts=3: no fourth start
    assert result.ended == [run.run_id] and not result.requeued
    current, events = await state(uow, run.run_id)
    assert current.status is RunStatus.ERROR and events == ["tool_start", "error", "state"]


async def test_a_live_owner_keeps_its_run(uow: SqlUnitOfWorkFactory) -> None:
    run = await claimed(uow)
    async with uow() as u:
        await u.runs.heartbeat(["w1#1"], utcnow())
        await u.commit()
    result = await sweep(uow, Submitted())
    assert not result.requeued and not result.ended
    current, _ = await state(uow, run.run_id)
    assert current.status is RunStatus.RUNNING and current.owner == "w1#1"
