"""Liveness and readiness: live answers while the process does; ready only when it can serve."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx

from cvchat.infrastructure.db.migrate import head_revision, upgrade
from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
from cvchat.settings import LlmRoleSettings, RetrievalSettings
from tests.integration.live import LiveServer


async def _get(server: LiveServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        return await http.get(path)


def _rag(data_dir: Path) -> dict[str, object]:
    return {
        "pipeline": "rag",
        "data_dir": data_dir,
        "front_dist": data_dir / "no-front",
        "rag": RetrievalSettings(embedding_model=OFFLINE_MODEL),
        "answer": LlmRoleSettings(provider="offline"),
    }


async def test_without_an_index_the_rag_server_is_live_but_not_ready(
    db_url: str, tmp_path: Path, rag_data_dir: Path
) -> None:
    server = await LiveServer(database_url=db_url, **_rag(tmp_path)).start()
    try:
        live = await _get(server, "/api/health/live")
        assert live.status_code == 200 and live.json() == {"live": True}
        ready = await _get(server, "/api/health/ready")
        assert ready.status_code == 503
        body = ready.json()
        assert body["ready"] is False
        assert body["checks"]["index"] == "not ready"
        assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
        both = await _get(server, "/api/health")
        assert both.status_code == 503 and both.json()["live"] is True
    finally:
        await server.stop()
    # The same server with an index is ready.
    server = await LiveServer(database_url=db_url, **_rag(rag_data_dir)).start()
    try:
        ready = await _get(server, "/api/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["index"] == "ok"
    finally:
        await server.stop()


async def _behind_then_current(url: str, data_dir: Path) -> None:
    await asyncio.to_thread(upgrade, url, "0002")
    server = await LiveServer(
        database_url=url, pipeline="echo", data_dir=data_dir, front_dist=data_dir / "none"
    ).start()
    try:
        assert (await _get(server, "/api/health/live")).status_code == 200
        ready = await _get(server, "/api/health/ready")
        assert ready.status_code == 503
        head = head_revision(url)
        assert ready.json()["checks"]["migrations"] == f"at 0002, head is {head}"
        assert ready.json()["checks"]["index"] == "not used"
        # `cvchat migrate` meanwhile: ready without a restart.
        await asyncio.to_thread(upgrade, url)
        ready = await _get(server, "/api/health/ready")
        assert ready.status_code == 200 and ready.json()["ready"] is True
    finally:
        await server.stop()


async def test_a_schema_behind_the_code_is_not_ready_until_migrated_sqlite(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/behind-{uuid.uuid4().hex[:6]}.db"
    await _behind_then_current(url, tmp_path)


async def test_a_schema_behind_the_code_is_not_ready_until_migrated_postgres(
    fresh_pg_url: str, tmp_path: Path
) -> None:
    await _behind_then_current(fresh_pg_url, tmp_path)
