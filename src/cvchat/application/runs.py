"""Reading and canceling runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from cvchat.application.streaming import Batch, LogFeed
from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.errors import Conflict, NotFound
from cvchat.domain.model import Run, RunStatus
from cvchat.domain.ports import Notifier, UnitOfWork, UnitOfWorkFactory

USER_CANCEL = "canceled by the user"
INTERRUPTED = "interrupted by a newer message"


async def _visible_run(uow: UnitOfWork, run_id: str, actor: Principal) -> Run:
    """The run, if it exists for ``actor`` (its thread is theirs), else ``NotFound``."""
    run = await uow.runs.get(run_id)
    if run is not None and not actor.is_local:
        thread = await uow.threads.get(run.thread_id)
        if thread is None or not actor.sees(thread.user_id):
            run = None
    if run is None:
        raise NotFound("unknown run")
    return run


async def get_run(uow_factory: UnitOfWorkFactory, run_id: str, *, actor: Principal = LOCAL) -> Run:
    async with uow_factory(read_only=True) as uow:
        return await _visible_run(uow, run_id, actor)


@dataclass(frozen=True)
class RunStream:
    run: Run  # as it was when the stream opened
    after_seq: int
    batches: AsyncIterator[Batch]

    @property
    def exhausted(self) -> bool:
        """The run had ended and the cursor was at (or past) its last event: nothing will
        ever follow, which a client must be told apart from a dropped stream."""
        return self.run.status.terminal and self.after_seq >= self.run.last_seq


async def open_run_stream(
    uow_factory: UnitOfWorkFactory,
    feed: LogFeed,
    run_id: str,
    after_seq: int = 0,
    *,
    actor: Principal = LOCAL,
) -> RunStream:
    """The run's events after ``after_seq``; ``NotFound`` before anything is sent."""
    run = await get_run(uow_factory, run_id, actor=actor)
    return RunStream(run, after_seq, feed.batches(run_id, after_seq))


@dataclass(frozen=True)
class CancelOutcome:
    run: Run
    accepted: bool  # False when the run was already canceled


async def cancel_run(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, run_id: str, *, actor: Principal = LOCAL
) -> CancelOutcome:
    """Cancel a queued or running run; a no-op for a canceled one; a conflict once finished.

    The cancel is one conditional write (``RunLog.cancel``): a completion that committed
    first makes it write nothing, and a completion after it finds the run canceled.
    """
    run = await get_run(uow_factory, run_id, actor=actor)
    note = await uow_factory.log.cancel(run, USER_CANCEL)
    if note is not None:
        await notifier.publish(note)
    updated = await get_run(uow_factory, run_id, actor=actor)
    if note is not None:
        return CancelOutcome(updated, accepted=True)
    if updated.status is RunStatus.CANCELED:
        return CancelOutcome(updated, accepted=False)
    raise Conflict(f"run already finished with status {updated.status}")
