"""Who may change the corpus (auth mode token), and uploads indexed by `cvchat worker`
processes in queue mode on PostgreSQL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from cvchat.application.access import set_admin
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.rag import IndexStore
from tests.integration.workers_support import (
    CLI,
    ApiProcess,
    WorkerProcess,
    drop_database,
    migrate,
    queue_env,
)
from tests.integration.workers_support import (
    create_database as create_pg_database,
)
from tests.rag.conftest import make_settings
from tests.rag.upload_support import copy_index, corpus_server, pdf_cv, upload, wait_indexed
from tests.security.auth_server import new_member

pytestmark = pytest.mark.timeout(600)


async def _grant(db_url: str, name: str, is_admin: bool) -> None:
    db = create_database(db_url)
    try:
        await set_admin(SqlUnitOfWorkFactory(db), name, is_admin)
    finally:
        await db.dispose()


async def test_only_administrators_change_the_corpus(
    own_db_url: str, tmp_path: Path, built_store: IndexStore
) -> None:
    data = copy_index(built_store, tmp_path / "data")
    reader = await new_member(own_db_url, "reader")
    boss = await new_member(own_db_url, "boss")
    await _grant(own_db_url, boss.name, True)
    live = await corpus_server(own_db_url, data, auth={"mode": "token"})
    pdf = pdf_cv(tmp_path, "Maren Holt", "Frobnicator")
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=120) as http:
            assert (await upload(http, pdf)).status_code == 401
            assert (await http.delete("/api/cvs/ana-backend")).status_code == 401

            session = await http.get("/api/session", headers=reader.auth)
            assert session.json()["is_admin"] is False
            refused = await upload(http, pdf, headers=reader.auth)
            assert refused.status_code == 403 and "administrator" in refused.json()["detail"]
            assert (
                await http.delete("/api/cvs/ana-backend", headers=reader.auth)
            ).status_code == 403
            assert (await http.get("/api/cvs", headers=reader.auth)).status_code == 200

            assert (await http.get("/api/session", headers=boss.auth)).json()["is_admin"] is True
            added = await upload(http, pdf, headers=boss.auth)
            assert added.status_code == 202
            cv_id = added.json()["cvs"][0]["cv_id"]
            http.headers.update(reader.auth)  # everyone reads
            assert (await wait_indexed(http, cv_id))["status"] == "indexed"

            await _grant(own_db_url, boss.name, False)  # applies at the next request
            assert (await http.delete(f"/api/cvs/{cv_id}", headers=boss.auth)).status_code == 403
            await _grant(own_db_url, reader.name, True)
            assert (await http.delete(f"/api/cvs/{cv_id}", headers=reader.auth)).status_code == 204
    finally:
        await live.stop()


def test_the_command_line_grants_and_adds(tmp_path: Path, built_store: IndexStore) -> None:
    """`cvchat users create --admin`, `cvchat users admin`, `cvchat cvs add/list/delete`."""
    import os

    data = copy_index(built_store, tmp_path / "data")
    env = {
        **os.environ,
        "CVCHAT_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite+aiosqlite:///{data}/cvchat.db",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, check=False)

    assert cli("users", "create", "alma", "--admin").returncode == 0
    assert "no longer" in cli("users", "admin", "alma", "--revoke").stderr
    assert "is an administrator" in cli("users", "admin", "alma").stderr
    assert cli("users", "admin", "nobody").returncode == 1

    pdf = pdf_cv(tmp_path, "Maren Holt", "Frobnicator")
    added = cli("cvs", "add", str(pdf))
    assert added.returncode == 0, added.stderr
    cv_id, status = added.stdout.split()[:2]
    assert status == "indexed" and cv_id.startswith("cv-")
    assert cv_id in IndexStore(make_settings(data)).snapshot().documents
    assert f"{cv_id}\tindexed" in cli("cvs", "list").stdout
    deleted = cli("cvs", "delete", cv_id)
    assert deleted.returncode == 0, deleted.stderr
    assert cli("cvs", "list").stdout.strip() == ""
    assert cli("cvs", "delete", cv_id).returncode == 1


async def test_workers_index_uploads_in_queue_mode(tmp_path: Path, built_store: IndexStore) -> None:
    data = copy_index(built_store, tmp_path / "data")
    url, dsn = await create_pg_database()
    env = queue_env(url, data, CVCHAT_RAG__EMBEDDING_MODEL=built_store.rag.embedding_model)
    api = worker = None
    try:
        migrate(url, data)
        worker = await WorkerProcess(env, tmp_path / "worker.log", concurrency=2).start(dsn)
        api = await ApiProcess(env, tmp_path / "api.log").start()
        async with httpx.AsyncClient(base_url=api.api.base_url, timeout=120) as http:
            pdfs = [pdf_cv(tmp_path / w, f"Person {w}", w) for w in ("Axolotl", "Dugong")]
            r = await upload(http, *pdfs)
            assert r.status_code == 202, r.text
            ids = [a["cv_id"] for a in r.json()["cvs"]]
            assert [(await wait_indexed(http, i))["status"] for i in ids] == ["indexed"] * 2
            found = await http.get("/api/search", params={"q": "Dugong", "k": 1})
            assert found.json()["results"][0]["cv_id"] == ids[1]
            assert "cvchat.index_uploads" in worker.log.read_text()
            assert (await http.delete(f"/api/cvs/{ids[0]}")).status_code == 204
            listed = {cv["cv_id"] for cv in (await http.get("/api/cvs")).json()["cvs"]}
            assert ids[0] not in listed and ids[1] in listed
    finally:
        for proc in (api, worker):
            if proc is not None:
                await proc.stop()
        await drop_database(dsn)
