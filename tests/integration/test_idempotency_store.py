"""Idempotency keys in the database, on SQLite and PostgreSQL: the key is taken in the
transaction that stores the result, a second claim waits for the first to end, keys expire
after 24 h (the clock is injected), and a queue-mode retry re-submits a stranded run.

Each test has a database of its own: the runs posted here stay queued, and a live server of
the session's shared database would pick them up and execute them under other tests.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from cvchat.application.idempotency import purge_expired_keys
from cvchat.application.messages import post_message
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.idempotency import IdempotentRequest, KeyReused
from cvchat.domain.model import RunStatus, utcnow
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.db.tables import idempotency_keys, runs
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.conftest import fresh_pg_database
from tests.security.auth_server import fetch_rows
from tests.unit.fakes import RecordingExecutor


@pytest.fixture
async def uow(own_db_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    db = create_database(own_db_url)
    yield SqlUnitOfWorkFactory(db)
    await db.dispose()


async def _thread(uow: SqlUnitOfWorkFactory) -> str:
    user = await create_user(uow, f"u-{uuid.uuid4().hex[:8]}")
    return (await create_thread(uow, user.user_id)).thread_id


def _request(key: str, content: str = "q") -> IdempotentRequest:
    return IdempotentRequest.of("local", key, "test", {"content": content})


@pytest.mark.parametrize("first_commits", [True, False])
async def test_a_second_claim_waits_for_the_first_transaction(
    uow: SqlUnitOfWorkFactory, first_commits: bool
) -> None:
    key, now = uuid.uuid4().hex, utcnow()

    async def second() -> object:
        async with uow() as other:
            recorded = await other.idempotency.claim(_request(key), {"by": "second"}, now)
            await other.commit()
            return recorded

    async with uow() as first:
        assert await first.idempotency.claim(_request(key), {"by": "first"}, now) is None
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # PostgreSQL: on the unique index; SQLite: the one writer
        if first_commits:
            await first.commit()
    recorded = await asyncio.wait_for(waiting, 30)
    if first_commits:
        assert recorded is not None and recorded.outcome == {"by": "first"}
    else:
        assert recorded is None  # the first rolled back: the key was free after all


async def test_keys_expire_after_24_hours(uow: SqlUnitOfWorkFactory, own_db_url: str) -> None:
    thread_id, key, t0 = await _thread(uow), uuid.uuid4().hex, utcnow()
    n, ex = InProcessNotifier(), RecordingExecutor()
    first = await post_message(uow, n, ex, thread_id, "one", idempotency_key=key, now=t0)
    day = t0 + timedelta(hours=24)
    again = await post_message(uow, n, ex, thread_id, "one", idempotency_key=key, now=day)
    assert again.run.run_id == first.run.run_id
    with pytest.raises(KeyReused):
        await post_message(uow, n, ex, thread_id, "two", idempotency_key=key, now=day)

    later = day + timedelta(seconds=1)
    reused = await post_message(uow, n, ex, thread_id, "two", idempotency_key=key, now=later)
    assert reused.run.run_id != first.run.run_id
    assert len(await fetch_rows(own_db_url, runs, thread_id=thread_id)) == 2
    # The key now names the second post, for 24 h from its reuse.
    replay = await post_message(uow, n, ex, thread_id, "two", idempotency_key=key, now=later)
    assert replay.run.run_id == reused.run.run_id


async def test_the_sweepers_purge_expired_keys_only(
    uow: SqlUnitOfWorkFactory, own_db_url: str
) -> None:
    old, fresh, now = uuid.uuid4().hex, uuid.uuid4().hex, utcnow()
    for key, when in ((old, now - timedelta(hours=25)), (fresh, now - timedelta(hours=23))):
        async with uow() as unit:
            assert await unit.idempotency.claim(_request(key), {}, when) is None
            await unit.commit()
    # Two hours ago neither had expired: a purge then keeps both.
    await purge_expired_keys(uow, now - timedelta(hours=2))
    assert len(await fetch_rows(own_db_url, idempotency_keys, key=old)) == 1
    # The in-process executor's sweep, on the real clock, drops the old key and keeps the other.
    await InProcessExecutor(uow, InProcessNotifier(), RecordingExecutor().submit).sweep()
    assert await fetch_rows(own_db_url, idempotency_keys, key=old) == []
    assert len(await fetch_rows(own_db_url, idempotency_keys, key=fresh)) == 1


async def test_a_retry_after_a_failed_queue_hand_off_resubmits_the_same_run() -> None:
    """Queue mode: the job defer fails after the commit (the API answers 500). The client's
    retry with its key gets the stored run, and this time the job is deferred."""
    from cvchat.infrastructure.executor.queue import QueueExecutor, build_queue_app
    from cvchat.infrastructure.executor.queue_schema import apply_queue_schema

    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url)
        await asyncio.to_thread(apply_queue_schema, url)
        db = create_database(url)
        factory = SqlUnitOfWorkFactory(db)
        notifier = InProcessNotifier()
        executor = QueueExecutor(build_queue_app(url), factory, notifier)
        try:
            thread_id, key = await _thread(factory), uuid.uuid4().hex
            with pytest.raises(Exception, match="not open"):  # the queue is unreachable
                await post_message(factory, notifier, executor, thread_id, "q", idempotency_key=key)
            stored = await fetch_rows(url, runs, thread_id=thread_id)
            assert [r["status"] for r in stored] == [str(RunStatus.QUEUED)]

            await executor.open()
            retry = await post_message(
                factory, notifier, executor, thread_id, "q", idempotency_key=key
            )
            assert retry.run.run_id == stored[0]["id"]
            assert len(await fetch_rows(url, runs, thread_id=thread_id)) == 1
            jobs = await executor.app.connector.execute_query_all_async(
                "SELECT lock FROM procrastinate_jobs WHERE status = 'todo'"
            )
            assert [j["lock"] for j in jobs] == [thread_id]
        finally:
            await executor.stop()
            await db.dispose()
