"""Reading and canceling runs."""

from __future__ import annotations

from dataclasses import dataclass

from cvchat.application.streaming import LogFeed, LogStream
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


async def open_run_stream(
    feed: LogFeed, run_id: str, after_seq: int = 0, *, actor: Principal = LOCAL
) -> LogStream:
    """The run's events after ``after_seq``; ``NotFound`` before anything is sent, for
    unknown runs and other users' runs alike. The run and its owner come with the stream's
    first read, so an open costs one read, or none when this process already follows it."""
    stream = await feed.open(run_id, after_seq)
    if not actor.sees(stream.user_id):
        await stream.close()
        raise NotFound("unknown run")
    return stream


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
