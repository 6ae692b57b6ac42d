"""Runs: status, the event stream (SSE with resume), cancel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import JSONResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from cvchat.application.runs import cancel_run, get_run, open_run_stream
from cvchat.domain.errors import InvalidInput
from cvchat.infrastructure.observability.logging import bind_run_for_task
from cvchat.web.deps import ContainerDep, PrincipalDep
from cvchat.web.ratelimit import RateLimitsDep, limit_stream_opens
from cvchat.web.schemas import ID_PATTERN, ErrorOut, RunOut
from cvchat.web.sse import until_idle_or_set

router = APIRouter(prefix="/api/runs", tags=["runs"])
RunId = Annotated[str, Path(pattern=ID_PATTERN)]
RETRY_MS = 1000
SHUTDOWN_GRACE_S = 2.0  # for a stream to end by itself before sse-starlette cuts it
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
async def read_run(run_id: RunId, c: ContainerDep, actor: PrincipalDep) -> RunOut:
    return RunOut.of(await get_run(c.uow_factory, run_id, actor=actor))


@router.get(
    "/{run_id}/events",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "The run's events as SSE."},
        204: {"description": "The run has ended and nothing follows the resume cursor."},
        404: {"model": ErrorOut},
        422: {"model": ErrorOut},
        429: {"model": ErrorOut, "description": "A per-user limit; see Retry-After."},
    },
    dependencies=[Depends(limit_stream_opens)],
)
async def read_run_events(
    run_id: RunId,
    c: ContainerDep,
    actor: PrincipalDep,
    limits: RateLimitsDep,
    last_event_id: Annotated[str | None, Query(description="Resume after this seq.")] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Response:
    # The header is what a reconnecting EventSource sends, newer than the URL's cursor; a bad
    # value in either is refused, even where the header would have won.
    header_after = parse_cursor(last_event_id_header, "Last-Event-ID")
    query_after = parse_cursor(last_event_id, "last_event_id")
    after = header_after if header_after is not None else (query_after or 0)
    # 404 as JSON before the stream starts, for unknown runs and other users' runs alike.
    stream = await open_run_stream(c.feed, run_id, after, actor=actor)
    if stream.exhausted:
        await stream.close()
        # An empty 200 would look like a dropped stream: EventSource would reconnect forever.
        # By the SSE specification a 204 makes it stop.
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    run = stream.run
    bind_run_for_task(run.run_id, run.thread_id)  # this request's log lines name the run

    try:
        slot = limits.open_stream(actor.key)  # 429 at the user's cap (counted per process)
    except BaseException:
        await stream.close()
        raise
    idle_s = c.settings.limits.idle_stream_timeout_s

    async def release() -> None:  # also when frames() never started
        slot.release()
        await stream.close()

    shutdown = anyio.Event()  # set by sse-starlette on uvicorn's exit signal

    async def frames() -> AsyncIterator[ServerSentEvent | bytes]:
        try:
            yield ServerSentEvent(retry=RETRY_MS)
            # Frames were encoded once per process; whatever is there goes out in one write.
            # No new event for idle_s: the stream ends and the client resumes later.
            # Server shutting down: the stream ends cleanly; the client resumes elsewhere.
            async for batch in until_idle_or_set(stream.batches(), idle_s, shutdown):
                yield b"".join(frame for _, frame in batch)
        finally:
            slot.release()

    return EventSourceResponse(
        frames(),
        ping=c.settings.sse_ping_s,
        ping_message_factory=lambda: ServerSentEvent(comment="ping"),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        background=BackgroundTask(release),
        shutdown_event=shutdown,
        shutdown_grace_period=SHUTDOWN_GRACE_S,
    )


@router.post(
    "/{run_id}/cancel",
    response_model=RunOut,
    status_code=202,
    responses={200: {"model": RunOut}, 404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
async def post_cancel(run_id: RunId, c: ContainerDep, actor: PrincipalDep) -> JSONResponse:
    outcome = await cancel_run(c.uow_factory, c.notifier, run_id, actor=actor)
    body = RunOut.of(outcome.run).model_dump(mode="json")
    return JSONResponse(body, status_code=202 if outcome.accepted else 200)
