"""Runs that a lost executor left behind.

A running run's owner sends heartbeats. A run whose owner has been silent for longer than
the lease is recovered:

- if it has written no token yet and was started fewer than ``max_attempts`` times, it
  goes back to ``queued`` (the one recovery-only transition, ``RunLog.requeue``) and its
  thread is handed to the executor again: the user waits a little, nothing is lost;
- otherwise it ends ``error`` with its partial log kept, and its streams close.

A requeued run keeps its log, and the retry continues it: it plans and retrieves again
but writes only the steps the log lacks (``RunExecution._logged_steps``), so the log stays
``tool_start tool_end token* final state``, gap-free, with each step once. The other
designs lose more: requeueing only before any event would requeue almost nothing
(``tool_start`` is written as a run starts, so a worker lost while retrieving would end the
run ``error``), and restarting the log would show clients a step twice or take back seqs
they have read. Tokens are never continued: the retry's model would not repeat them.

Why this is safe in every process at once: each recovery is ONE conditional UPDATE of
the run row that re-checks ``status = running`` and the stale heartbeat (and, for a
requeue, that ``last_seq`` is still what was looked at). Concurrent sweepers serialize on
the row lock; PostgreSQL re-evaluates the condition on the row the winner committed, so
the loser matches nothing and writes nothing. An owner that was slow rather than dead
cannot write afterwards either: its own writes require ``owner`` = its claim. So no run is
executed by two executors at once and no run gets two terminal events, without an
advisory lock (which would serialize sweepers but not protect against a late writer).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from cvchat.domain.events import NewEvent
from cvchat.domain.model import Run, RunStatus
from cvchat.domain.ports import Executor, Notifier, UnitOfWorkFactory

WORKER_LOST = "The server executing this run stopped before it finished. Please ask again."


@dataclass
class Recovered:
    requeued: list[Run] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)


async def recover_stale_runs(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    older_than: datetime,
    *,
    reason: str = WORKER_LOST,
    owner: str | None = None,
    max_attempts: int = 0,
    resubmit: Callable[[str], Awaitable[None]] | None = None,
) -> Recovered:
    """Requeue or end the running runs (of ``owner``) with no heartbeat since ``older_than``.

    ``max_attempts = 0`` never requeues. Requeued runs' threads go to ``resubmit``.
    """
    log = uow_factory.log
    async with uow_factory(read_only=True) as uow:
        candidates = await uow.runs.stale_running(older_than, owner)
    result = Recovered()
    for run_id in candidates:
        async with uow_factory(read_only=True) as uow:
            run = await uow.runs.get(run_id)
            partial = await uow.events.token_text(run_id)
        if run is None or run.status is not RunStatus.RUNNING:
            continue
        if not partial and run.attempts < max_attempts:
            # ``run.owner`` pins the claim (and so its attempts); ``run.last_seq`` that
            # nothing was written since ``partial`` was read.
            note = await log.requeue(run, stale_before=older_than)
            if note is not None:
                await notifier.publish(note)
                result.requeued.append(run)
                continue
        note = await log.end(
            run, RunStatus.ERROR, [NewEvent.error(reason)], stale_before=older_than
        )
        if note is None:
            continue  # it moved on meanwhile: ended, canceled, requeued or alive after all
        await notifier.publish(note)
        result.ended.append(run_id)
    if resubmit is not None:
        for thread_id in dict.fromkeys(r.thread_id for r in result.requeued):
            await resubmit(thread_id)
    return result


async def expire_stale_runs(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    older_than: datetime,
    reason: str = WORKER_LOST,
    owner: str | None = None,
) -> list[str]:
    """End (never requeue) the stale running runs: the in-process executor's recovery."""
    result = await recover_stale_runs(uow_factory, notifier, older_than, reason=reason, owner=owner)
    return result.ended


async def resubmit_orphaned_queues(uow_factory: UnitOfWorkFactory, executor: Executor) -> int:
    """Hand queued work that nobody is executing to ``executor``."""
    async with uow_factory(read_only=True) as uow:
        thread_ids = await uow.runs.threads_with_queued()
    for thread_id in thread_ids:
        await executor.submit(thread_id)
    return len(thread_ids)
