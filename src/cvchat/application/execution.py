"""Executing one run: the pipeline's output turned into the run's event log.

Guarantees:
- One writer per run: the executor that claimed it. Every write goes through the run-log
  port, conditioned on this claim (``run.owner``), so seqs are 1, 2, 3 … without gaps,
  and once a cancel (or the sweeper) has ended or requeued the run nothing more is
  written by this executor.
- Tokens are batched: one append per ``batch_size`` tokens or ``batch_s`` seconds,
  whichever comes first. The last tokens, ``final``, the assistant message and
  ``state(done)`` are one transaction, and ``final.text`` is the concatenation of the tokens.
- Cancellation: the executor subscribes to the run's notifications; a ``canceled`` note
  (from any process) cancels the pipeline task at once, closing the model's stream.
- Any other failure ends the run ``error`` with a message fit for the user. An ending the
  database refuses is retried a few times with backoff (safe: a retry after a commit whose
  answer was lost finds the run ended and writes nothing); appends are not retried (a lost
  answer would duplicate tokens) and end the run ``error``. What still fails is logged and
  left to the executor, which hands the run back, and then to the sweeper.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from tenacity import AsyncRetrying, before_sleep_log, stop_after_attempt, wait_exponential

from cvchat.domain.errors import DomainError
from cvchat.domain.events import EventType, NewEvent, RunNote
from cvchat.domain.model import Message, Run, RunStatus, conversation_order
from cvchat.domain.ports import (
    AnswerPipeline,
    AnswerRequest,
    Notifier,
    RunLog,
    UnitOfWorkFactory,
)
from cvchat.domain.telemetry import NO_TELEMETRY, Telemetry

log = logging.getLogger(__name__)

INTERNAL_ERROR = "The answer could not be produced because of an internal error."


class RunStopped(Exception):
    """The run is no longer ``running`` (canceled or expired): stop without writing."""


@dataclass(frozen=True)
class ExecutionSettings:
    batch_s: float = 0.020
    batch_size: int = 64
    token_budget: int = 0  # token events a run may write; 0: unlimited
    end_attempts: int = 4  # tries of a run's ending (backoff end_backoff_s, doubled each time)
    end_backoff_s: float = 0.1


class OverBudget(DomainError):
    """The model streamed more tokens than a run may hold; what came before is kept."""

    def __init__(self, budget: int) -> None:
        super().__init__(f"the answer exceeded its budget of {budget} tokens")


class _RunWriter:
    """One claimed run's writes through the run-log port, each announced once committed."""

    def __init__(
        self, log: RunLog, notifier: Notifier, run: Run, settings: ExecutionSettings
    ) -> None:
        self._log = log
        self._notifier = notifier
        self._run = run
        self._settings = settings
        self.ended: RunStatus | None = None  # the ending this writer committed, if any

    async def append(self, events: Sequence[NewEvent]) -> None:
        stored = await self._log.append(self._run, events)
        if stored is None:
            raise RunStopped
        await self._notifier.publish(
            RunNote(
                self._run.run_id,
                stored[-1].seq,
                RunStatus.RUNNING,
                tuple(stored),
                announced=self._log.announces_appends,
            )
        )

    async def end(
        self,
        status: RunStatus,
        events: Sequence[NewEvent],
        answer: str | None = None,
        sources: list[dict[str, Any]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """``events`` + ``state(status)`` + the assistant message, as one write."""
        note: RunNote | None = None
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._settings.end_attempts),
            wait=wait_exponential(multiplier=self._settings.end_backoff_s, max=2.0),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        ):
            with attempt:
                note = await self._log.end(
                    self._run, status, events, answer, sources, details=details
                )
        if note is None:
            raise RunStopped
        self.ended = status
        await self._notifier.publish(note)


_END = object()


def _exact(final: dict[str, Any]) -> dict[str, Any] | None:
    """What an exact answer adds to ``final`` (the set, the query), kept with the message."""
    return final if final.get("answer_kind", "open") != "open" else None


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


async def _pump(pieces: AsyncIterator[str], queue: asyncio.Queue[object]) -> None:
    try:
        async for piece in pieces:
            if piece:
                await queue.put(piece)
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        await queue.put(_Failed(exc))
        return
    finally:
        aclose = getattr(pieces, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(BaseException):
                await aclose()
    await queue.put(_END)


def user_message(exc: BaseException) -> str:
    """What the user may read about a failure: domain errors are phrased for them."""
    if isinstance(exc, DomainError):
        return str(exc) or INTERNAL_ERROR
    return INTERNAL_ERROR


class RunExecution:
    """Drives one claimed run through retrieve → generate → final, or to its end."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        pipeline: AnswerPipeline,
        settings: ExecutionSettings,
        telemetry: Telemetry = NO_TELEMETRY,
    ) -> None:
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._pipeline = pipeline
        self._settings = settings
        self._telemetry = telemetry

    async def __call__(self, run: Run) -> bool:
        """``True`` when this execution committed the run's ending itself: then nothing is
        left for the executor to hand back."""
        started = time.monotonic()
        log.info("run started", extra={"run_id": run.run_id, "thread_id": run.thread_id})
        writer = _RunWriter(self._uow_factory.log, self._notifier, run, self._settings)
        await self._execute(run, writer)
        await self._report(run, time.monotonic() - started, writer.ended)
        return writer.ended is not None

    async def _report(self, run: Run, seconds: float, ended: RunStatus | None) -> None:
        """The run's outcome: the ending it wrote, else as stored (a cancel or the sweeper
        may have ended it, or handed it back to the queue: ``handed_back``)."""
        if ended is None:
            try:
                async with self._uow_factory(read_only=True) as uow:
                    stored = await uow.runs.get(run.run_id)
            except Exception as exc:  # measuring must never fail a run that has ended
                log.warning("run %s: outcome unknown: %s", run.run_id, type(exc).__name__)
                return
            if stored is not None and stored.status.terminal:
                ended = stored.status
        outcome = str(ended) if ended is not None else "handed_back"
        self._telemetry.run_finished(outcome, seconds)
        log.info(
            "run ended %s after %.3f s",
            outcome,
            seconds,
            extra={"outcome": outcome, "duration_s": round(seconds, 6)},
        )

    async def _execute(self, run: Run, writer: _RunWriter) -> None:
        async with self._notifier.subscribe(run.run_id) as subscription:
            work = asyncio.create_task(self._work(run, writer), name=f"run-{run.run_id}")
            watch = asyncio.create_task(self._watch(run, subscription))
            try:
                await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (work, watch):
                    task.cancel()
                outcomes = await asyncio.gather(work, watch, return_exceptions=True)
            for part, outcome in zip(("work", "watch"), outcomes, strict=True):
                if isinstance(outcome, Exception) and not isinstance(outcome, RunStopped):
                    # The run may still be running: the executor hands it back.
                    log.error("run %s: its %s failed", run.run_id, part, exc_info=outcome)

    async def _watch(self, run: Run, subscription: Any) -> None:
        """Return as soon as the run stops being ``running`` (cancel, sweeper)."""
        while True:
            note = await subscription.wait()
            if note is not None and note.status is not RunStatus.RUNNING:
                return
            if note is None or note.is_resync:
                try:
                    async with self._uow_factory(read_only=True) as uow:
                        current = await uow.runs.get(run.run_id)
                except Exception as exc:
                    # Unknown is not stopped: the run goes on, and its own writes would
                    # find it ended; the next note or resync looks again.
                    log.warning("run %s: could not re-read its status: %s", run.run_id, exc)
                    continue
                if (
                    current is None
                    or current.status is not RunStatus.RUNNING
                    or current.owner != run.owner
                ):
                    return

    async def _request(self, run: Run) -> AnswerRequest:
        async with self._uow_factory(read_only=True) as uow:
            messages = conversation_order(await uow.messages.list_for_thread(run.thread_id))
        question = ""
        query = None
        history: list[Message] = []
        for message in messages:
            if message.message_id == run.user_message_id:
                question, query = message.content, message.query
                break
            history.append(message)
        # The pipeline keeps the last N turns it was configured for (0 = none).
        return AnswerRequest(run.run_id, run.thread_id, question, tuple(history), query)

    async def _logged_steps(self, run: Run) -> set[EventType]:
        """The steps an earlier attempt of a requeued run wrote: the retry continues its log.

        Plan and retrieval run again (their results are not stored), but a step the log
        holds is not written twice: clients may have shown it, and it describes the same
        question. A requeue happens only before the first token, so this is at most
        ``tool_start`` and ``tool_end``; a first attempt (nothing logged) reads nothing.
        """
        if run.last_seq == 0:
            return set()
        async with self._uow_factory(read_only=True) as uow:
            return {e.type for e in await uow.events.read_after(run.run_id, 0)}

    async def _work(self, run: Run, writer: _RunWriter) -> None:
        try:
            request = await self._request(run)
            logged = await self._logged_steps(run)
            call = await self._pipeline.plan(request)
            if EventType.TOOL_START not in logged:
                await writer.append([NewEvent.tool_start(call.tool, call.input)])
            retrieved = await self._pipeline.retrieve(request, call)
            if EventType.TOOL_END not in logged:
                await writer.append([NewEvent.tool_end(retrieved.tool, retrieved.tool_output)])
            await self._stream(writer, request, retrieved)
        except (RunStopped, asyncio.CancelledError):
            raise
        except Exception as exc:
            if not isinstance(exc, DomainError):
                log.exception("run %s failed", run.run_id)
            with contextlib.suppress(RunStopped):
                message = user_message(exc)
                await writer.end(RunStatus.ERROR, [NewEvent.error(message)])

    async def _stream(self, writer: _RunWriter, request: AnswerRequest, retrieved: Any) -> str:
        queue: asyncio.Queue[object] = asyncio.Queue(maxsize=4 * self._settings.batch_size)
        pump = asyncio.create_task(_pump(self._pipeline.generate(request, retrieved), queue))
        loop = asyncio.get_running_loop()
        text: list[str] = []
        try:
            while True:
                item = await queue.get()
                batch: list[str] = []
                ended = False
                deadline = loop.time() + self._settings.batch_s
                while True:
                    if item is _END:
                        ended = True
                        break
                    if isinstance(item, _Failed):
                        if batch:
                            await writer.append([NewEvent.token(t) for t in batch])
                        raise item.exc
                    assert isinstance(item, str)
                    batch.append(item)
                    if len(batch) >= self._settings.batch_size:
                        break
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        # Not wait_for: before 3.12 it wraps each wait in a task of its own.
                        async with asyncio.timeout(remaining):
                            item = await queue.get()
                    except TimeoutError:
                        break
                budget = self._settings.token_budget
                if budget and len(text) + len(batch) > budget:
                    # Keep exactly the budget; the finally below stops the generator.
                    kept = batch[: budget - len(text)]
                    if kept:
                        await writer.append([NewEvent.token(t) for t in kept])
                    raise OverBudget(budget)
                text.extend(batch)
                tokens = [NewEvent.token(t) for t in batch]
                if ended:
                    answer = "".join(text)
                    sources = self._pipeline.cite(retrieved, answer)
                    await writer.end(
                        RunStatus.DONE,
                        [*tokens, NewEvent.final(answer, sources, **retrieved.final)],
                        answer=answer,
                        sources=sources,
                        details=_exact(retrieved.final),
                    )
                    return answer
                await writer.append(tokens)
        finally:
            pump.cancel()
            with contextlib.suppress(BaseException):
                await pump
