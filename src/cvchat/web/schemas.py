"""HTTP bodies: what the API accepts and returns (the contract of DESIGN.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

from cvchat.domain.model import MultitaskStrategy, Run, RunStatus

# Ids are 32 lowercase hex characters; anything else is refused before any query.
ID_PATTERN = r"^[0-9a-f]{32}$"
Id = Annotated[StrictStr, StringConstraints(pattern=ID_PATTERN)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserIn(Strict):
    name: Annotated[
        StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]


class UserOut(BaseModel):
    user_id: str
    name: str
    created_at: datetime


class ThreadIn(Strict):
    user_id: Id


class ThreadOut(BaseModel):
    thread_id: str
    user_id: str
    created_at: datetime


class ThreadSummaryOut(BaseModel):
    thread_id: str
    user_id: str
    title: str | None
    created_at: datetime
    updated_at: datetime


class MessageOut(BaseModel):
    message_id: str
    role: str
    content: str
    run_id: str | None
    created_at: datetime
    sources: list[dict[str, Any]] | None = None
    run_status: RunStatus | None = None


class ThreadDetailOut(BaseModel):
    thread_id: str
    user_id: str
    title: str | None
    created_at: datetime
    messages: list[MessageOut]


class MessageIn(Strict):
    # Length is checked by the use case: empty → 422, over 100,000 characters → 413.
    content: StrictStr
    multitask_strategy: MultitaskStrategy = MultitaskStrategy.ENQUEUE


class PostedOut(BaseModel):
    run_id: str
    thread_id: str
    message_id: str
    status: RunStatus


class RunOut(BaseModel):
    run_id: str
    thread_id: str
    status: RunStatus
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None

    @staticmethod
    def of(run: Run) -> RunOut:
        return RunOut(
            run_id=run.run_id,
            thread_id=run.thread_id,
            status=run.status,
            created_at=run.created_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            error=run.error,
        )


class ErrorOut(BaseModel):
    detail: Any = Field(description="What was wrong, for a person to read.")
