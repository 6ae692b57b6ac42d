"""Run events: the append-only log that streams are read from."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cvchat.domain.model import RunStatus, utcnow


class EventType(enum.StrEnum):
    TOKEN = "token"
    TOOL_START = "tool_start"
    TOOL_END = "tool_end"
    FINAL = "final"
    ERROR = "error"
    CANCELED = "canceled"
    STATE = "state"


@dataclass(frozen=True)
class NewEvent:
    """An event before the log has given it a ``seq``."""

    type: EventType
    data: dict[str, Any]

    @staticmethod
    def token(text: str) -> NewEvent:
        return NewEvent(EventType.TOKEN, {"text": text})

    @staticmethod
    def tool_start(tool: str, input: Any) -> NewEvent:
        return NewEvent(EventType.TOOL_START, {"tool": tool, "input": input})

    @staticmethod
    def tool_end(tool: str, output: Any) -> NewEvent:
        return NewEvent(EventType.TOOL_END, {"tool": tool, "output": output})

    @staticmethod
    def final(text: str, sources: list[dict[str, Any]], **extra: Any) -> NewEvent:
        """``extra``: what the answer adds beside its text (``answer_kind``, ``candidates``)."""
        return NewEvent(EventType.FINAL, {"text": text, "sources": sources, **extra})

    @staticmethod
    def error(message: str) -> NewEvent:
        return NewEvent(EventType.ERROR, {"error": message})

    @staticmethod
    def canceled(reason: str) -> NewEvent:
        return NewEvent(EventType.CANCELED, {"reason": reason})

    @staticmethod
    def state(status: RunStatus) -> NewEvent:
        return NewEvent(EventType.STATE, {"status": str(status)})


@dataclass(frozen=True)
class RunEvent:
    run_id: str
    seq: int
    type: EventType
    data: dict[str, Any]
    created_at: datetime = field(default_factory=utcnow)

    @property
    def is_last(self) -> bool:
        """The terminal ``state`` event closes every stream of the run."""
        return self.type is EventType.STATE


RESYNC_SEQ = 2**62


@dataclass(frozen=True)
class RunNote:
    """What the notifier carries: a run changed, its log now ends at ``seq``.

    ``events`` are the committed events that end at ``seq``, when the writer is in this
    process: a stream in the same process takes them from the note instead of reading them
    back from the database. Notes that cross processes carry none. ``announced`` says the
    write that made the note already told the other processes (the store notified in the
    same statement), so the notifier only wakes this process's readers.
    """

    run_id: str
    seq: int
    status: RunStatus
    events: tuple[RunEvent, ...] = field(default=(), compare=False, repr=False)
    announced: bool = field(default=False, compare=False, repr=False)

    @staticmethod
    def resync(run_id: str) -> RunNote:
        """Sent after notifications may have been lost: every reader re-reads."""
        return RunNote(run_id, RESYNC_SEQ, RunStatus.RUNNING)

    @property
    def is_resync(self) -> bool:
        return self.seq == RESYNC_SEQ
