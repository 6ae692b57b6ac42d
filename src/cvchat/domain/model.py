"""Entities of the run model and the run state machine."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cvchat.domain.errors import IllegalTransition


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    ERROR = "error"
    CANCELED = "canceled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({RunStatus.DONE, RunStatus.ERROR, RunStatus.CANCELED})
ACTIVE_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})

# The only legal moves. The run log's SQL takes its conditions from this table
# (``UPDATE ... WHERE status IN (allowed_sources(target))``), so the database enforces
# exactly these moves and of concurrent writers only one can win.
TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.QUEUED: frozenset({RunStatus.RUNNING, RunStatus.CANCELED, RunStatus.ERROR}),
    RunStatus.RUNNING: frozenset({RunStatus.DONE, RunStatus.ERROR, RunStatus.CANCELED}),
    RunStatus.DONE: frozenset(),
    RunStatus.ERROR: frozenset(),
    RunStatus.CANCELED: frozenset(),
}


# The one move outside that table: a run whose executor was lost before it wrote a token
# goes back to the queue (``Run.requeue``, ``RunLog.requeue``), only to recover lost workers.
RECOVERY_TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.RUNNING: frozenset({RunStatus.QUEUED}),
}


def allowed_sources(
    target: RunStatus, table: dict[RunStatus, frozenset[RunStatus]] = TRANSITIONS
) -> frozenset[RunStatus]:
    """The statuses from which ``target`` may be reached (by ``table``'s moves).

    The run log's SQL takes its status conditions from here, so the database and
    ``Run.transition`` can never disagree about a move.
    """
    return frozenset(s for s, targets in table.items() if target in targets)


# A run's log grows only while the run can still complete: its executor appends tokens to
# a run that may yet end ``done``, and nothing after any other status.
APPENDABLE = allowed_sources(RunStatus.DONE)


class MultitaskStrategy(enum.StrEnum):
    """What a new message does while a run of its thread is still active."""

    ENQUEUE = "enqueue"
    REJECT = "reject"
    INTERRUPT = "interrupt"


class Role(enum.StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


@dataclass
class User:
    name: str
    user_id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    is_admin: bool = False


@dataclass
class Thread:
    user_id: str
    thread_id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    title: str | None = None


@dataclass
class Message:
    thread_id: str
    role: Role
    content: str
    run_id: str | None = None
    sources: list[dict[str, Any]] | None = None
    query: dict[str, Any] | None = None  # a question asked as a structured query
    answer: dict[str, Any] | None = None  # an exact answer: kind, total, query, candidates
    message_id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class Run:
    thread_id: str
    user_message_id: str
    run_id: str = field(default_factory=new_id)
    status: RunStatus = RunStatus.QUEUED
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    last_seq: int = 0
    owner: str | None = None  # the executor that claimed it, while running
    attempts: int = 0  # how many times it was claimed

    def transition(self, target: RunStatus) -> None:
        """Move to ``target`` in memory, or raise: the in-memory twin of the SQL guard."""
        if target not in TRANSITIONS[self.status]:
            raise IllegalTransition(f"run {self.run_id}: {self.status} -> {target} is not allowed")
        self.status = target
        now = utcnow()
        if target is RunStatus.RUNNING:
            self.started_at = now
        elif target.terminal:
            self.finished_at = now

    def requeue(self) -> None:
        """Hand a running run back to the queue: only for a run whose executor was lost."""
        if RunStatus.QUEUED not in RECOVERY_TRANSITIONS.get(self.status, frozenset()):
            raise IllegalTransition(f"run {self.run_id}: {self.status} -> queued is not allowed")
        self.status = RunStatus.QUEUED
        self.owner = None
        self.started_at = None


def conversation_order(messages: list[Message]) -> list[Message]:
    """Each question followed by its answer, questions in the order they were asked.

    With ``enqueue``, a second question can be stored before the first answer exists;
    chronological order would separate an answer from its question.
    """
    answers: dict[str, list[Message]] = {}
    for m in messages:
        if m.role is Role.ASSISTANT and m.run_id:
            answers.setdefault(m.run_id, []).append(m)
    ordered: list[Message] = []
    placed: set[str] = set()
    for m in sorted(messages, key=lambda m: m.created_at):
        if m.role is Role.ASSISTANT and m.run_id:
            continue
        ordered.append(m)
        if m.run_id and m.run_id in answers:
            ordered.extend(answers[m.run_id])
            placed.add(m.run_id)
    orphans = [a for run_id, group in answers.items() if run_id not in placed for a in group]
    return ordered + sorted(orphans, key=lambda m: m.created_at)
