"""`cvchat serve --workers N`: several API processes on one port, one PostgreSQL database.

Connections land on whichever worker accepts them, so a run's POST, its execution, its
stream and its cancel are spread over the processes; they meet through the database and
LISTEN/NOTIFY. SQLite has one writer and is refused with one line.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import free_port
from tests.integration.api_client import Api
from tests.integration.test_workers import assert_complete_log
from tests.integration.workers_support import (
    create_database,
    drop_database,
    migrate,
    queue_env,
    read_until_end,
)

CLI = str(Path(sys.executable).with_name("cvchat"))
pytestmark = pytest.mark.postgres


def children(pid: int) -> list[int]:
    """The serving processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    pids = [int(p) for p in found.stdout.split()]
    return [p for p in pids if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


@pytest.fixture
async def two_workers(tmp_path: Path) -> AsyncIterator[tuple[Api, subprocess.Popen[bytes], str]]:
    db_url, dsn = await create_database()
    await asyncio.to_thread(migrate, db_url, tmp_path)
    env = queue_env(db_url, tmp_path, CVCHAT_EXECUTOR="inprocess", CVCHAT_ECHO_DELAY_MS="20")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
        [CLI, "serve", "--workers", "2", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=log,
    )
    api = Api(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 90
        while len(children(proc.pid)) < 2 or not await _healthy(api):
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the workers did not come up"
            await asyncio.sleep(0.3)
        yield api, proc, dsn
    finally:
        await api.close()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        await drop_database(dsn)


async def _healthy(api: Api) -> bool:
    try:
        return (await api.http.get("/api/health")).status_code == 200
    except httpx.TransportError:
        return False


async def test_two_worker_processes_share_the_runs_streams_and_cancels(
    two_workers: tuple[Api, subprocess.Popen[bytes], str],
) -> None:
    api, proc, dsn = two_workers
    assert len(children(proc.pid)) == 2

    async def one(i: int) -> list[str]:
        # A client of its own per run: new connections, so requests spread over workers.
        client = Api(api.base_url)
        try:
            run_id = await client.ask(await client.new_thread(), f"question {i} " * 20)
            frames, _ = await read_until_end(client, run_id, deadline_s=60)
            assert_complete_log(frames)
            return [run_id]
        finally:
            await client.close()

    # Owner ids name the process (host:pid:claim): both workers execute runs. A worker that
    # is still starting accepts nothing yet, so the bursts go on until both took some.
    owners: set[str] = set()
    for burst in range(5):
        found = await asyncio.gather(*(one(24 * burst + i) for i in range(24)))
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch(
                "SELECT DISTINCT split_part(owner, ':', 2) AS pid FROM runs WHERE id = ANY($1)",
                [r for runs in found for r in runs],
            )
        finally:
            await conn.close()
        owners |= {row["pid"] for row in rows}
        if len(owners) == 2:
            break
    assert len(owners) == 2, owners

    # A cancel accepted by either worker stops the run wherever it executes.
    for _ in range(4):
        client = Api(api.base_url)
        run_id = await client.ask(await client.new_thread(), "long " * 400)
        await client.events(run_id, stop_after=3)
        await client.close()
        canceller = Api(api.base_url)
        assert (await canceller.cancel(run_id)).status_code == 202
        frames, _ = await read_until_end(canceller, run_id, deadline_s=20)
        await canceller.close()
        assert [f.event for f in frames][-2:] == ["canceled", "state"]


def test_sqlite_refuses_several_workers_in_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/one.db",
        "CVCHAT_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [CLI, "serve", "--workers", "2", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers needs PostgreSQL" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "one.db").exists()  # refused before anything was made
