"""Liveness and readiness."""

from __future__ import annotations

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
        describe = getattr(c.index_store, "health", None)
        checks["index"] = describe() if callable(describe) else "ok"
    else:
        checks["index"] = "not used"
    ready = all(
        v == "ok" or v == "not used" or (isinstance(v, dict) and v.get("ok"))
        for v in checks.values()
    )
    body = {"live": True, "ready": ready, "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
