"""In-memory fakes of the persistence and notification ports, for fast use-case tests.

They honour the same contracts as the SQL adapters (the run log's conditional status
changes from the domain's table, seqs from the run row), and a global lock stands in for
the database's row locks.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cvchat.domain.errors import Conflict
from cvchat.domain.events import EventType, NewEvent, RunEvent, RunNote
from cvchat.domain.idempotency import KEY_TTL, IdempotentRequest, Recorded
from cvchat.domain.model import (
    ACTIVE_STATUSES,
    APPENDABLE,
    RECOVERY_TRANSITIONS,
    Message,
    Role,
    Run,
    RunStatus,
    Thread,
    User,
    allowed_sources,
    utcnow,
)
from cvchat.domain.ports import LogPage, ThreadSummary


@dataclass
class Store:
    users: dict[str, User] = field(default_factory=dict)
    threads: dict[str, Thread] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    runs: dict[str, Run] = field(default_factory=dict)
    owners: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    events: dict[str, list[RunEvent]] = field(default_factory=dict)
    keys: dict[tuple[str, str], Recorded] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    commits: int = 0
    reads: int = 0


class FakeUnitOfWork:
    """Works on a copy of the store; commit swaps it in (all-or-nothing, like a transaction)."""

    def __init__(self, store: Store, read_only: bool) -> None:
        self._store = store
        self._read_only = read_only

    async def __aenter__(self) -> FakeUnitOfWork:
        if not self._read_only:
            await self._store.lock.acquire()
        self._draft = Store(
            users=dict(self._store.users),
            threads=copy.deepcopy(self._store.threads),
            messages=list(self._store.messages),
            runs=copy.deepcopy(self._store.runs),
            owners=dict(self._store.owners),
            events={k: list(v) for k, v in self._store.events.items()},
            keys=dict(self._store.keys),
        )
        self.users = _Users(self._draft)
        self.threads = _Threads(self._draft)
        self.messages = _Messages(self._draft)
        self.runs = _Runs(self._draft)
        self.events = _Events(self._draft, self._store)
        self.idempotency = _Keys(self._draft)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if not self._read_only:
            self._store.lock.release()

    async def commit(self) -> None:
        assert not self._read_only, "read-only unit of work committed"
        s, d = self._store, self._draft
        s.users, s.threads, s.messages = d.users, d.threads, d.messages
        s.runs, s.owners, s.events, s.keys = d.runs, d.owners, d.events, d.keys
        s.commits += 1


class FakeUnitOfWorkFactory:
    def __init__(self) -> None:
        self.store = Store()
        self.log = FakeRunLog(self.store)
        self.turns = FakeTurnQueue(self.store)

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, read_only)


class FakeTurnQueue:
    """The turn-queue port as one unit of work on the store (the SQLite adapter's way)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def enqueue(
        self, message: Message, run: Run, title: str | None, *, owner: str | None
    ) -> datetime | None:
        async with FakeUnitOfWork(self.store, read_only=False) as uow:
            thread = await uow.threads.get(message.thread_id, for_update=True)
            if thread is None or (owner is not None and thread.user_id != owner):
                return None
            now = utcnow()
            await uow.threads.add_turn(
                replace(message, created_at=now), replace(run, created_at=now), title
            )
            await uow.commit()
        return now


class FakeRunLog:
    """The run-log port on the store: each write checks and changes it under the lock."""

    announces_appends = False

    def __init__(self, store: Store) -> None:
        self.store = store

    async def claim(self, thread_id: str, owner: str) -> Run | None:
        async with self.store.lock:
            mine = sorted(
                (r for r in self.store.runs.values() if r.thread_id == thread_id),
                key=lambda r: r.created_at,
            )
            if any(r.status is RunStatus.RUNNING for r in mine):
                return None
            queued = [r for r in mine if r.status is RunStatus.QUEUED]
            if not queued:
                return None
            run = queued[0]
            run.transition(RunStatus.RUNNING)
            run.owner = owner
            run.attempts += 1
            self.store.owners[run.run_id] = (owner, utcnow())
            self.store.commits += 1
            return copy.copy(run)

    async def append(self, run: Run, events: Sequence[NewEvent]) -> list[RunEvent] | None:
        async with self.store.lock:
            return self._write(run, APPENDABLE, events, owner=run.owner)

    async def end(
        self,
        run: Run,
        status: RunStatus,
        events: Sequence[NewEvent],
        answer: str | None = None,
        sources: list[dict[str, Any]] | None = None,
        *,
        details: dict[str, Any] | None = None,
        stale_before: datetime | None = None,
    ) -> RunNote | None:
        return await self._end(
            run, status, events, answer, sources, run.owner, stale_before, details
        )

    async def cancel(self, run: Run, reason: str) -> RunNote | None:
        events = [NewEvent.canceled(reason)]
        return await self._end(run, RunStatus.CANCELED, events, None, None, None, None)

    async def requeue(self, run: Run, *, stale_before: datetime | None = None) -> RunNote | None:
        async with self.store.lock:
            sources = allowed_sources(RunStatus.QUEUED, RECOVERY_TRANSITIONS)
            held = self.store.runs.get(run.run_id)
            if held is None or held.last_seq != run.last_seq:
                return None
            if self._write(run, sources, [], owner=run.owner, stale_before=stale_before) is None:
                return None
            held.status, held.owner, held.started_at = RunStatus.QUEUED, None, None
            del self.store.owners[run.run_id]
            return RunNote(run.run_id, held.last_seq, RunStatus.QUEUED)

    async def _end(
        self,
        run: Run,
        status: RunStatus,
        events: Sequence[NewEvent],
        answer: str | None,
        sources: list[dict[str, Any]] | None,
        owner: str | None,
        stale_before: datetime | None,
        details: dict[str, Any] | None = None,
    ) -> RunNote | None:
        events = [*events, NewEvent.state(status)]
        async with self.store.lock:
            stored = self._write(
                run, allowed_sources(status), events, owner=owner, stale_before=stale_before
            )
            if stored is None:
                return None
            held = self.store.runs[run.run_id]
            held.transition(status)
            held.error = next((e.data["error"] for e in events if e.type is EventType.ERROR), None)
            if answer is None:
                answer = "".join(
                    e.data["text"]
                    for e in self.store.events.get(run.run_id, [])
                    if e.type is EventType.TOKEN
                )
            self.store.messages.append(
                Message(run.thread_id, Role.ASSISTANT, answer, run.run_id, sources, answer=details)
            )
            self.store.commits += 1
            return RunNote(run.run_id, held.last_seq, status, tuple(stored))

    def _write(
        self,
        run: Run,
        sources: frozenset[RunStatus],
        events: Sequence[NewEvent],
        *,
        owner: str | None,
        stale_before: datetime | None = None,
    ) -> list[RunEvent] | None:
        held = self.store.runs.get(run.run_id)
        claim = self.store.owners.get(run.run_id)
        if held is None or held.status not in sources:
            return None
        if owner is not None and (claim is None or claim[0] != owner):
            return None
        if stale_before is not None and (claim is None or claim[1] >= stale_before):
            return None
        first = held.last_seq + 1
        stored = [RunEvent(run.run_id, first + i, e.type, e.data) for i, e in enumerate(events)]
        held.last_seq += len(events)
        self.store.events.setdefault(run.run_id, []).extend(stored)
        if events:
            self.store.commits += 1
        return stored


class _Users:
    def __init__(self, d: Store) -> None:
        self.d = d

    async def add(self, user: User) -> None:
        if any(u.name == user.name for u in self.d.users.values()):
            raise Conflict("taken")
        self.d.users[user.user_id] = user

    async def get(self, user_id: str) -> User | None:
        return self.d.users.get(user_id)

    async def get_by_name(self, name: str) -> User | None:
        return next((u for u in self.d.users.values() if u.name == name), None)


class _Threads:
    def __init__(self, d: Store) -> None:
        self.d = d

    async def add(self, thread: Thread) -> None:
        self.d.threads[thread.thread_id] = thread

    async def get(self, thread_id: str, *, for_update: bool = False) -> Thread | None:
        return self.d.threads.get(thread_id)

    async def list_for_user(self, user_id: str) -> list[ThreadSummary]:
        ts = [t for t in self.d.threads.values() if t.user_id == user_id]
        ts.sort(key=lambda t: t.updated_at, reverse=True)
        return [
            ThreadSummary(t.thread_id, t.user_id, t.title, t.created_at, t.updated_at) for t in ts
        ]

    async def touch(self, thread_id: str, when: datetime, title: str | None) -> None:
        t = self.d.threads[thread_id]
        t.updated_at = when
        if t.title is None:
            t.title = title

    async def add_turn(self, message: Message, run: Run, title: str | None) -> None:
        await _Messages(self.d).add(message)
        await _Runs(self.d).add(run)
        await self.touch(message.thread_id, message.created_at, title)


class _Messages:
    def __init__(self, d: Store) -> None:
        self.d = d

    async def add(self, message: Message) -> None:
        self.d.messages.append(message)

    async def get(self, message_id: str) -> Message | None:
        return next((m for m in self.d.messages if m.message_id == message_id), None)

    async def list_for_thread(self, thread_id: str) -> list[Message]:
        return [m for m in self.d.messages if m.thread_id == thread_id]


class _Keys:
    def __init__(self, d: Store) -> None:
        self.d = d

    async def claim(
        self, request: IdempotentRequest, outcome: dict[str, Any], now: datetime
    ) -> Recorded | None:
        where = (request.scope, request.key)
        first = self.d.keys.get(where)
        if first is not None and first.created_at >= now - KEY_TTL:
            return first
        self.d.keys[where] = Recorded(request.fingerprint, dict(outcome), now)
        return None

    async def purge(self, older_than: datetime) -> int:
        old = [k for k, r in self.d.keys.items() if r.created_at < older_than]
        for k in old:
            del self.d.keys[k]
        return len(old)


class _Runs:
    def __init__(self, d: Store) -> None:
        self.d = d

    async def add(self, run: Run) -> None:
        self.d.runs[run.run_id] = copy.copy(run)

    async def get(self, run_id: str) -> Run | None:
        run = self.d.runs.get(run_id)
        return copy.copy(run) if run else None

    async def active_for_thread(self, thread_id: str) -> list[Run]:
        return [
            copy.copy(r)
            for r in self.d.runs.values()
            if r.thread_id == thread_id and r.status in ACTIVE_STATUSES
        ]

    async def count_active_for_user(self, user_id: str) -> int:
        return sum(
            1
            for r in self.d.runs.values()
            if r.status in ACTIVE_STATUSES and self.d.threads[r.thread_id].user_id == user_id
        )

    async def progress(self, run_ids: Sequence[str]) -> list[RunNote]:
        return [
            RunNote(r.run_id, r.last_seq, r.status)
            for r in self.d.runs.values()
            if r.run_id in run_ids
        ]

    async def heartbeat(self, owners: Sequence[str], when: datetime) -> None:
        for run_id, (o, _) in list(self.d.owners.items()):
            if o in owners:
                self.d.owners[run_id] = (o, when)

    async def stale_running(self, older_than: datetime, owner: str | None = None) -> list[str]:
        return [
            r.run_id
            for r in self.d.runs.values()
            if r.status is RunStatus.RUNNING
            and self.d.owners[r.run_id][1] < older_than
            and (owner is None or self.d.owners[r.run_id][0] == owner)
        ]

    async def threads_with_queued(self) -> list[str]:
        out: list[str] = []
        for r in sorted(self.d.runs.values(), key=lambda r: r.created_at):
            busy = any(
                o.thread_id == r.thread_id and o.status is RunStatus.RUNNING
                for o in self.d.runs.values()
            )
            if r.status is RunStatus.QUEUED and not busy and r.thread_id not in out:
                out.append(r.thread_id)
        return out


class _Events:
    def __init__(self, d: Store, root: Store) -> None:
        self.d = d
        self.root = root

    async def read_after(self, run_id: str, after_seq: int, limit: int = 1000) -> list[RunEvent]:
        self.root.reads += 1
        return sorted(
            (e for e in self.d.events.get(run_id, []) if e.seq > after_seq), key=lambda e: e.seq
        )[:limit]

    async def read_pages(
        self, cursors: Sequence[tuple[str, int]], limit: int
    ) -> dict[str, LogPage]:
        self.root.reads += 1
        pages = {}
        for run_id, after_seq in cursors:
            run = self.d.runs.get(run_id)
            if run is not None:
                events = sorted(
                    (e for e in self.d.events.get(run_id, []) if e.seq > after_seq),
                    key=lambda e: e.seq,
                )[:limit]
                user_id = self.d.threads[run.thread_id].user_id
                pages[run_id] = LogPage(copy.copy(run), user_id, events)
        return pages

    async def token_text(self, run_id: str) -> str:
        return "".join(
            e.data["text"]
            for e in sorted(self.d.events.get(run_id, []), key=lambda e: e.seq)
            if e.type is EventType.TOKEN
        )


class RecordingExecutor:
    def __init__(self) -> None:
        self.submitted: list[str] = []

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def submit(self, thread_id: str) -> None:
        self.submitted.append(thread_id)


def run_copy(run: Run, **changes: Any) -> Run:
    return replace(run, **changes)
