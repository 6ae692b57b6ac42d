"""PostgreSQL goes away for a few seconds mid-stream, in queue mode.

Runs on a PRIVATE cluster started for this test (initdb as the ``postgres`` OS user): the
shared server is never stopped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.integration.test_workers import assert_complete_log
from tests.integration.workers_support import (
    ApiProcess,
    PrivateCluster,
    WorkerProcess,
    create_database,
    migrate,
    private_cluster,
    queue_env,
    read_until_end,
)

pytestmark = pytest.mark.postgres

OUTAGE_S = 4.0


@pytest.fixture
async def private_pg() -> AsyncIterator[PrivateCluster]:
    async with private_cluster() as cluster:
        yield cluster


async def test_a_database_outage_mid_stream(private_pg: PrivateCluster, tmp_path: Path) -> None:
    db_url, dsn = await create_database(private_pg.admin_dsn)
    await asyncio.to_thread(migrate, db_url, tmp_path)
    env = queue_env(db_url, tmp_path, CVCHAT_ECHO_DELAY_MS="40", CVCHAT_WORKER__GRACE_S="5")
    a = await ApiProcess(env, tmp_path / "a.log").start()
    b = await ApiProcess(env, tmp_path / "b.log").start()
    worker = await WorkerProcess(env, tmp_path / "w.log", concurrency=4).start(dsn)
    procs = [a, b, worker]
    try:
        # Long runs that are mid-stream when the database stops, and short ones queued.
        runs = [await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 150))]
        runs.append(await b.api.ask(await b.api.new_thread(), " ".join(["word"] * 150)))
        await a.api.events(runs[0], stop_after=4)
        await b.api.events(runs[1], stop_after=4)
        readers = [
            asyncio.create_task(read_until_end(api.api, run_id, deadline_s=90))
            for run_id in runs
            for api in (a, b)
        ]
        await asyncio.sleep(0.3)
        await asyncio.to_thread(private_pg.stop, "fast")
        down_at = time.monotonic()
        await asyncio.sleep(OUTAGE_S)
        await asyncio.to_thread(private_pg.start)
        print(f"database was down {time.monotonic() - down_at:.1f} s")

        results = await asyncio.gather(*readers)
        statuses = []
        for (frames, reconnects), run_id in zip(
            results, [r for r in runs for _ in (a, b)], strict=False
        ):
            status = frames[-1].data["status"]
            statuses.append(status)
            assert status in {"done", "error"}, frames[-3:]
            assert_complete_log(frames, status)
            print(f"run {run_id[:8]}: {status}, stream reopened {reconnects} times")
            # No event lost or duplicated: the stream equals the stored log, on both sides.
            conn = await asyncpg.connect(dsn)
            stored = await conn.fetch(
                "SELECT seq, type FROM run_events WHERE run_id = $1 ORDER BY seq", run_id
            )
            await conn.close()
            assert [(f.id, f.event) for f in frames] == [(r["seq"], r["type"]) for r in stored]
        for proc in procs:
            assert proc.alive(), f"{proc.args[1]} died in the outage:\n{proc.tail()}"

        # Both API processes and the worker serve and execute again.
        fresh = await b.api.ask(await a.api.new_thread(), "are you back?")
        frames, _ = await read_until_end(a.api, fresh, deadline_s=30)
        assert_complete_log(frames)
    finally:
        for proc in procs:
            await proc.stop()
