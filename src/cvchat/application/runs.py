"""Reading and canceling runs, and the terminal writes every ending shares."""

from __future__ import annotations

from dataclasses import dataclass

from cvchat.domain.errors import Conflict, NotFound
from cvchat.domain.events import NewEvent, RunNote
from cvchat.domain.model import Message, Role, Run, RunStatus
from cvchat.domain.ports import Notifier, UnitOfWork, UnitOfWorkFactory

USER_CANCEL = "canceled by the user"
INTERRUPTED = "interrupted by a newer message"


async def get_run(uow_factory: UnitOfWorkFactory, run_id: str) -> Run:
    async with uow_factory(read_only=True) as uow:
        run = await uow.runs.get(run_id)
    if run is None:
        raise NotFound("unknown run")
    return run


async def cancel_in(uow: UnitOfWork, run: Run, reason: str) -> RunNote | None:
    """Cancel inside ``uow``'s transaction: status, ``canceled`` + ``state``, partial answer.

    The conditional status update locks the run row, so a concurrent completion either
    committed before (and this returns ``None``) or finds the run canceled and writes nothing.
    """
    last = await uow.runs.cancel(run.run_id, 2)
    if last is None:
        return None
    await uow.events.append(
        run.run_id,
        last - 1,
        [NewEvent.canceled(reason), NewEvent.state(RunStatus.CANCELED)],
    )
    partial = await uow.events.token_text(run.run_id)
    await uow.messages.add(Message(run.thread_id, Role.ASSISTANT, partial, run_id=run.run_id))
    return RunNote(run.run_id, last, RunStatus.CANCELED)


@dataclass(frozen=True)
class CancelOutcome:
    run: Run
    accepted: bool  # False when the run was already canceled


async def cancel_run(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, run_id: str
) -> CancelOutcome:
    """Cancel a queued or running run; a no-op for a canceled one; a conflict once finished."""
    async with uow_factory() as uow:
        run = await uow.runs.get(run_id)
        if run is None:
            raise NotFound("unknown run")
        note = await cancel_in(uow, run, USER_CANCEL)
        if note is not None:
            await uow.commit()
        updated = await uow.runs.get(run_id)
    assert updated is not None
    if note is not None:
        await notifier.publish(note)
        return CancelOutcome(updated, accepted=True)
    if updated.status is RunStatus.CANCELED:
        return CancelOutcome(updated, accepted=False)
    raise Conflict(f"run already finished with status {updated.status}")
