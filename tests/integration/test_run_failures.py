"""Every failure path ends the run: the in-process executor on both databases, with faults
injected into the real database (chosen statements fail as a dropped connection would).

Each test has a database of its own: the sweeper looks at every run in it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event

from cvchat.application.execution import ExecutionSettings, RunExecution
from cvchat.application.messages import post_message
from cvchat.application.recovery import WORKER_LOST, recover_stale_runs
from cvchat.application.streaming import run_progress
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.events import EventType, RunEvent
from cvchat.domain.model import Run, RunStatus, utcnow
from cvchat.infrastructure.db.engine import Database, create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.executor.claims import SHUTDOWN
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import RecordingExecutor
from tests.unit.test_execution import ScriptedPipeline

LEASE_S = 1.0
# Statement and a parameter: the assistant's message, stored only by a run's ending.
TERMINAL_WRITE = ("INSERT INTO messages", "assistant")
RUN_READ = ("FROM runs \nWHERE runs.id =", "")  # a run read by id (the watcher's re-read)


class Faults:
    """Makes chosen statements of the real database fail, as a dropped connection would."""

    def __init__(self, db: Database) -> None:
        self.pattern = ("", "")
        self.left = 0
        self.hits = 0
        self.statements: list[tuple[str, str]] = []  # every statement run, with parameters
        # PostgreSQL's reader is the writer's engine with options: it shares its listeners.
        shared = db.reader.sync_engine.pool is db.writer.sync_engine.pool
        for engine in {db.writer} if shared else {db.writer, db.reader}:
            event.listen(engine.sync_engine, "before_cursor_execute", self._check)

    def fail(self, pattern: tuple[str, str], times: int) -> None:
        self.pattern, self.left = pattern, times

    def _check(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements.append((statement, str(parameters)))
        text, value = self.pattern
        if self.left > 0 and text in statement and value in str(parameters):
            self.left -= 1
            self.hits += 1
            raise ConnectionResetError("injected: the connection to the database was lost")


@dataclass
class Engine:
    uow: SqlUnitOfWorkFactory
    notifier: InProcessNotifier
    executor: InProcessExecutor
    faults: Faults
    thread_id: str

    async def ask(self, question: str = "who knows Rust?", thread_id: str | None = None) -> str:
        posted = await post_message(
            self.uow, self.notifier, self.executor, thread_id or self.thread_id, question
        )
        return posted.run.run_id

    async def new_thread(self) -> str:
        async with self.uow(read_only=True) as uow:
            thread = await uow.threads.get(self.thread_id)
        assert thread is not None
        return (await create_thread(self.uow, thread.user_id)).thread_id

    async def run(self, run_id: str) -> Run:
        async with self.uow(read_only=True) as uow:
            run = await uow.runs.get(run_id)
        assert run is not None
        return run

    async def events(self, run_id: str) -> list[RunEvent]:
        async with self.uow(read_only=True) as uow:
            return await uow.events.read_after(run_id, 0)

    async def ended(self, run_id: str, within_s: float = 30.0) -> tuple[Run, list[RunEvent]]:
        """The run once it has ended (a generous bound: only a run left running fails it)."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            run = await self.run(run_id)
            if run.status.terminal:
                return run, await self.events(run_id)
            await asyncio.sleep(0.05)
        raise AssertionError(f"run {run_id} still {run.status} after {within_s} s")


Execute = Callable[[Run], Awaitable[bool | None]]


@pytest.fixture
async def engine_for(
    own_db_url: str,
) -> AsyncIterator[Callable[..., Awaitable[Engine]]]:
    started: list[tuple[Database, InProcessNotifier, InProcessExecutor]] = []

    async def start(
        pipeline: ScriptedPipeline,
        wrap: Callable[[Execute], Execute] | None = None,
        lease_s: float = LEASE_S,
    ) -> Engine:
        db = create_database(own_db_url)
        uow = SqlUnitOfWorkFactory(db)
        notifier = InProcessNotifier(partial(run_progress, uow), probe_s=0.2)
        execution: Execute = RunExecution(uow, notifier, pipeline, ExecutionSettings())
        executor = InProcessExecutor(
            uow, notifier, wrap(execution) if wrap else execution, lease_s=lease_s
        )
        faults = Faults(db)
        await notifier.start()
        await executor.start()
        started.append((db, notifier, executor))
        user = await create_user(uow, "Ana")
        thread = await create_thread(uow, user.user_id)
        return Engine(uow, notifier, executor, faults, thread.thread_id)

    yield start
    for db, notifier, executor in started:
        await executor.stop()
        await notifier.stop()
        await db.dispose()


def assert_complete(events: list[RunEvent], status: RunStatus) -> None:
    types = [e.type for e in events]
    assert [e.seq for e in events] == list(range(1, len(events) + 1)), types
    assert types.count(EventType.STATE) == 1 and types[-1] is EventType.STATE, types
    assert events[-1].data == {"status": str(status)}
    assert (EventType.FINAL in types) is (status is RunStatus.DONE), types


async def test_a_failed_final_write_is_retried_and_the_run_ends_done(
    engine_for: Callable[..., Awaitable[Engine]],
) -> None:
    engine = await engine_for(ScriptedPipeline(["Ada ", "knows ", "Rust"], delay=0.05))
    engine.faults.fail(TERMINAL_WRITE, times=2)
    run_id = await engine.ask()
    run, events = await engine.ended(run_id)
    assert engine.faults.hits == 2
    assert run.status is RunStatus.DONE, run.error
    assert_complete(events, RunStatus.DONE)
    assert events[-2].data["text"] == "Ada knows Rust"
    async with engine.uow(read_only=True) as uow:
        messages = await uow.messages.list_for_thread(engine.thread_id)
    assert [m.content for m in messages if m.role == "assistant"] == ["Ada knows Rust"]


async def test_a_run_whose_executor_gave_up_is_ended_by_the_sweeper(
    engine_for: Callable[..., Awaitable[Engine]], caplog: pytest.LogCaptureFixture
) -> None:
    """The database refuses the ending for longer than the executor retries it (and its
    hand-back): the run's heartbeat must stop, so the sweeper ends it once it can."""
    engine = await engine_for(ScriptedPipeline(["partial ", "answer"], delay=0.05))
    engine.faults.fail(TERMINAL_WRITE, times=12)
    with caplog.at_level(logging.WARNING):
        run_id = await engine.ask()
        run, events = await engine.ended(run_id)
    assert engine.faults.left == 0, "ended before the database took the write again"
    assert run.status is RunStatus.ERROR and run.error == WORKER_LOST
    assert_complete(events, RunStatus.ERROR)
    assert events[-2].data == {"error": WORKER_LOST}
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR and run_id in r.getMessage()]
    assert failed, "the executor's failure to end the run was not logged"


async def test_a_failing_reread_after_a_notifier_reconnect_does_not_strand_the_run(
    engine_for: Callable[..., Awaitable[Engine]], caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = ScriptedPipeline([f"w{i} " for i in range(30)], delay=0.03)
    engine = await engine_for(pipeline)
    with caplog.at_level(logging.WARNING):
        run_id = await engine.ask()
        while pipeline.emitted < 3:  # noqa: ASYNC110 - polling the pipeline is simplest
            await asyncio.sleep(0.01)
        engine.faults.fail(RUN_READ, times=1)
        engine.notifier.resync_all()  # what a reconnect of the notifier does
        while engine.faults.hits < 1:  # noqa: ASYNC110 - the watcher's read, not ours
            await asyncio.sleep(0.01)
        run, events = await engine.ended(run_id)
    assert engine.faults.hits == 1
    assert run.status is RunStatus.DONE
    assert_complete(events, RunStatus.DONE)
    assert any("injected" in r.getMessage() or r.exc_info for r in caplog.records)


async def test_an_executor_exception_hands_the_run_back_at_once(
    engine_for: Callable[..., Awaitable[Engine]],
) -> None:
    """Whatever escapes the execution, the run is ended then, not left to a lease."""

    def crashing(execute: Execute) -> Execute:
        async def run(run: Run) -> None:
            raise RuntimeError("a bug in the executor")

        return run

    # A lease of an hour: no sweeper within this test, only a hand-back can end the run.
    engine = await engine_for(ScriptedPipeline(["never"]), wrap=crashing, lease_s=3600)
    run_id = await engine.ask()
    run, events = await engine.ended(run_id, within_s=20)
    assert run.status is RunStatus.ERROR
    assert_complete(events, RunStatus.ERROR)


def hand_backs(faults: Faults) -> list[str]:
    """The executor's looks for what a claim left running (``stale_running`` of an owner;
    the sweeper's has no owner)."""
    return [
        params
        for statement, params in faults.statements
        if statement.startswith("SELECT")
        and "runs.heartbeat_at <" in statement
        and "runs.owner =" in statement
    ]


async def test_a_run_that_ended_itself_is_not_handed_back(
    engine_for: Callable[..., Awaitable[Engine]],
) -> None:
    """The execution reports the ending it committed, so its claim costs no extra look."""
    engine = await engine_for(ScriptedPipeline(["Ada ", "knows ", "Rust"]), lease_s=3600)
    run_id = await engine.ask()
    run, events = await engine.ended(run_id)
    assert run.status is RunStatus.DONE
    assert_complete(events, RunStatus.DONE)
    await engine.executor.stop()  # whatever it had left to do is done
    assert hand_backs(engine.faults) == []


async def test_an_execution_that_left_its_run_running_is_handed_back(
    engine_for: Callable[..., Awaitable[Engine]],
) -> None:
    """Returning without an ending (``None``, not ``True``) leaves the run to the hand-back,
    which ends it at once, not after a lease."""

    def silent(execute: Execute) -> Execute:
        async def run(run: Run) -> None:
            return None

        return run

    engine = await engine_for(ScriptedPipeline(["never"]), wrap=silent, lease_s=3600)
    run_id = await engine.ask()
    run, events = await engine.ended(run_id, within_s=20)
    assert run.status is RunStatus.ERROR
    assert_complete(events, RunStatus.ERROR)
    assert len(hand_backs(engine.faults)) == 1


async def test_stopping_the_executor_ends_what_it_executes_at_once(
    engine_for: Callable[..., Awaitable[Engine]],
) -> None:
    pipeline = ScriptedPipeline([f"w{i} " for i in range(400)], delay=0.05)
    engine = await engine_for(pipeline, lease_s=3600)  # no sweeper within this test
    run_id = await engine.ask()
    while pipeline.emitted < 2:  # noqa: ASYNC110 - polling the pipeline is simplest
        await asyncio.sleep(0.01)
    await engine.executor.stop()
    run, events = await engine.ended(run_id, within_s=5)
    assert run.status is RunStatus.ERROR and run.error == SHUTDOWN
    assert_complete(events, RunStatus.ERROR)


async def test_each_claim_of_the_in_process_executor_has_its_own_owner(
    engine_for: Callable[..., Awaitable[Engine]],
) -> None:
    pipeline = ScriptedPipeline([f"w{i} " for i in range(40)], delay=0.05)
    engine = await engine_for(pipeline)
    first = await engine.ask()
    second = await engine.ask(thread_id=await engine.new_thread())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        runs = [await engine.run(first), await engine.run(second)]
        if all(r.status is RunStatus.RUNNING for r in runs):
            break
        await asyncio.sleep(0.02)
    assert [r.status for r in runs] == [RunStatus.RUNNING, RunStatus.RUNNING]
    assert runs[0].owner and runs[1].owner and runs[0].owner != runs[1].owner
    for run_id in (first, second):
        _, events = await engine.ended(run_id)
        assert_complete(events, RunStatus.DONE)


async def test_owner_ids_fit_the_column_whatever_the_host_name(
    engine_for: Callable[..., Awaitable[Engine]], monkeypatch: pytest.MonkeyPatch
) -> None:
    long_host = ("node-" + "a" * 60 + ".") * 3 + "compute.internal"
    assert len(long_host) >= 200
    monkeypatch.setattr(socket, "gethostname", lambda: long_host)
    engine = await engine_for(ScriptedPipeline(["Ada ", "knows"], delay=0.05))
    run_id = await engine.ask()
    run, events = await engine.ended(run_id)
    assert_complete(events, RunStatus.DONE)
    assert run.owner is not None and len(run.owner) <= 64
    assert run.owner.startswith("node-aaaa")  # still tells where it ran


async def test_a_requeued_run_continues_its_log_without_repeating_steps(
    own_db_url: str,
) -> None:
    """A worker lost after ``tool_start``: the retry writes what the log lacks, from seq 2."""

    class SlowRetrieve(ScriptedPipeline):
        async def retrieve(self, request: Any, call: Any = None) -> Any:
            await asyncio.sleep(3600)  # the worker is lost while retrieving

    db = create_database(own_db_url)
    uow = SqlUnitOfWorkFactory(db)
    notifier = InProcessNotifier()
    try:
        user = await create_user(uow, "Ana")
        thread = await create_thread(uow, user.user_id)

        posted = await post_message(uow, notifier, RecordingExecutor(), thread.thread_id, "who?")
        first = await uow.log.claim(thread.thread_id, "lost-worker#1")
        assert first is not None
        lost = asyncio.create_task(
            RunExecution(uow, notifier, SlowRetrieve(["x"]), ExecutionSettings())(first)
        )
        while not await _events(uow, first.run_id):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        lost.cancel()  # the worker is gone: nothing more is written by it
        with pytest.raises(asyncio.CancelledError):
            await lost
        executor = RecordingExecutor()
        recovered = await recover_stale_runs(
            uow,
            notifier,
            utcnow() + timedelta(seconds=1),
            max_attempts=3,
            resubmit=executor.submit,
        )
        assert [r.run_id for r in recovered.requeued] == [first.run_id]
        assert executor.submitted == [thread.thread_id]
        again = await uow.log.claim(thread.thread_id, "rescuer#1")
        assert again is not None and again.attempts == 2
        await RunExecution(uow, notifier, ScriptedPipeline(["Ada"]), ExecutionSettings())(again)
        events = await _events(uow, posted.run.run_id)
        assert [e.type for e in events] == [
            EventType.TOOL_START,
            EventType.TOOL_END,
            EventType.TOKEN,
            EventType.FINAL,
            EventType.STATE,
        ]
        assert_complete(events, RunStatus.DONE)
    finally:
        await db.dispose()


async def _events(uow: SqlUnitOfWorkFactory, run_id: str) -> list[RunEvent]:
    async with uow(read_only=True) as u:
        return await u.events.read_after(run_id, 0)
