"""Liveness and readiness, for people and for orchestrators.

- ``/api/health/live``: 200 while the process answers; no I/O, so a slow database never
  gets a healthy process restarted.
- ``/api/health/ready``: 200 only when this process can serve: the database answers, its
  schema is at this code's newest migration, and the index is loaded (when the pipeline
  needs one); else 503 with the failing checks. Load balancers route by it.
- ``/api/health``: both, with every check (the same status code as ``ready``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from cvchat.bootstrap import Container
from cvchat.infrastructure.db.migrate import head_revision
from cvchat.web.deps import ContainerDep

router = APIRouter(prefix="/api", tags=["health"])
READY_CHECKS = ("database", "migrations", "index")


async def readiness(c: Container) -> dict[str, Any]:
    """Every check, and whether all of them pass."""
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
    ready = all(checks[name] in ("ok", "not used") for name in READY_CHECKS)
    return {"ready": ready, "checks": checks}


# Not ready answers 503 with the same body: the schema declares both.
NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"description": "Not ready: the body names the failing checks."}
}


@router.get("/health", responses=NOT_READY)
async def health(c: ContainerDep) -> JSONResponse:
    """``live`` is always true while the process answers; ``ready`` needs every check."""
    state = await readiness(c)
    body = {"live": True, **state}
    return JSONResponse(body, status_code=200 if state["ready"] else 503)


@router.get("/health/live")
async def live() -> dict[str, bool]:
    """200 while the process answers."""
    return {"live": True}


@router.get("/health/ready", responses=NOT_READY)
async def ready(c: ContainerDep) -> JSONResponse:
    """200 when this process can serve requests, else 503 with the failing checks."""
    state = await readiness(c)
    return JSONResponse(state, status_code=200 if state["ready"] else 503)
