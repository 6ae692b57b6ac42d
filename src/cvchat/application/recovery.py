"""Runs that a dead process left behind.

A running run's owner sends heartbeats; a run whose owner has been silent for longer than
the lease ends ``error`` with its partial log kept, and its streams close. The conditional
update re-checks the heartbeat, so a run whose owner is alive after all is left alone and
two sweepers never both end a run.
"""

from __future__ import annotations

from datetime import datetime

from cvchat.domain.events import NewEvent, RunNote
from cvchat.domain.model import Message, Role, RunStatus
from cvchat.domain.ports import Executor, Notifier, UnitOfWorkFactory

WORKER_LOST = "The server executing this run stopped before it finished. Please ask again."


async def expire_stale_runs(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    older_than: datetime,
    reason: str = WORKER_LOST,
    owner: str | None = None,
) -> list[str]:
    async with uow_factory(read_only=True) as uow:
        candidates = await uow.runs.stale_running(older_than, owner)
    expired: list[str] = []
    for run_id in candidates:
        async with uow_factory() as uow:
            run = await uow.runs.get(run_id)
            last = await uow.runs.allocate(
                run_id,
                2,
                expect=RunStatus.RUNNING,
                to=RunStatus.ERROR,
                error=reason,
                stale_before=older_than,
            )
            if run is None or last is None:
                continue
            await uow.events.append(
                run_id, last - 1, [NewEvent.error(reason), NewEvent.state(RunStatus.ERROR)]
            )
            partial = await uow.events.token_text(run_id)
            await uow.messages.add(Message(run.thread_id, Role.ASSISTANT, partial, run_id=run_id))
            await uow.commit()
        await notifier.publish(RunNote(run_id, last, RunStatus.ERROR))
        expired.append(run_id)
    return expired


async def resubmit_orphaned_queues(uow_factory: UnitOfWorkFactory, executor: Executor) -> int:
    """Hand queued work that nobody is executing to ``executor``."""
    async with uow_factory(read_only=True) as uow:
        thread_ids = await uow.runs.threads_with_queued()
    for thread_id in thread_ids:
        await executor.submit(thread_id)
    return len(thread_ids)
