"""The SSE wire format of a run event: ``id``, ``event``, ``data`` (compact JSON)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import TypeVar

import anyio
from sse_starlette import ServerSentEvent

from cvchat.domain.events import RunEvent

T = TypeVar("T")


def encode_event(event: RunEvent) -> bytes:
    return ServerSentEvent(
        data=json.dumps(event.data, ensure_ascii=False, separators=(",", ":")),
        event=str(event.type),
        id=str(event.seq),
    ).encode()


async def until_set(source: AsyncIterator[T], stop: anyio.Event) -> AsyncIterator[T]:
    """``source``'s items until it ends or ``stop`` is set; then the source is closed.

    For a clean end of a stream when the server shuts down: sse-starlette sets its
    ``shutdown_event`` on uvicorn's exit signal; if the body iterator then simply ends, the
    response completes (final chunk sent) instead of being cut, and the client resumes on
    another process by ``Last-Event-ID``. The wait for the next item is cancelled in this
    task (a cancel scope), so the source is never left running in another task.
    """
    iterator = aiter(source)
    try:
        while not stop.is_set():
            with anyio.CancelScope() as scope:

                def cancel(_: object, scope: anyio.CancelScope = scope) -> None:
                    scope.cancel()

                watcher = asyncio.ensure_future(stop.wait())
                watcher.add_done_callback(cancel)
                try:
                    item = await anext(iterator)
                except StopAsyncIteration:
                    return
                finally:
                    watcher.remove_done_callback(cancel)
                    watcher.cancel()
            if scope.cancelled_caught:
                return
            yield item
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
