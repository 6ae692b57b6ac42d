"""Shared fixtures: a fresh PostgreSQL database per test session, live servers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

# One folder of ONNX model exports for every test process and server this session starts.
os.environ.setdefault(
    "CVCHAT_MODELS_DIR", str(Path(__file__).resolve().parents[1] / ".cache" / "models")
)

PG_ADMIN_DSN = os.environ.get("CVCHAT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def first_answer(
    proc: subprocess.Popen[bytes], http: httpx.AsyncClient, path: str, timeout_s: float = 180
) -> httpx.Response:
    """The first response of a starting ``cvchat serve`` process to ``GET path``; fails
    with the process's error output if it exits first."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"cvchat serve exited {proc.returncode}: {err}")
        assert time.monotonic() < deadline, "cvchat serve did not start"
        try:
            return await http.get(path)
        except httpx.TransportError:
            await asyncio.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def fresh_pg_database() -> AsyncIterator[str]:
    """A database of its own on the test server (an SQLAlchemy URL), dropped afterwards."""
    name = f"cvchat_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL is required at {PG_ADMIN_DSN}: {exc}")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    """A database created for this test session and dropped after it."""
    async with fresh_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite")


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def db_url(
    request: pytest.FixtureRequest, sqlite_dir: Path, pg_url: str
) -> AsyncIterator[str]:
    """Every API test runs on both databases."""
    from cvchat.infrastructure.db.migrate import upgrade

    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{sqlite_dir}/cvchat-{uuid.uuid4().hex[:6]}.db"
    else:
        url = pg_url
    await asyncio.to_thread(upgrade, url)
    yield url


@asynccontextmanager
async def migrated_database(engine: str, directory: Path) -> AsyncIterator[str]:
    """A migrated database of its own on ``engine`` (SQLite in ``directory``)."""
    from cvchat.infrastructure.db.migrate import upgrade

    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{directory}/own.db"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    async with fresh_pg_database() as url:
        await asyncio.to_thread(upgrade, url)
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def own_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated database for one test alone, on each engine: for assertions about the
    whole database (run counts), which other tests' leftovers in the session's shared
    database would disturb (a run left ``running`` by a killed server, until its lease ends)."""
    async with migrated_database(request.param, tmp_path) as url:
        yield url


Factory = Callable[..., Awaitable[str]]
