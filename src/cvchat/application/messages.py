"""Posting a message: the user's turn, and the run that will answer it."""

from __future__ import annotations

from dataclasses import dataclass

from cvchat.application.runs import INTERRUPTED
from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.errors import Conflict, InvalidInput, NotFound, RateLimited
from cvchat.domain.model import Message, MultitaskStrategy, Role, Run, utcnow
from cvchat.domain.ports import Executor, Notifier, UnitOfWorkFactory

MAX_CONTENT = 100_000
TITLE_LENGTH = 80
ACTIVE_RUNS_RETRY_S = 5  # no finish time is known; a short, honest wait


class ContentTooLong(InvalidInput):
    """Over ``MAX_CONTENT`` characters (HTTP 413)."""


@dataclass(frozen=True)
class Posted:
    run: Run
    message: Message


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
) -> Posted:
    """Store the message and queue its run, applying the thread's double-texting strategy.

    The thread row is locked for the transaction, so two posts to one thread see each
    other's runs and ``reject`` cannot let both through. ``interrupt`` cancels the runs
    that were active once the new one is stored, newest first (so that none of them starts
    meanwhile): a refused or failed post thus cancels nothing, and the new run, queued
    behind them, is the next one the thread executes.
    """
    if len(content) > MAX_CONTENT:
        raise ContentTooLong(f"a message has at most {MAX_CONTENT} characters")
    if not content.strip():
        raise InvalidInput("a message cannot be empty")
    async with uow_factory() as uow:
        thread = await uow.threads.get(thread_id, for_update=True)
        if thread is None or not actor.sees(thread.user_id):
            raise NotFound("unknown thread")
        active = await uow.runs.active_for_thread(thread_id)
        if active and strategy is MultitaskStrategy.REJECT:
            raise Conflict("a run of this thread is still active")
        interrupted = active if strategy is MultitaskStrategy.INTERRUPT else []
        if max_active_runs is not None:
            # Without the runs this post interrupts, so that interrupting never hits the cap.
            running = await uow.runs.count_active_for_user(thread.user_id) - len(interrupted)
            if running >= max_active_runs:
                raise RateLimited(
                    f"you have {running} answers queued or running (at most "
                    f"{max_active_runs}); wait for one to finish or cancel one",
                    ACTIVE_RUNS_RETRY_S,
                )
        message = Message(thread_id, Role.USER, content)
        run = Run(thread_id=thread_id, user_message_id=message.message_id)
        message.run_id = run.run_id
        await uow.messages.add(message)
        await uow.runs.add(run)
        await uow.threads.touch(thread_id, utcnow(), _title(content))
        await uow.commit()
    for earlier in reversed(interrupted):
        note = await uow_factory.log.cancel(earlier, INTERRUPTED)
        if note is not None:
            await notifier.publish(note)
    await executor.submit(thread_id)
    return Posted(run, message)
