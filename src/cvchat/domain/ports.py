"""Ports: what the application needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from cvchat.domain.access import AccessTokenRepository, SessionRepository
from cvchat.domain.corpus import CvUploadRepository
from cvchat.domain.events import NewEvent, RunEvent, RunNote
from cvchat.domain.idempotency import IdempotentRequest, Recorded
from cvchat.domain.model import Message, Run, RunStatus, Thread, User
from cvchat.domain.retrieval import CvHit


@dataclass(frozen=True)
class ThreadSummary:
    thread_id: str
    user_id: str
    title: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LogPage:
    """A run's log as one read saw it: the run, who owns its thread (for access checks), and
    its events after a cursor, all from one snapshot."""

    run: Run
    user_id: str
    events: list[RunEvent]


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Raises ``Conflict`` when the name is taken."""

    async def get(self, user_id: str) -> User | None: ...

    async def get_by_name(self, name: str) -> User | None: ...

    async def set_admin(self, user_id: str, is_admin: bool) -> None: ...


class ThreadRepository(Protocol):
    async def add(self, thread: Thread) -> None: ...

    async def get(self, thread_id: str, *, for_update: bool = False) -> Thread | None:
        """``for_update`` locks the row (PostgreSQL) so that posts to one thread serialize."""

    async def list_for_user(self, user_id: str) -> list[ThreadSummary]:
        """Newest activity first."""

    async def touch(self, thread_id: str, when: datetime, title: str | None) -> None:
        """Record activity; ``title`` is kept only if the thread has none yet."""

    async def add_turn(self, message: Message, run: Run, title: str | None) -> None:
        """A user's message, the run that answers it, and the thread's ``touch`` at the
        message's time: one statement where the database can (a post's round trips are its
        latency under a burst)."""


class MessageRepository(Protocol):
    async def add(self, message: Message) -> None: ...

    async def get(self, message_id: str) -> Message | None: ...

    async def list_for_thread(self, thread_id: str) -> list[Message]:
        """Oldest first."""


class RunRepository(Protocol):
    async def add(self, run: Run) -> None: ...

    async def get(self, run_id: str) -> Run | None: ...

    async def active_for_thread(self, thread_id: str) -> list[Run]: ...

    async def count_active_for_user(self, user_id: str) -> int:
        """Queued + running runs in all of the user's threads.

        Locks the user's row (PostgreSQL) for the transaction, so two posts of one user to
        different threads serialize and a cap on this count cannot be overshot.
        """

    async def progress(self, run_ids: Sequence[str]) -> list[RunNote]:
        """Where each run's log ends and its status: the notifier's safety probe."""

    async def heartbeat(self, owners: Sequence[str], when: datetime) -> None:
        """Mark the running runs of these claims as alive at ``when``."""

    async def stale_running(self, older_than: datetime, owner: str | None = None) -> list[str]:
        """Running runs whose last heartbeat is older than ``older_than`` (of ``owner``)."""

    async def threads_with_queued(self) -> list[str]:
        """Threads with queued runs and nothing running: work nobody is doing."""


class EventLog(Protocol):
    async def read_after(
        self, run_id: str, after_seq: int, limit: int = 1000
    ) -> list[RunEvent]: ...

    async def read_pages(
        self, cursors: Sequence[tuple[str, int]], limit: int
    ) -> dict[str, LogPage]:
        """For each ``(run_id, after_seq)``: the run, its thread's owner and its first
        ``limit`` events after ``after_seq``, all in one read; unknown runs are left out."""

    async def token_text(self, run_id: str) -> str:
        """The concatenation of the run's token texts, in order."""


class IdempotencyRepository(Protocol):
    async def claim(
        self, request: IdempotentRequest, outcome: dict[str, Any], now: datetime
    ) -> Recorded | None:
        """Take the key for this transaction with ``outcome``, or return what took it first.

        ``None``: the key is ours; it is stored with ``outcome`` when the transaction commits
        and freed if it rolls back. A record older than ``KEY_TTL`` is dropped first, so an
        expired key is free again. The key is unique per scope in the database, so of two
        concurrent claims one waits for the other's transaction (PostgreSQL: on the unique
        index; SQLite: there is one writer) and then returns its committed record. Take it
        first in the transaction, before any row lock, so the wait cannot deadlock.
        """

    async def purge(self, older_than: datetime) -> int:
        """Drop the records created before ``older_than``; how many went."""


class UnitOfWork(Protocol):
    users: UserRepository
    threads: ThreadRepository
    messages: MessageRepository
    runs: RunRepository
    events: EventLog
    tokens: AccessTokenRepository
    sessions: SessionRepository
    idempotency: IdempotencyRepository
    cvs: CvUploadRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc: object) -> None:
        """Rolls back anything not committed."""

    async def commit(self) -> None: ...


class RunLog(Protocol):
    """The one writer of a run's log and of every status change after its claim.

    Each method is one atomic step, committed on return: the run row's status condition,
    its seq counter and the events move together, or nothing is written (``None``). Seqs
    are handed out here, 1, 2, 3 … without gaps. The status conditions are the domain's
    transition table (``allowed_sources``), so a move the domain refuses never reaches the
    database, and of two concurrent writers exactly one wins (the other gets ``None``).
    Writes by an executor are conditioned on ``run.owner``: once its run was canceled,
    ended or handed to another claim, it writes nothing more.
    """

    announces_appends: bool
    """Whether ``append`` also notifies the other processes, in the same statement
    (PostgreSQL: a NOTIFY that goes out with the commit), so the writer need not."""

    async def append(self, run: Run, events: Sequence[NewEvent]) -> list[RunEvent] | None:
        """Append to a run that can still complete (``APPENDABLE``) and is ``run.owner``'s.

        The token path: an adapter does it in as few round trips as its database allows.
        """

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
        """``events`` + ``state(status)``, the assistant message (``answer``, else the token
        text so far) and the move to terminal ``status``, iff the domain allows that move
        from the stored status, the run is still ``run.owner``'s and (``stale_before``) its
        owner has been silent since then. An ``error`` event in ``events`` is the run's error.
        ``details``: an exact answer's candidate set, kept with the message.
        """

    async def cancel(self, run: Run, reason: str) -> RunNote | None:
        """``canceled(reason)`` + ``state(canceled)`` and the partial answer, whoever owns it."""

    async def claim(self, thread_id: str, owner: str) -> Run | None:
        """Move the thread's oldest queued run to ``running`` under ``owner`` if none of the
        thread's runs is running; ``None``: nothing to claim. Of two concurrent claims of a
        thread at most one gets a run, and a post holding the thread's lock goes first.
        The start of every execution: an adapter does it in as few round trips as it can."""

    async def requeue(self, run: Run, *, stale_before: datetime | None = None) -> RunNote | None:
        """Running → queued (recovery only), iff the run is still ``run.owner``'s claim and
        nothing was written since ``run`` was read (``run.last_seq``)."""


class TurnQueue(Protocol):
    """A post that needs nothing read before it is stored: queued behind whatever the thread
    runs, under no cap. One atomic step, committed on return, in as few round trips as the
    database allows: a post's round trips are its latency under a burst."""

    async def enqueue(
        self, message: Message, run: Run, title: str | None, *, owner: str | None
    ) -> datetime | None:
        """Store ``message``, its ``run`` and the thread's ``touch`` (``title`` kept only if
        the thread has none) iff the thread exists and is ``owner``'s (``None``: anyone's),
        with the thread locked as ``ThreadRepository.get(for_update=True)`` does. Returns
        the time both were stored at, taken once the lock was held (so creation order is
        the order in which posts to the thread got through), or ``None``: no such thread,
        and nothing was written. ``created_at`` of ``message`` and ``run`` is ignored."""


class UnitOfWorkFactory(Protocol):
    log: RunLog
    """Every write to a run's log goes through here, never through a unit of work."""
    turns: TurnQueue

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """``read_only`` units may run concurrently with the writer (SQLite WAL readers)."""


class Subscription(Protocol):
    async def wait(self, timeout: float | None = None) -> RunNote | None:
        """Return the newest note since the last call, or ``None`` after ``timeout`` seconds."""


class Notifier(Protocol):
    """Wakes streams and executors when a run's log grows or its status changes.

    Delivery is the notifier's guarantee: besides relaying notes, it probes the database
    for the runs it has subscribers for, every few seconds, with one query per process,
    so a lost note delays a reader but never strands it.
    """

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, note: RunNote) -> None: ...

    def subscribe(self, run_id: str) -> AbstractAsyncContextManager[Subscription]: ...


class Executor(Protocol):
    """Runs queued runs, one at a time per thread, in order."""

    async def start(self) -> None:
        """Recover what stopped processes left behind, then take work."""

    async def stop(self) -> None:
        """Take no more work; what this process was executing is handed back."""

    async def submit(self, thread_id: str) -> None:
        """Tell the executor the thread has queued work."""


@dataclass(frozen=True)
class AnswerRequest:
    run_id: str
    thread_id: str
    question: str
    history: tuple[Message, ...] = ()
    query: Mapping[str, Any] | None = None  # asked as a structured query: answer exactly it


@dataclass(frozen=True)
class ToolCall:
    """What the run is about to do, for its ``tool_start`` event; ``plan`` is what the
    pipeline needs to carry out (a parsed query, say), never stored."""

    tool: str
    input: dict[str, Any]
    plan: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Retrieved:
    """What the retrieve step found; ``tool_input``/``tool_output`` go into the event log,
    ``final`` into the ``final`` event beside text and sources (``answer_kind``, ``candidates``)."""

    query: str
    hits: tuple[CvHit, ...] = ()
    tool_input: dict[str, Any] = field(default_factory=dict)
    tool_output: Any = None
    tool: str = "rag.search"
    final: dict[str, Any] = field(default_factory=dict)
    state: Any = field(default=None, compare=False, repr=False)


class AnswerPipeline(Protocol):
    """Plan, retrieve, then generate a stream of text pieces, then say which sources were cited."""

    async def plan(self, request: AnswerRequest) -> ToolCall:
        """The tool the run will call and its input (written as ``tool_start`` first)."""
        ...

    async def retrieve(self, request: AnswerRequest, call: ToolCall | None = None) -> Retrieved:
        """``call``: the ``plan`` result, so planning is not done twice (None: plan here)."""
        ...

    def generate(self, request: AnswerRequest, retrieved: Retrieved) -> AsyncIterator[str]: ...

    def cite(self, retrieved: Retrieved, text: str) -> list[dict[str, Any]]: ...
