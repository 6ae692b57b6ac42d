"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from cvchat.infrastructure.db.migrate import head_revision
from cvchat.web.deps import ContainerDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(c: ContainerDep) -> JSONResponse:
    """``live`` is always true while the process answers; ``ready`` needs every check."""
    checks: dict[str, Any] = {}
    try:
        async with c.db.reader.connect() as conn:
            await conn.execute(text("SELECT 1"))
            current = await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
        checks["database"] = "ok"
        head = head_revision(c.settings.database_url)
        checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    if c.index_store is not None:
        index = await asyncio.to_thread(c.index_store.status)
        checks["index"] = "ok" if index.get("ready") else "not ready"
        checks["index_detail"] = index
    else:
        checks["index"] = "not used"
    ready = all(checks[name] in ("ok", "not used") for name in ("database", "migrations", "index"))
    body = {"live": True, "ready": ready, "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
