"""A post's writes (``ThreadRepository.add_turn`` in a unit of work, ``TurnQueue.enqueue`` as
one step) and how reads meet the database, on both engines: the message, its run and the
thread's touch land together or not at all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from cvchat.domain.model import Message, Role, Run, RunStatus, Thread, User, utcnow
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from tests.conftest import migrated_database


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def turns_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database of this module's own: its queued runs must not reach another test's
    executor."""
    async with migrated_database(request.param, tmp_path_factory.mktemp("turns")) as url:
        yield url


@pytest.fixture
async def uow_factory(turns_db_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    db = create_database(turns_db_url)
    yield SqlUnitOfWorkFactory(db)
    await db.dispose()


async def new_thread(factory: SqlUnitOfWorkFactory, title: str | None = None) -> Thread:
    async with factory() as uow:
        user = User(name=f"ana-{uuid.uuid4().hex[:8]}")
        await uow.users.add(user)
        thread = Thread(user.user_id, title=title)
        thread.updated_at = thread.created_at = utcnow() - timedelta(hours=1)
        await uow.threads.add(thread)
        await uow.commit()
    return thread


def turn(thread: Thread, content: str) -> tuple[Message, Run]:
    message = Message(thread.thread_id, Role.USER, content)
    run = Run(thread.thread_id, message.message_id, created_at=message.created_at)
    return message, run


async def stored(factory: SqlUnitOfWorkFactory, thread: Thread) -> tuple[Thread, list[Message]]:
    async with factory(read_only=True) as uow:
        got = await uow.threads.get(thread.thread_id)
        messages = await uow.messages.list_for_thread(thread.thread_id)
    assert got is not None
    return got, messages


async def test_a_turn_stores_the_message_and_its_queued_run_and_touches_the_thread(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    thread = await new_thread(uow_factory)
    message, run = turn(thread, "Who knows Rust and speaks German?")
    async with uow_factory() as uow:
        await uow.threads.add_turn(message, run, "Who knows Rust")
        await uow.commit()

    got, messages = await stored(uow_factory, thread)
    assert messages == [message]
    assert got.title == "Who knows Rust"
    assert got.updated_at == message.created_at
    async with uow_factory(read_only=True) as uow:
        run_row = await uow.runs.get(run.run_id)
        assert await uow.runs.active_for_thread(thread.thread_id) == [run_row]
    assert run_row is not None
    assert (run_row.status, run_row.user_message_id) == (RunStatus.QUEUED, message.message_id)
    assert run_row.created_at == run.created_at and run_row.attempts == 0


async def test_a_later_turn_keeps_the_title_and_moves_the_thread_on(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    thread = await new_thread(uow_factory, title="Rust people")
    first, first_run = turn(thread, "Who knows Rust?")
    second, second_run = turn(thread, "And German?")
    second = replace(second, created_at=first.created_at + timedelta(seconds=1))
    second_run = replace(second_run, user_message_id=second.message_id)
    for message, run in ((first, first_run), (second, second_run)):
        async with uow_factory() as uow:
            await uow.threads.add_turn(message, run, message.content)
            await uow.commit()

    got, messages = await stored(uow_factory, thread)
    assert got.title == "Rust people"
    assert got.updated_at == second.created_at
    assert messages == [first, second]


async def test_a_turn_not_committed_leaves_nothing(uow_factory: SqlUnitOfWorkFactory) -> None:
    thread = await new_thread(uow_factory)
    message, run = turn(thread, "Who knows Rust?")
    async with uow_factory() as uow:
        await uow.threads.add_turn(message, run, "Who knows Rust?")

    got, messages = await stored(uow_factory, thread)
    assert messages == [] and got == thread
    async with uow_factory(read_only=True) as uow:
        assert await uow.runs.get(run.run_id) is None


async def test_a_turn_that_fails_in_part_stores_none_of_it(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """A run id already taken: neither the message nor the touch survives."""
    thread = await new_thread(uow_factory)
    taken, taken_run = turn(thread, "Who knows Rust?")
    async with uow_factory() as uow:
        await uow.threads.add_turn(taken, taken_run, None)
        await uow.commit()
    before = await stored(uow_factory, thread)

    message, _ = turn(thread, "And German?")
    clash = Run(thread.thread_id, message.message_id, run_id=taken_run.run_id)
    with pytest.raises(IntegrityError):
        async with uow_factory() as uow:
            await uow.threads.add_turn(message, clash, "And German?")
            await uow.commit()
    assert await stored(uow_factory, thread) == before


async def test_reads_on_postgresql_take_no_transaction_of_their_own(pg_url: str) -> None:
    """Autocommit: each read statement is its own transaction (a fresh snapshot, no BEGIN
    or ROLLBACK round trips), while a writer's statements share one. (SQLite's readers are
    WAL readers of a pool of their own.)"""
    db = create_database(pg_url)
    uow_factory = SqlUnitOfWorkFactory(db)
    probe = text("SELECT pg_current_xact_id()::text")
    try:
        for read_only, in_one_transaction in ((True, False), (False, True)):
            async with uow_factory(read_only=read_only) as uow:
                conn = uow._conn
                assert conn is not None
                first = (await conn.execute(probe)).scalar_one()
                second = (await conn.execute(probe)).scalar_one()
            assert (first == second) is in_one_transaction, read_only
    finally:
        await db.dispose()


async def test_an_enqueued_turn_is_stored_at_one_time_with_its_query(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    thread = await new_thread(uow_factory)
    message, run = turn(thread, "Who knows Rust?")
    message = replace(message, run_id=run.run_id, query={"skills": ["Rust"]})
    before = utcnow()
    at = await uow_factory.turns.enqueue(message, run, "Who knows Rust", owner=thread.user_id)

    assert at is not None and before <= at <= utcnow()
    got, messages = await stored(uow_factory, thread)
    assert messages == [replace(message, created_at=at)]
    assert (got.title, got.updated_at) == ("Who knows Rust", at)
    async with uow_factory(read_only=True) as uow:
        stored_run = await uow.runs.get(run.run_id)
    assert stored_run == replace(run, created_at=at)


async def test_an_enqueued_turn_keeps_the_title_and_orders_after_the_last(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    thread = await new_thread(uow_factory, title="Rust people")
    times = []
    for content in ("Who knows Rust?", "And German?"):
        message, run = turn(thread, content)
        times.append(await uow_factory.turns.enqueue(message, run, content, owner=None))
    got, messages = await stored(uow_factory, thread)
    assert got.title == "Rust people" and got.updated_at == times[1]
    assert [m.content for m in messages] == ["Who knows Rust?", "And German?"]
    assert [m.created_at for m in messages] == times and times[0] < times[1]


async def test_an_enqueued_turn_to_a_missing_or_foreign_thread_writes_nothing(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    thread = await new_thread(uow_factory)
    message, run = turn(thread, "Who knows Rust?")
    assert await uow_factory.turns.enqueue(message, run, "x", owner="someone-else") is None
    missing = replace(message, thread_id="0" * 32)
    assert await uow_factory.turns.enqueue(missing, run, "x", owner=None) is None
    assert await stored(uow_factory, thread) == (thread, [])
    async with uow_factory(read_only=True) as uow:
        assert await uow.runs.get(run.run_id) is None


async def test_an_enqueued_turn_that_fails_in_part_stores_none_of_it(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    thread = await new_thread(uow_factory)
    taken, taken_run = turn(thread, "Who knows Rust?")
    await uow_factory.turns.enqueue(taken, taken_run, "Who knows Rust?", owner=None)
    before = await stored(uow_factory, thread)

    message, _ = turn(thread, "And German?")
    clash = Run(thread.thread_id, message.message_id, run_id=taken_run.run_id)
    with pytest.raises(IntegrityError):
        await uow_factory.turns.enqueue(message, clash, "And German?", owner=None)
    assert await stored(uow_factory, thread) == before


async def test_an_enqueued_turn_waits_for_the_threads_lock_and_is_timed_after_it(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """A post or claim holding the thread: the enqueued turn goes in after it, and its time
    is taken then, so creation order is the order in which posts got through."""
    thread = await new_thread(uow_factory)
    message, run = turn(thread, "Who knows Rust?")
    async with uow_factory() as uow:
        assert await uow.threads.get(thread.thread_id, for_update=True) is not None
        waiting = asyncio.create_task(
            uow_factory.turns.enqueue(message, run, "Who knows Rust?", owner=None)
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()
        released = utcnow()
        await uow.commit()
    at = await asyncio.wait_for(waiting, 10)
    assert at is not None and at >= released
