"""``GET /metrics``: this process's Prometheus metrics, in the text exposition format."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from cvchat.domain.errors import NotFound
from cvchat.infrastructure.observability.metrics import CONTENT_TYPE
from cvchat.web.deps import ContainerDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
async def metrics(c: ContainerDep) -> Response:
    if not c.settings.metrics.enabled:
        raise NotFound("metrics are disabled (CVCHAT_METRICS__ENABLED=false)")
    # Rendering reads the run counts from the database through this loop: not on it.
    body = await asyncio.to_thread(c.telemetry.render)
    return Response(body, media_type=CONTENT_TYPE)
