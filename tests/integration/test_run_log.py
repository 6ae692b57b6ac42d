"""The run-log port (``SqlRunLog``) on both databases: what it returns is what is stored,
seqs are consecutive, every status condition is the domain's transition table, and a
write that loses (another owner, a status the table refuses) changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from cvchat.domain.events import EventType, NewEvent
from cvchat.domain.model import (
    APPENDABLE,
    RECOVERY_TRANSITIONS,
    TERMINAL_STATUSES,
    Message,
    Role,
    Run,
    RunStatus,
    Thread,
    User,
    allowed_sources,
    utcnow,
)
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.tables import runs
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from tests.conftest import migrated_database


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def log_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database of this module's own: the runs it leaves queued or running must not be
    picked up by the executor of a later test that shares the session's database."""
    async with migrated_database(request.param, tmp_path_factory.mktemp("run-log")) as url:
        yield url


@pytest.fixture
async def uow_factory(log_db_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    db = create_database(log_db_url)
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
    claimed = await factory.log.claim(thread.thread_id, owner)
    assert claimed is not None and claimed.run_id == run.run_id
    return claimed


async def force_status(factory: SqlUnitOfWorkFactory, run: Run, status: RunStatus) -> None:
    """Put the stored row in ``status`` behind the port's back (test setup only)."""
    async with factory.db.writer.begin() as conn:
        await conn.execute(update(runs).where(runs.c.id == run.run_id).values(status=str(status)))


async def stored(factory: SqlUnitOfWorkFactory, run: Run) -> tuple[Run, list[EventType]]:
    async with factory(read_only=True) as uow:
        row = await uow.runs.get(run.run_id)
        events = await uow.events.read_after(run.run_id, 0)
    assert row is not None
    return row, [e.type for e in events]


def tokens(*texts: str) -> list[NewEvent]:
    return [NewEvent.token(t) for t in texts]


async def test_appended_events_are_the_stored_ones(uow_factory: SqlUnitOfWorkFactory) -> None:
    run = await running_run(uow_factory, "owner-a")
    first = await uow_factory.log.append(run, tokens("Ada", " knows"))
    second = await uow_factory.log.append(run, tokens(" Rust"))
    assert first is not None and second is not None
    async with uow_factory(read_only=True) as uow:
        events = await uow.events.read_after(run.run_id, 0)
        row = await uow.runs.get(run.run_id)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events == first + second  # seq, type, data and created_at, as carried in notes
    assert [e.data["text"] for e in events] == ["Ada", " knows", " Rust"]
    assert all(e.type is EventType.TOKEN for e in events)
    assert row is not None and row.last_seq == 3


async def test_nothing_is_written_for_another_owner_or_a_stopped_run(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    run = await running_run(uow_factory, "owner-b")
    assert await uow_factory.log.append(replace(run, owner="someone-else"), tokens("x")) is None
    assert await uow_factory.log.end(replace(run, owner="someone-else"), RunStatus.DONE, []) is None
    canceled = await uow_factory.log.cancel(run, "stop")
    assert canceled is not None and canceled.seq == 2 and canceled.status is RunStatus.CANCELED
    assert await uow_factory.log.append(run, tokens("late")) is None
    assert await uow_factory.log.end(run, RunStatus.DONE, [NewEvent.final("late", [])]) is None
    row, types = await stored(uow_factory, run)
    assert types == [EventType.CANCELED, EventType.STATE]
    assert row.last_seq == 2 and row.status is RunStatus.CANCELED


async def test_an_ending_writes_state_last_and_the_answer(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    run = await running_run(uow_factory, "owner-c")
    await uow_factory.log.append(run, tokens("part", "ial"))
    note = await uow_factory.log.end(run, RunStatus.ERROR, [NewEvent.error("the model failed")])
    assert note is not None and note.seq == 4 and note.status is RunStatus.ERROR
    assert [e.seq for e in note.events] == [3, 4]  # what a local stream is handed
    row, types = await stored(uow_factory, run)
    assert types == [EventType.TOKEN, EventType.TOKEN, EventType.ERROR, EventType.STATE]
    assert row.status is RunStatus.ERROR and row.error == "the model failed"
    assert row.finished_at is not None
    async with uow_factory(read_only=True) as uow:
        answers = [m for m in await uow.messages.list_for_thread(run.thread_id) if m.run_id]
    assert [(m.role, m.content) for m in answers if m.role is Role.ASSISTANT] == [
        (Role.ASSISTANT, "partial")
    ]


async def test_an_exact_answer_keeps_its_details_and_a_question_its_query(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """What a reloaded thread shows as chips and a candidate table is stored, not re-run."""
    run = await running_run(uow_factory, "owner-details")
    query = {"languages": [{"code": "de"}], "operation": "count"}
    async with uow_factory() as uow:
        asked = Message(run.thread_id, Role.USER, "German", query=query)
        await uow.messages.add(asked)
        await uow.commit()
    details = {
        "answer_kind": "count",
        "total": 1,
        "query": query,
        "candidates": [{"cv_id": "cv-1", "name": "Ana Ruiz", "conditions": []}],
        "near_misses": [],
    }
    final = NewEvent.final("1 candidate", [], **details)
    note = await uow_factory.log.end(
        run, RunStatus.DONE, [final], "1 candidate", [], details=details
    )
    assert note is not None
    async with uow_factory(read_only=True) as uow:
        stored_messages = await uow.messages.list_for_thread(run.thread_id)
    by_content = {m.content: m for m in stored_messages}
    assert by_content["German"].query == query and by_content["German"].answer is None
    assert by_content["1 candidate"].answer == details
    assert by_content["who knows Rust?"].query is None


def _expected(operation: str, status: RunStatus) -> bool:
    """Whether the domain allows ``operation`` on a run stored in ``status``."""
    if operation == "append":
        return status in APPENDABLE
    if operation == "cancel":
        return status in allowed_sources(RunStatus.CANCELED)
    if operation == "requeue":
        return status in allowed_sources(RunStatus.QUEUED, RECOVERY_TRANSITIONS)
    return status in allowed_sources(RunStatus(operation))


@pytest.mark.parametrize("status", list(RunStatus))
async def test_every_write_is_allowed_exactly_where_the_transition_table_allows_it(
    uow_factory: SqlUnitOfWorkFactory, status: RunStatus
) -> None:
    operations = ["append", "cancel", "requeue", *sorted(str(s) for s in TERMINAL_STATUSES)]
    for operation in operations:
        run = await running_run(uow_factory, f"owner-{operation}")
        await force_status(uow_factory, run, status)
        log = uow_factory.log
        if operation == "append":
            wrote = await log.append(run, tokens("t")) is not None
        elif operation == "cancel":
            wrote = await log.cancel(run, "why") is not None
        elif operation == "requeue":
            wrote = await log.requeue(run) is not None
        else:
            wrote = await log.end(run, RunStatus(operation), []) is not None
        assert wrote is _expected(operation, status), (operation, status)
        row, types = await stored(uow_factory, run)
        if not wrote:
            assert row.status is status and row.last_seq == 0 and types == [], operation
        elif operation == "requeue":
            assert row.status is RunStatus.QUEUED and row.owner is None and types == []
        elif operation != "append":
            assert row.status.terminal and types[-1] is EventType.STATE


async def test_of_a_completion_and_a_cancel_at_once_exactly_one_wins(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    for _ in range(5):
        run = await running_run(uow_factory, "owner-race")
        done, canceled = await asyncio.gather(
            uow_factory.log.end(run, RunStatus.DONE, [NewEvent.final("", [])], answer=""),
            uow_factory.log.cancel(run, "stop"),
        )
        assert (done is None) != (canceled is None)
        row, types = await stored(uow_factory, run)
        assert types.count(EventType.STATE) == 1 and types[-1] is EventType.STATE
        assert row.last_seq == len(types)


async def test_a_requeue_misses_once_anything_was_written_or_the_owner_is_alive(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    run = await running_run(uow_factory, "owner-d")
    await uow_factory.log.append(run, [NewEvent.tool_start("rag.search", {})])
    assert await uow_factory.log.requeue(run) is None  # read before the tool_start
    async with uow_factory(read_only=True) as uow:
        seen = await uow.runs.get(run.run_id)
    assert seen is not None
    # Its heartbeat (set by the claim) is newer than the lease's limit: alive.
    assert await uow_factory.log.requeue(seen, stale_before=utcnow() - timedelta(60)) is None
    assert await uow_factory.log.requeue(replace(seen, owner="another-claim")) is None
    note = await uow_factory.log.requeue(seen, stale_before=utcnow() + timedelta(seconds=1))
    assert note is not None and note.status is RunStatus.QUEUED and note.seq == 1
    row, types = await stored(uow_factory, run)
    assert row.status is RunStatus.QUEUED and types == [EventType.TOOL_START]


async def queued_runs(factory: SqlUnitOfWorkFactory, count: int) -> list[Run]:
    """``count`` queued runs of one new thread, oldest first."""
    async with factory() as uow:
        user = User(name=f"claims-{uuid.uuid4().hex[:8]}")
        await uow.users.add(user)
        thread = Thread(user.user_id)
        await uow.threads.add(thread)
        made = []
        for i in range(count):
            message = Message(thread.thread_id, Role.USER, f"q{i}")
            message.created_at = thread.created_at + timedelta(seconds=i)
            await uow.messages.add(message)
            run = Run(thread.thread_id, message.message_id, created_at=message.created_at)
            await uow.runs.add(run)
            made.append(run)
        await uow.commit()
    return made


async def test_a_claim_takes_the_oldest_queued_run_once_none_runs(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    first, second = await queued_runs(uow_factory, 2)
    claimed = await uow_factory.log.claim(first.thread_id, "w#1")
    assert claimed is not None and claimed.run_id == first.run_id
    assert (claimed.status, claimed.owner, claimed.attempts) == (RunStatus.RUNNING, "w#1", 1)
    assert await uow_factory.log.claim(first.thread_id, "w#2") is None  # one runs
    assert await uow_factory.log.end(claimed, RunStatus.DONE, []) is not None
    after = await uow_factory.log.claim(first.thread_id, "w#2")
    assert after is not None and after.run_id == second.run_id
    await uow_factory.log.end(after, RunStatus.DONE, [])
    assert await uow_factory.log.claim(first.thread_id, "w#3") is None  # none queued


async def test_of_concurrent_claims_of_a_thread_exactly_one_gets_a_run(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    made = await queued_runs(uow_factory, 3)
    got = await asyncio.gather(
        *(uow_factory.log.claim(made[0].thread_id, f"w#{i}") for i in range(8))
    )
    claimed = [run for run in got if run is not None]
    assert [run.run_id for run in claimed] == [made[0].run_id]
    async with uow_factory(read_only=True) as uow:
        active = await uow.runs.active_for_thread(made[0].thread_id)
    assert [(r.run_id, r.status) for r in active] == [
        (made[0].run_id, RunStatus.RUNNING),
        (made[1].run_id, RunStatus.QUEUED),
        (made[2].run_id, RunStatus.QUEUED),
    ]


async def test_a_claim_waits_for_the_threads_lock_and_never_starts_a_second_run(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """A transaction holding the thread starts its younger run behind the port's back while
    a claim waits: the claim read the older run as queued and none as running (on
    PostgreSQL its snapshot predates the wait), yet it starts nothing."""
    older, younger = await queued_runs(uow_factory, 2)
    async with uow_factory() as uow:
        assert await uow.threads.get(older.thread_id, for_update=True) is not None
        claiming = asyncio.create_task(uow_factory.log.claim(older.thread_id, "w#1"))
        await asyncio.sleep(0.3)
        assert not claiming.done()
        await uow._conn.execute(  # type: ignore[union-attr]
            update(runs).where(runs.c.id == younger.run_id).values(status="running")
        )
        await uow.commit()
    assert await asyncio.wait_for(claiming, 10) is None
    async with uow_factory(read_only=True) as uow:
        stored = await uow.runs.get(older.run_id)
    assert stored is not None and stored.status is RunStatus.QUEUED


async def test_the_database_refuses_a_second_running_run_in_a_thread(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    first, second = await queued_runs(uow_factory, 2)
    assert await uow_factory.log.claim(first.thread_id, "w#1") is not None
    with pytest.raises(IntegrityError, match=r"uq_runs_one_running_per_thread|UNIQUE"):
        await force_status(uow_factory, second, RunStatus.RUNNING)


async def test_an_ending_without_an_answer_keeps_every_token_as_it(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """The tokens appended before and those of the ending itself, in order."""
    run = await running_run(uow_factory, "owner-t")
    await uow_factory.log.append(run, tokens("Ada", " knows"))
    note = await uow_factory.log.end(
        run, RunStatus.DONE, [*tokens(" Rust", "."), NewEvent.final("Ada knows Rust.", [])]
    )
    assert note is not None and [e.type for e in note.events][-1] is EventType.STATE
    row, types = await stored(uow_factory, run)
    assert types == [EventType.TOKEN] * 4 + [EventType.FINAL, EventType.STATE]
    assert row.last_seq == note.seq == 6 and row.error is None
    async with uow_factory(read_only=True) as uow:
        answers = await uow.messages.list_for_thread(run.thread_id)
    assert [m.content for m in answers if m.role is Role.ASSISTANT] == ["Ada knows Rust."]


async def test_pages_are_each_runs_owner_and_events_after_its_cursor(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """A stream's read: for each run asked about, the stored run, its thread's owner and
    its next events in order, several runs in one read."""
    run = await running_run(uow_factory, "owner-page")
    other = await running_run(uow_factory, "owner-page-2")
    await uow_factory.log.append(run, tokens("a", "b", "c"))
    await uow_factory.log.append(other, tokens("x"))
    async with uow_factory(read_only=True) as uow:
        thread = await uow.threads.get(run.thread_id)
        both = await uow.events.read_pages([(run.run_id, 0), (other.run_id, 0)], 10)
        middle = await uow.events.read_pages([(run.run_id, 1), (other.run_id, 1)], 1)
        unknown = await uow.events.read_pages([("no-such-run", 0), (run.run_id, 3)], 10)
        stored_run = await uow.runs.get(run.run_id)
        stored_events = await uow.events.read_after(run.run_id, 0)
    assert thread is not None and set(both) == {run.run_id, other.run_id}
    assert both[run.run_id].run == stored_run and both[run.run_id].user_id == thread.user_id
    assert both[run.run_id].events == stored_events
    assert [e.data["text"] for e in both[other.run_id].events] == ["x"]
    assert [e.data["text"] for e in middle[run.run_id].events] == ["b"]
    assert middle[other.run_id].events == []  # no events after the cursor: still the run
    assert list(unknown) == [run.run_id] and unknown[run.run_id].events == []

    sources = [{"cv_id": "cv-1", "name": "Zoë Łukasiewicz", "text": '日本語 "quoted"\n'}]
    await uow_factory.log.end(run, RunStatus.DONE, [NewEvent.final("abc", sources)])
    async with uow_factory(read_only=True) as uow:
        ended = (await uow.events.read_pages([(run.run_id, 3)], 10))[run.run_id]
        stored_end = await uow.events.read_after(run.run_id, 3)
    assert ended.run.status is RunStatus.DONE
    assert [e.seq for e in ended.events] == [4, 5] and ended.events[-1].is_last
    # Nested, non-ASCII data and the exact created_at survive the read as they were stored.
    assert ended.events == stored_end and ended.events[0].data["sources"] == sources
