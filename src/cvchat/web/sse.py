"""The SSE wire format of a run event: ``id``, ``event``, ``data`` (compact JSON)."""

from __future__ import annotations

import json

from sse_starlette import ServerSentEvent

from cvchat.domain.events import RunEvent


def encode_event(event: RunEvent) -> bytes:
    return ServerSentEvent(
        data=json.dumps(event.data, ensure_ascii=False, separators=(",", ":")),
        event=str(event.type),
        id=str(event.seq),
    ).encode()
