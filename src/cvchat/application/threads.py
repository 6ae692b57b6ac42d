"""Creating threads and reading them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cvchat.application.idempotency import first_outcome, idempotent_request
from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.errors import NotFound
from cvchat.domain.model import Message, RunStatus, Thread, conversation_order
from cvchat.domain.ports import ThreadSummary, UnitOfWorkFactory


async def create_thread(
    uow_factory: UnitOfWorkFactory,
    user_id: str,
    *,
    actor: Principal = LOCAL,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Thread:
    """With an ``idempotency_key`` seen before (same caller and user), the thread it created."""
    request = idempotent_request(actor, idempotency_key, "create_thread", {"user_id": user_id})
    thread = Thread(user_id=user_id)
    async with uow_factory() as uow:
        first = await first_outcome(uow, request, {"thread_id": thread.thread_id}, now)
        if first is not None:
            created = await uow.threads.get(first["thread_id"])
            if created is None:
                raise NotFound("unknown thread")
            return created
        if not actor.sees(user_id) or await uow.users.get(user_id) is None:
            raise NotFound("unknown user")
        await uow.threads.add(thread)
        await uow.commit()
    return thread


async def list_threads(
    uow_factory: UnitOfWorkFactory, user_id: str, *, actor: Principal = LOCAL
) -> list[ThreadSummary]:
    async with uow_factory(read_only=True) as uow:
        if not actor.sees(user_id) or await uow.users.get(user_id) is None:
            raise NotFound("unknown user")
        return await uow.threads.list_for_user(user_id)


@dataclass(frozen=True)
class ThreadView:
    thread: Thread
    messages: list[Message]
    run_status: dict[str, RunStatus]


async def get_thread(
    uow_factory: UnitOfWorkFactory, thread_id: str, *, actor: Principal = LOCAL
) -> ThreadView:
    async with uow_factory(read_only=True) as uow:
        thread = await uow.threads.get(thread_id)
        if thread is None or not actor.sees(thread.user_id):
            raise NotFound("unknown thread")
        messages = conversation_order(await uow.messages.list_for_thread(thread_id))
        statuses: dict[str, RunStatus] = {}
        for run_id in {m.run_id for m in messages if m.run_id}:
            run = await uow.runs.get(run_id)
            if run is not None:
                statuses[run_id] = run.status
        return ThreadView(thread, messages, statuses)
