"""Reading a run's log as streams: exactly the persisted events after a cursor, in order.

Guarantees: a stream only ever sends committed events (read from the database, or handed
over in the writer's note right after its commit when the writer runs in this process), so
any process can serve any stream and a client that resumes with the last seq it saw gets
every later event exactly once. Each process keeps one *tail* per run with open streams: a
single reader that subscribes before its first read (no notification can slip between the
two), takes the events a local writer's note carries, reads again only when woken by a
note without them (another process's, a cancel, the probe), and hands what it has to every
stream of that run. So a note costs at most one query per process, not one per stream
(and the tails woken together read together, ``_PageReads``), and an idle stream costs
nothing (the notifier's probe is the safety net for lost notes).
Each of the tail's reads is one statement that also returns the run and its thread's owner,
so opening a stream (access check, 204 for an ended run) costs no read of its own: it waits
for the tail's first read, or none when the tail is already there.
Events are encoded for the wire once per process too (``sse_frame``), and a stream receives
everything available as one batch, so a slow reader catches up in one write. A stream ends
right after the run's terminal ``state`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from cvchat.domain.errors import NotFound
from cvchat.domain.events import RunEvent, RunNote
from cvchat.domain.model import Run, utcnow
from cvchat.domain.ports import LogPage, Notifier, UnitOfWorkFactory
from cvchat.domain.telemetry import NO_TELEMETRY, Telemetry

PAGE = 500
MAX_RUNS_READ = 200  # runs per read: keeps a statement's arrays and result modest
Batch = list[tuple[RunEvent, bytes]]


def sse_frame(event: RunEvent) -> bytes:
    """The event as a Server-Sent Events frame: ``id`` (its seq), ``event``, ``data``.

    Compact JSON never holds a raw line break (``json.dumps`` escapes CR and LF), so the
    data is one line; the frame is what ``sse_starlette.ServerSentEvent`` would encode.
    """
    data = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.seq}\r\nevent: {event.type}\r\ndata: {data}\r\n\r\n".encode()


class _Tail:
    """The events of one run read so far, and a wake-up for the streams waiting on more."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.events: list[RunEvent] = []
        self.encoded: list[bytes] = []
        self.ended = False
        self.failure: BaseException | None = None
        self.readers = 0
        self.task: asyncio.Task[None] | None = None
        self.run: Run | None = None  # as the latest read saw it
        self.user_id = ""  # who owns the run's thread
        self._grown = asyncio.Event()
        self._read = asyncio.Event()

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    def publish(self, events: list[RunEvent], ended: bool = False) -> None:
        self.events.extend(events)
        self.encoded.extend(sse_frame(e) for e in events)
        self.ended = self.ended or ended or bool(events and events[-1].is_last)
        grown, self._grown = self._grown, asyncio.Event()
        grown.set()

    def read(self, page: LogPage) -> None:
        self.run, self.user_id = page.run, page.user_id
        last = page.events[-1].seq if page.events else self.last_seq
        self.publish(page.events, ended=page.run.status.terminal and last >= page.run.last_seq)
        self._read.set()

    def fail(self, exc: BaseException) -> None:
        self.failure = exc
        self.publish([], ended=True)
        self._read.set()

    async def first_read(self) -> Run:
        """The run as the tail's first read saw it; the read's error if it failed."""
        await self._read.wait()
        if self.run is None:
            assert self.failure is not None
            raise self.failure
        return self.run

    def waiter(self) -> asyncio.Event:
        return self._grown


@dataclass
class _Read:
    run_id: str
    after_seq: int
    done: asyncio.Future[LogPage | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class _PageReads:
    """The tails' reads of one process, gathered: what tails ask for while a read is out
    goes in the next one, all runs in one statement (PostgreSQL). Notes from other
    processes carry no events, so with many runs written elsewhere each batch of theirs
    woke one read per run; now a process reads once per batch however many runs it
    follows. A lone read goes out at once."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory
        self._pending: list[_Read] = []
        self._reader: asyncio.Task[None] | None = None

    async def read(self, run_id: str, after_seq: int) -> LogPage | None:
        """The run's page after ``after_seq``; ``None`` for an unknown run."""
        pending = _Read(run_id, after_seq)
        self._pending.append(pending)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_pending())
        return await pending.done

    async def _read_pending(self) -> None:
        while self._pending:
            batch: list[_Read] = []
            rest: list[_Read] = []
            runs: set[str] = set()
            for pending in self._pending:
                if pending.done.done():  # its tail went away
                    continue
                if len(batch) < MAX_RUNS_READ and pending.run_id not in runs:
                    runs.add(pending.run_id)
                    batch.append(pending)
                else:
                    rest.append(pending)
            self._pending = rest
            if not batch:
                continue
            try:
                async with self._uow_factory(read_only=True) as uow:
                    cursors = [(p.run_id, p.after_seq) for p in batch]
                    pages = await uow.events.read_pages(cursors, PAGE)
            except Exception as exc:
                for pending in batch:
                    if not pending.done.done():
                        pending.done.set_exception(exc)
                continue
            for pending in batch:
                if not pending.done.done():
                    pending.done.set_result(pages.get(pending.run_id))


class LogStream:
    """One reader of a run's tail: the run as the tail knows it, and its events after a
    cursor. Iterate ``batches()`` once, or ``close()`` a stream that is not iterated."""

    def __init__(
        self, feed: LogFeed, tail: _Tail, run: Run, after_seq: int, opened_at: datetime
    ) -> None:
        self._feed = feed
        self._opened_at = opened_at
        self._tail = tail
        self._closed = False
        self.run = run
        self.user_id = tail.user_id
        self.after_seq = after_seq

    @property
    def exhausted(self) -> bool:
        """The run has ended and the cursor is at (or past) its last event: nothing will
        ever follow, which a client must be told apart from a dropped stream."""
        return self._tail.ended and self.after_seq >= self._tail.last_seq

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._feed._leave(self._tail)

    async def batches(self) -> AsyncGenerator[Batch]:
        """Every event after the cursor with its encoding, as much as is there each time.

        Delivery latency (stored → handed over, i.e. written: the consumer asks for the next
        batch only after writing this one) is reported for events stored after the stream
        opened; older ones are a replay, not a delivery delay.
        """
        tail, after_seq, telemetry = self._tail, self.after_seq, self._feed.telemetry
        opened_at = self._opened_at
        telemetry.stream_opened()
        try:
            index = 0
            while True:
                grown = tail.waiter()
                batch: Batch = []
                while index < len(tail.events):
                    event = tail.events[index]
                    if event.seq > after_seq:
                        batch.append((event, tail.encoded[index]))
                    index += 1
                    if event.is_last:
                        break
                if batch:
                    yield batch
                    now = utcnow()
                    live = [e.created_at for e, _ in batch if e.created_at >= opened_at]
                    if live:
                        telemetry.events_delivered([(now - at).total_seconds() for at in live])
                    if batch[-1][0].is_last:
                        return
                if tail.failure is not None:
                    raise tail.failure
                if tail.ended:
                    return
                await grown.wait()
        finally:
            telemetry.stream_closed()
            await self.close()


class LogFeed:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        telemetry: Telemetry = NO_TELEMETRY,
    ) -> None:
        self._notifier = notifier
        self.telemetry = telemetry
        self._tails: dict[str, _Tail] = {}
        self._reads = _PageReads(uow_factory)

    @property
    def open_tails(self) -> int:
        return len(self._tails)

    async def open(self, run_id: str, after_seq: int = 0) -> LogStream:
        """A stream of the run's events after ``after_seq``, once its tail has read the run
        (at once when another stream of this process already follows it): the open costs
        no read of its own. ``NotFound`` for an unknown run."""
        opened_at = utcnow()
        tail = self._tails.get(run_id)
        if tail is None:
            tail = self._tails[run_id] = _Tail(run_id)
            tail.task = asyncio.create_task(self._follow(tail), name=f"tail-{run_id}")
        tail.readers += 1
        try:
            run = await tail.first_read()
        except BaseException:
            await self._leave(tail)
            raise
        return LogStream(self, tail, run, after_seq, opened_at)

    async def stream(self, run_id: str, after_seq: int = 0) -> AsyncIterator[RunEvent]:
        async for batch in self.batches(run_id, after_seq):
            for event, _ in batch:
                yield event

    async def batches(self, run_id: str, after_seq: int = 0) -> AsyncIterator[Batch]:
        opened = await self.open(run_id, after_seq)
        async with contextlib.aclosing(opened.batches()) as batches:
            async for batch in batches:
                yield batch

    async def _leave(self, tail: _Tail) -> None:
        tail.readers -= 1
        if tail.readers == 0 and self._tails.get(tail.run_id) is tail:
            del self._tails[tail.run_id]
            if tail.task is not None:
                tail.task.cancel()
                with contextlib.suppress(BaseException):
                    await tail.task

    async def _follow(self, tail: _Tail) -> None:
        try:
            async with self._notifier.subscribe(tail.run_id) as subscription:
                while True:
                    while True:
                        page = await self._reads.read(tail.run_id, tail.last_seq)
                        if page is None:
                            raise NotFound("unknown run")
                        tail.read(page)
                        if tail.ended:
                            return
                        if len(page.events) < PAGE:
                            break
                    while True:
                        note = await subscription.wait()
                        if note is None or note.seq <= tail.last_seq:
                            continue
                        if _continues(note, tail.last_seq):
                            # Committed, in order, right after what we have: no read.
                            tail.publish(list(note.events))
                            if tail.ended:
                                return
                            continue
                        break
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            tail.fail(exc)
            if self._tails.get(tail.run_id) is tail:
                del self._tails[tail.run_id]  # the next stream starts afresh


def _continues(note: RunNote, last_seq: int) -> bool:
    """Whether ``note`` carries exactly the events after ``last_seq`` up to its seq."""
    events = note.events
    return bool(events) and events[0].seq == last_seq + 1 and events[-1].seq == note.seq


async def run_progress(uow_factory: UnitOfWorkFactory, run_ids: list[str]) -> list[RunNote]:
    """The notifier's safety probe: where the logs of ``run_ids`` end now."""
    async with uow_factory(read_only=True) as uow:
        return await uow.runs.progress(run_ids)
