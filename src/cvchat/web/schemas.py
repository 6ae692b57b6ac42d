"""HTTP bodies: what the API accepts and returns (the contract of DESIGN.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Header
from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints, field_validator

from cvchat.domain.candidate_query import CandidateQuery
from cvchat.domain.idempotency import MAX_KEY
from cvchat.domain.model import MultitaskStrategy, Run, RunStatus
from cvchat.domain.vocabulary import LANGUAGE_NAMES, SKILL_BY_ALIAS, fold

# Ids are 32 lowercase hex characters; anything else is refused before any query.
ID_PATTERN = r"^[0-9a-f]{32}$"
Id = Annotated[StrictStr, StringConstraints(pattern=ID_PATTERN)]
# Text that is stored: PostgreSQL cannot hold NUL (U+0000) and no database takes a lone
# surrogate, so both are refused up front with a 422, the same on every database.
STORABLE_TEXT = r"^[^\x00]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserIn(Strict):
    name: Annotated[
        StrictStr,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=200, pattern=STORABLE_TEXT
        ),
    ]


class UserOut(BaseModel):
    user_id: str
    name: str
    created_at: datetime


class ThreadIn(Strict):
    # Required in auth mode ``none``; when signed in it defaults to the caller.
    user_id: Id | None = None


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
    query: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None
    run_status: RunStatus | None = None


class ThreadDetailOut(BaseModel):
    thread_id: str
    user_id: str
    title: str | None
    created_at: datetime
    messages: list[MessageOut]


class MessageIn(Strict):
    # Length is checked by the use case: empty → 422, over 100,000 characters → 413.
    content: Annotated[StrictStr, StringConstraints(pattern=STORABLE_TEXT)]
    multitask_strategy: MultitaskStrategy = MultitaskStrategy.ENQUEUE
    query: CandidateQuery | None = Field(
        default=None,
        description="answer exactly this query instead of parsing `content` (a filter chip "
        "removed or edited); `content` is the question as the thread shows it",
    )

    @field_validator("query")
    @classmethod
    def _known_terms(cls, query: CandidateQuery | None) -> CandidateQuery | None:
        if query is None:
            return None
        for language in query.languages:
            if language.code not in LANGUAGE_NAMES:
                allowed = ", ".join(sorted(LANGUAGE_NAMES))
                raise ValueError(f"unknown language code {language.code!r}: use one of {allowed}")

        def canonical(skills: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(SKILL_BY_ALIAS.get(fold(s.strip()), s.strip()) for s in skills)

        return query.model_copy(
            update={
                "skills_all": canonical(query.skills_all),
                "skills_any": canonical(query.skills_any),
            }
        ).as_asked()


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


# FastAPI answers 400 when a body is not text at all (invalid UTF-8), before any validation:
# every route that reads a JSON body declares it.
UNREADABLE_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The body is not UTF-8 text."}
}


# Every route that checks credentials: 401 in token mode without valid ones; 429 once the
# caller's address has spent its failed sign-ins (web/deps.py ``counting_failures``).
SIGNED_IN_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Token mode: no valid token or session."},
    429: {"model": ErrorOut, "description": "Too many failed sign-ins from this address."},
}


# The ``Idempotency-Key`` request header of the create routes (domain/idempotency.py).
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY,
        description=(
            "An opaque key (1-255 characters, e.g. a UUID) that makes a retry safe: for 24 h, "
            "the same key with the same request answers the first response again (same "
            "status, same ids) and stores nothing; with a different request it is refused "
            "(422). Keys are per caller. Without the header every request creates anew."
        ),
    ),
]
