"""Posting a message: the user's turn, and the run that will answer it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cvchat.application.idempotency import first_outcome, idempotent_request
from cvchat.application.runs import INTERRUPTED
from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.errors import Conflict, InvalidInput, NotFound, RateLimited
from cvchat.domain.model import Message, MultitaskStrategy, Role, Run, RunStatus, new_id, utcnow
from cvchat.domain.ports import Executor, Notifier, UnitOfWork, UnitOfWorkFactory

MAX_CONTENT = 100_000
TITLE_LENGTH = 80
ACTIVE_RUNS_RETRY_S = 5  # no finish time is known; a short, honest wait


class ContentTooLong(InvalidInput):
    """Over ``MAX_CONTENT`` characters (HTTP 413)."""


@dataclass(frozen=True)
class Posted:
    """``status`` is what the poster is told: ``queued``, and the same to a retry with the
    request's Idempotency-Key, while ``run`` is then read back as it is now."""

    run: Run
    message: Message
    status: RunStatus = RunStatus.QUEUED


def _title(content: str) -> str:
    line = " ".join(content.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


async def post_message(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    executor: Executor,
    thread_id: str,
    content: str,
    strategy: MultitaskStrategy = MultitaskStrategy.ENQUEUE,
    *,
    actor: Principal = LOCAL,
    max_active_runs: int | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    query: dict[str, Any] | None = None,
) -> Posted:
    """Store the message and queue its run, applying the thread's double-texting strategy.

    The thread row is locked for the transaction, so two posts to one thread see each
    other's runs and ``reject`` cannot let both through. ``interrupt`` cancels the runs
    that were active once the new one is stored, newest first (so that none of them starts
    meanwhile): a refused or failed post thus cancels nothing, and the new run, queued
    behind them, is the next one the thread executes. With an ``idempotency_key`` seen
    before (same caller, same thread, content and strategy), nothing is stored: the first
    post's run and message are answered again, and a run still queued is handed to the
    executor again, so a retry after a failed hand-off (queue mode) does not strand it.
    ``query``: a structured query (JSON of a ``CandidateQuery``) the run answers instead of
    parsing ``content``; kept with the message. A post that reads nothing before its writes
    (``enqueue``, no cap, no key) skips the unit of work: ``TurnQueue`` stores it in one
    step, under the same lock.
    """
    if len(content) > MAX_CONTENT:
        raise ContentTooLong(f"a message has at most {MAX_CONTENT} characters")
    if not content.strip():
        raise InvalidInput("a message cannot be empty")
    request = idempotent_request(
        actor,
        idempotency_key,
        "post_message",
        {
            "thread_id": thread_id,
            "content": content,
            "multitask_strategy": str(strategy),
            **({"query": query} if query is not None else {}),
        },
    )
    # Ids now, for the key's outcome; the rows (and their times) once the thread is locked,
    # so that creation order is the order in which posts to the thread got through.
    ids = {"run_id": new_id(), "message_id": new_id()}
    message = Message(
        thread_id, Role.USER, content, ids["run_id"], query=query, message_id=ids["message_id"]
    )
    if request is None and strategy is MultitaskStrategy.ENQUEUE and max_active_runs is None:
        posted = await _enqueue(uow_factory, message, ids["run_id"], actor)
        await executor.submit(thread_id)
        return posted
    interrupted: list[Run] = []
    async with uow_factory() as uow:
        first = await first_outcome(uow, request, {**ids, "status": str(RunStatus.QUEUED)}, now)
        if first is not None:
            posted = await _posted_before(uow, first)
        else:
            posted = await _post_in(
                uow,
                interrupted,
                thread_id,
                message,
                ids,
                strategy,
                actor,
                max_active_runs,
            )
            await uow.commit()
    for earlier in reversed(interrupted):
        note = await uow_factory.log.cancel(earlier, INTERRUPTED)
        if note is not None:
            await notifier.publish(note)
    if posted.run.status is RunStatus.QUEUED:
        await executor.submit(thread_id)
    return posted


async def _enqueue(
    uow_factory: UnitOfWorkFactory, message: Message, run_id: str, actor: Principal
) -> Posted:
    """Nothing to read before the writes: one atomic step (``TurnQueue``), not a unit of work."""
    run = Run(message.thread_id, message.message_id, run_id=run_id)
    title = _title(message.content)
    at = await uow_factory.turns.enqueue(message, run, title, owner=actor.sees_only)
    if at is None:
        raise NotFound("unknown thread")
    return Posted(replace(run, created_at=at), replace(message, created_at=at))


async def _post_in(
    uow: UnitOfWork,
    interrupted: list[Run],
    thread_id: str,
    message: Message,
    ids: dict[str, str],
    strategy: MultitaskStrategy,
    actor: Principal,
    max_active_runs: int | None,
) -> Posted:
    thread = await uow.threads.get(thread_id, for_update=True)
    if thread is None or not actor.sees(thread.user_id):
        raise NotFound("unknown thread")
    if strategy is not MultitaskStrategy.ENQUEUE:  # queueing behind them needs no list
        active = await uow.runs.active_for_thread(thread_id)
        if active and strategy is MultitaskStrategy.REJECT:
            raise Conflict("a run of this thread is still active")
        if strategy is MultitaskStrategy.INTERRUPT:
            interrupted.extend(active)
    if max_active_runs is not None:
        # Without the runs this post interrupts, so that interrupting never hits the cap.
        running = await uow.runs.count_active_for_user(thread.user_id) - len(interrupted)
        if running >= max_active_runs:
            raise RateLimited(
                f"you have {running} answers queued or running (at most "
                f"{max_active_runs}); wait for one to finish or cancel one",
                ACTIVE_RUNS_RETRY_S,
            )
    now = utcnow()
    message = replace(message, created_at=now)
    run = Run(
        thread_id=thread_id,
        user_message_id=message.message_id,
        run_id=ids["run_id"],
        created_at=now,
    )
    await uow.threads.add_turn(message, run, _title(message.content))
    return Posted(run, message)


async def _posted_before(uow: UnitOfWork, first: dict[str, Any]) -> Posted:
    """The first post of a key, read back (gone only if its thread was deleted since)."""
    run = await uow.runs.get(first["run_id"])
    message = await uow.messages.get(first["message_id"])
    if run is None or message is None:
        raise NotFound("unknown thread")
    return Posted(run, message, RunStatus(first["status"]))
