"""Token-mode servers and users for the access tests: real uvicorn, real databases."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Table, select, update

from cvchat.application.access import create_user_with_token
from cvchat.infrastructure.auth.hashing import Argon2SecretHasher
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from tests.integration.api_client import Frame, parse_sse
from tests.integration.live import LiveServer


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def new_member(db_url: str, prefix: str = "user") -> Member:
    """A user with a first token, created the way ``cvchat users create`` does."""
    db = create_database(db_url)
    try:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        issued = await create_user_with_token(SqlUnitOfWorkFactory(db), Argon2SecretHasher(), name)
    finally:
        await db.dispose()
    return Member(issued.user.user_id, issued.user.name, issued.text)


async def private_url(db_url: str, folder: Path) -> str:
    """``db_url`` for PostgreSQL; for SQLite, a migrated file of this module's own.

    A SQLite database belongs to one server process (a starting server ends every run it
    finds running), so a module that starts its own servers does not share the session's file.
    """
    if not db_url.startswith("sqlite"):
        return db_url
    url = f"sqlite+aiosqlite:///{folder}/access.db"
    await asyncio.to_thread(upgrade, url)
    return url


async def fetch_rows(db_url: str, table: Table, **where: Any) -> list[dict[str, Any]]:
    """Rows as the application reads them (typed columns), matching ``where``."""
    db = create_database(db_url)
    try:
        stmt = select(table).where(*(table.c[k] == v for k, v in where.items()))
        async with db.reader.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(stmt)]
    finally:
        await db.dispose()


async def update_rows(db_url: str, table: Table, where: dict[str, Any], **values: Any) -> None:
    db = create_database(db_url)
    try:
        stmt = update(table).where(*(table.c[k] == v for k, v in where.items())).values(values)
        async with db.writer.begin() as conn:
            await conn.execute(stmt)
    finally:
        await db.dispose()


async def token_server(db_url: str, data_dir: Path, **settings: Any) -> LiveServer:
    auth = {"mode": "token", **settings.pop("auth", {})}
    defaults: dict[str, Any] = {
        "pipeline": "echo",
        "echo_delay_ms": 20,
        "data_dir": data_dir,
        "front_dist": data_dir / "no-front",
    }
    return await LiveServer(database_url=db_url, auth=auth, **{**defaults, **settings}).start()


async def read_events(
    http: httpx.AsyncClient, run_id: str, headers: dict[str, str] | None = None
) -> tuple[int, list[Frame]]:
    """The status and, when 200, every frame of the run's stream."""
    async with http.stream("GET", f"/api/runs/{run_id}/events", headers=headers or {}) as r:
        if r.status_code != 200:
            await r.aread()
            return r.status_code, []
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line async for line in r.aiter_lines()]
    frames, _ = parse_sse(lines)
    return 200, frames


async def ask(http: httpx.AsyncClient, member: Member, thread_id: str, content: str) -> str:
    r = await http.post(
        f"/api/threads/{thread_id}/messages", json={"content": content}, headers=member.auth
    )
    assert r.status_code == 202, r.text
    return str(r.json()["run_id"])


async def new_thread(http: httpx.AsyncClient, member: Member) -> str:
    r = await http.post("/api/threads", json={}, headers=member.auth)
    assert r.status_code == 201, r.text
    assert r.json()["user_id"] == member.user_id
    return str(r.json()["thread_id"])


async def wait_status(
    http: httpx.AsyncClient, member: Member, run_id: str, statuses: set[str]
) -> str:
    for _ in range(500):
        r = await http.get(f"/api/runs/{run_id}", headers=member.auth)
        status = str(r.json()["status"])
        if status in statuses:
            return status
        await asyncio.sleep(0.02)
    raise AssertionError(f"run {run_id} never reached {statuses}")
