"""PostgreSQL notes between processes: two notifiers on one database stand for two processes.

A token append notifies in its own statement, once, and only when something was written;
every other note goes out through the notifier; and a process never handles its own echo,
since it dispatched the note itself when it was sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from cvchat.domain.events import NewEvent, RunNote
from cvchat.domain.model import RunStatus
from cvchat.infrastructure.db.engine import asyncpg_dsn, create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.notify.postgres import Channel, PostgresNotifier
from tests.integration.test_run_log import running_run

QUIET_S = 0.5  # long enough for a NOTIFY on loopback to have arrived


class Process:
    """What one ``cvchat serve`` holds for notes: its store and its notifier, one channel."""

    def __init__(self, url: str) -> None:
        self.channel = Channel()
        self.db = create_database(url)
        self.store = SqlUnitOfWorkFactory(self.db, announce=self.channel)
        self.notifier = PostgresNotifier(asyncpg_dsn(url), self.channel)

    async def close(self) -> None:
        await self.notifier.stop()
        await self.db.dispose()


@pytest.fixture
async def processes(pg_url: str) -> AsyncIterator[tuple[Process, Process]]:
    await asyncio.to_thread(upgrade, pg_url)
    a, b = Process(pg_url), Process(pg_url)
    await a.notifier.start()
    await b.notifier.start()
    yield a, b
    await a.close()
    await b.close()


async def test_an_append_tells_the_other_process_once_and_not_its_own(
    processes: tuple[Process, Process],
) -> None:
    a, b = processes
    assert a.store.log.announces_appends and a.channel.origin != b.channel.origin
    run = await running_run(a.store, "owner-n")
    async with a.notifier.subscribe(run.run_id) as here, b.notifier.subscribe(run.run_id) as there:
        stored = await a.store.log.append(run, [NewEvent.token("Ada"), NewEvent.token(" knows")])
        assert stored is not None
        note = await there.wait(timeout=5)
        assert note == RunNote(run.run_id, 2, RunStatus.RUNNING)
        assert note.events == ()  # across processes the events are read, not carried
        assert await here.wait(timeout=QUIET_S) is None  # its own echo is dropped

        # The writer hands its readers the events; the statement already told the others.
        await a.notifier.publish(
            RunNote(run.run_id, 2, RunStatus.RUNNING, tuple(stored), announced=True)
        )
        local = await here.wait(timeout=5)
        assert local is not None and local.events == tuple(stored)
        assert await there.wait(timeout=QUIET_S) is None


async def test_nothing_written_nothing_announced(processes: tuple[Process, Process]) -> None:
    a, b = processes
    run = await running_run(a.store, "owner-m")
    async with b.notifier.subscribe(run.run_id) as there:
        stranger = replace(run, owner="not-the-owner")
        assert await a.store.log.append(stranger, [NewEvent.token("x")]) is None
        assert await there.wait(timeout=QUIET_S) is None


async def test_other_notes_go_out_once_and_are_dispatched_here_directly(
    processes: tuple[Process, Process],
) -> None:
    a, b = processes
    run = await running_run(a.store, "owner-c")
    dispatched: list[RunNote] = []
    dispatch = a.notifier.dispatch

    def recording(note: RunNote) -> None:
        dispatched.append(note)
        dispatch(note)

    a.notifier.dispatch = recording  # type: ignore[method-assign]
    canceled = RunNote(run.run_id, 0, RunStatus.CANCELED)
    async with a.notifier.subscribe(run.run_id) as here, b.notifier.subscribe(run.run_id) as there:
        sent = asyncio.create_task(a.notifier.publish(canceled))
        await asyncio.sleep(0)
        assert dispatched == [canceled]  # here at once, before the NOTIFY is even sent
        await sent
        assert await here.wait(timeout=0) == canceled
        assert await there.wait(timeout=5) == canceled
        await asyncio.sleep(QUIET_S)
        assert dispatched == [canceled]  # and its echo was dropped


async def test_an_ending_tells_the_other_process_in_its_own_statement(
    processes: tuple[Process, Process],
) -> None:
    a, b = processes
    run = await running_run(a.store, "owner-e")
    async with b.notifier.subscribe(run.run_id) as there:
        note = await a.store.log.end(run, RunStatus.DONE, [NewEvent.final("Ada", [])])
        assert note is not None and note.announced  # publish need not send it again
        assert await there.wait(timeout=5) == RunNote(run.run_id, 2, RunStatus.DONE)
        lost = await a.store.log.cancel(run, "too late")
        assert lost is None  # the ending won: nothing written, nothing announced
        assert await there.wait(timeout=QUIET_S) is None
