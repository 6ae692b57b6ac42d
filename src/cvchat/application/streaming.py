"""Reading a run's log as a stream: exactly the persisted events after a cursor, in order.

Guarantees: events come from the database only, so any process can serve any stream and a
client that resumes with the last seq it saw gets every later event exactly once. The
stream subscribes before its first read (no notification can slip between the two), reads
again only when woken with a newer seq (the notifier's own probe covers lost notes, so an
idle stream costs no query), and ends right after the run's terminal ``state`` event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from cvchat.domain.errors import NotFound
from cvchat.domain.events import RunEvent, RunNote
from cvchat.domain.ports import Notifier, UnitOfWorkFactory

PAGE = 500


async def stream_events(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    run_id: str,
    after_seq: int = 0,
) -> AsyncIterator[RunEvent]:
    async with notifier.subscribe(run_id) as subscription:
        cursor = after_seq
        while True:
            async with uow_factory(read_only=True) as uow:
                events = await uow.events.read_after(run_id, cursor, PAGE)
                run = None if events else await uow.runs.get(run_id)
            if not events:
                if run is None:
                    raise NotFound("unknown run")
                if run.status.terminal and cursor >= run.last_seq:
                    return  # resumed at or past the end
            for event in events:
                yield event
                cursor = event.seq
                if event.is_last:
                    return
            if len(events) == PAGE:
                continue
            while True:
                note = await subscription.wait()
                if note is None or note.seq > cursor:
                    break


async def run_progress(uow_factory: UnitOfWorkFactory, run_ids: list[str]) -> list[RunNote]:
    """The notifier's safety probe: where the logs of ``run_ids`` end now."""
    async with uow_factory(read_only=True) as uow:
        return await uow.runs.progress(run_ids)
