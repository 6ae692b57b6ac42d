"""The token path (``append_running``) on both databases: what it returns is what is stored,
seqs are consecutive, and a run that is no longer running or no longer ours gets nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from cvchat.domain.events import EventType, NewEvent
from cvchat.domain.model import Message, Role, Run, RunStatus, Thread, User
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory


@pytest.fixture
async def uow_factory(db_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    db = create_database(db_url)
    yield SqlUnitOfWorkFactory(db)
    await db.dispose()


async def running_run(factory: SqlUnitOfWorkFactory, owner: str) -> Run:
    async with factory() as uow:
        user = User(name=f"append-{owner}-{uuid.uuid4().hex[:6]}")
        await uow.users.add(user)
        thread = Thread(user.user_id)
        await uow.threads.add(thread)
        message = Message(thread.thread_id, Role.USER, "who knows Rust?")
        await uow.messages.add(message)
        run = Run(thread.thread_id, message.message_id)
        await uow.runs.add(run)
        await uow.commit()
    async with factory() as uow:
        claimed = await uow.runs.claim_next(thread.thread_id, owner)
        await uow.commit()
    assert claimed is not None and claimed.run_id == run.run_id
    return claimed


def tokens(*texts: str) -> list[NewEvent]:
    return [NewEvent.token(t) for t in texts]


async def test_appended_events_are_the_stored_ones(uow_factory: SqlUnitOfWorkFactory) -> None:
    run = await running_run(uow_factory, "owner-a")
    first = await uow_factory.append_running(run.run_id, "owner-a", tokens("Ada", " knows"))
    second = await uow_factory.append_running(run.run_id, "owner-a", tokens(" Rust"))
    assert first is not None and second is not None
    async with uow_factory(read_only=True) as uow:
        stored = await uow.events.read_after(run.run_id, 0)
        row = await uow.runs.get(run.run_id)
    assert [e.seq for e in stored] == [1, 2, 3]
    assert stored == first + second  # seq, type, data and created_at, as carried in notes
    assert [e.data["text"] for e in stored] == ["Ada", " knows", " Rust"]
    assert all(e.type is EventType.TOKEN for e in stored)
    assert row is not None and row.last_seq == 3


async def test_nothing_is_written_for_another_owner_or_a_stopped_run(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    run = await running_run(uow_factory, "owner-b")
    assert await uow_factory.append_running(run.run_id, "someone-else", tokens("x")) is None
    async with uow_factory() as uow:
        canceled = await uow.runs.allocate(
            run.run_id, 0, expect=RunStatus.RUNNING, to=RunStatus.CANCELED
        )
        assert canceled == 0
        await uow.commit()
    assert await uow_factory.append_running(run.run_id, "owner-b", tokens("late")) is None
    async with uow_factory(read_only=True) as uow:
        assert await uow.events.read_after(run.run_id, 0) == []
        row = await uow.runs.get(run.run_id)
    assert row is not None and row.last_seq == 0 and row.status is RunStatus.CANCELED
