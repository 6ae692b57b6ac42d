"""Runs: status, the event stream (SSE with resume), cancel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from cvchat.application.runs import cancel_run, get_run
from cvchat.domain.errors import InvalidInput
from cvchat.web.deps import ContainerDep
from cvchat.web.schemas import ID_PATTERN, ErrorOut, RunOut

router = APIRouter(prefix="/api/runs", tags=["runs"])
RunId = Annotated[str, Path(pattern=ID_PATTERN)]
RETRY_MS = 1000
MAX_SEQ = 2**31 - 1


def parse_cursor(value: str | None, source: str) -> int | None:
    """A resume cursor: a non-negative integer, or a 422 naming where it came from."""
    if value is None:
        return None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > MAX_SEQ:
        raise InvalidInput(f"{source} must be a non-negative integer, got {value[:40]!r}")
    return int(text)


@router.get("/{run_id}", response_model=RunOut, responses={404: {"model": ErrorOut}})
async def read_run(run_id: RunId, c: ContainerDep) -> RunOut:
    return RunOut.of(await get_run(c.uow_factory, run_id))


@router.get(
    "/{run_id}/events",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "The run's events as SSE."},
        404: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
)
async def read_run_events(
    run_id: RunId,
    c: ContainerDep,
    last_event_id: Annotated[str | None, Query(description="Resume after this seq.")] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    # The header is what a reconnecting EventSource sends, newer than the URL's cursor.
    after = parse_cursor(last_event_id_header, "Last-Event-ID")
    if after is None:
        after = parse_cursor(last_event_id, "last_event_id") or 0
    await get_run(c.uow_factory, run_id)  # 404 as JSON before the stream starts

    async def frames() -> AsyncIterator[ServerSentEvent | bytes]:
        yield ServerSentEvent(retry=RETRY_MS)
        # Frames were encoded once per process; whatever is there goes out in one write.
        async for batch in c.feed.batches(run_id, after):
            yield b"".join(frame for _, frame in batch)

    return EventSourceResponse(
        frames(),
        ping=c.settings.sse_ping_s,
        ping_message_factory=lambda: ServerSentEvent(comment="ping"),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/{run_id}/cancel",
    response_model=RunOut,
    status_code=202,
    responses={200: {"model": RunOut}, 404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
async def post_cancel(run_id: RunId, c: ContainerDep) -> JSONResponse:
    outcome = await cancel_run(c.uow_factory, c.notifier, run_id)
    body = RunOut.of(outcome.run).model_dump(mode="json")
    return JSONResponse(body, status_code=202 if outcome.accepted else 200)
