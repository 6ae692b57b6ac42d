"""PostgreSQL restarts under in-process executors: mid-stream, and in the middle of a
run's final write. Every run ends (done or error) soon after the database is back, every
stream closes with the run's state, and nothing is stored twice.

The queue-mode outage is tests/integration/test_workers_outage.py; here the API
processes execute the runs themselves, which is the default deployment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.chaos.conftest import open_stage
from tests.chaos.support import Stage, figures
from tests.integration.api_client import Frame
from tests.integration.test_workers import assert_complete_log
from tests.integration.workers_support import (
    LEASE_S,
    ApiProcess,
    PrivateCluster,
    drop_database,
    read_until_end,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

OUTAGE_S = 2.0
# Back → ended: the executor's retries of the ending, then the sweeper's next pass after
# the lease (it runs every lease / 2), then the rest of the answer.
ENDED_WITHIN_S = LEASE_S * 2 + 8


@pytest.fixture
async def stage(private_pg: PrivateCluster, tmp_path: Path) -> AsyncIterator[Stage]:
    stage = await open_stage(private_pg.admin_dsn, tmp_path, CVCHAT_EXECUTOR="inprocess")
    try:
        yield stage
    finally:
        await stage.close()
        await drop_database(stage.dsn, private_pg.admin_dsn)


# Sessions waiting for the lock on the messages table: final writes, mid-transaction.
WAITING_ON_MESSAGES = """
SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE NOT l.granted AND c.relname = 'messages'
"""


async def restart(cluster: PrivateCluster) -> float:
    """Stop (fast: every session is cut) and start again; when it was back."""
    await asyncio.to_thread(cluster.stop, "fast")
    await asyncio.sleep(OUTAGE_S)
    await asyncio.to_thread(cluster.start)
    return time.monotonic()


async def read_timed(proc: ApiProcess, run_id: str) -> tuple[list[Frame], int, float]:
    frames, reopened = await read_until_end(proc.api, run_id, deadline_s=90)
    return frames, reopened, time.monotonic()


async def check_ends(
    stage: Stage, runs: list[str], readings: list[tuple[list[Frame], int, float]], back: float
) -> dict[str, object]:
    """Every reading is the complete stored log of its run; the figures of the scenario."""
    statuses: dict[str, int] = {}  # per stream: each run is read on both processes
    ended_after: list[float] = []
    reopened = 0
    conn = await asyncpg.connect(stage.dsn)
    try:
        for run_id, (frames, times_reopened, at) in zip(runs, readings, strict=True):
            status = frames[-1].data["status"]
            assert status in {"done", "error"}, frames[-3:]
            assert_complete_log(frames, status)
            assert frames == await stage.stored(run_id), run_id
            answers = await conn.fetch(
                "SELECT content FROM messages WHERE run_id = $1 AND role = 'assistant'", run_id
            )
            assert len(answers) == 1, f"{len(answers)} answers stored for run {run_id}"
            if status == "done":
                assert answers[0]["content"] == frames[-2].data["text"]
            statuses[status] = statuses.get(status, 0) + 1
            ended_after.append(max(0.0, at - back))
            reopened += times_reopened
    finally:
        await conn.close()
    assert max(ended_after) <= ENDED_WITHIN_S, ended_after
    return {
        "runs": len(set(runs)),
        "streams": len(runs),
        "outcomes": ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
        "streams_reopened": reopened,
        "ended_after_db_back": f"max {max(ended_after):.1f} s (bound {ENDED_WITHIN_S:.0f} s)",
    }


async def serve_again(procs: list[ApiProcess]) -> None:
    for proc in procs:
        assert proc.alive(), f"an API process died:\n{proc.tail()}"
        run_id = await proc.api.ask(await proc.api.new_thread(), "are you back?")
        frames, _ = await read_until_end(proc.api, run_id, deadline_s=30)
        assert_complete_log(frames)


async def test_a_restart_mid_stream_ends_every_run_and_closes_every_stream(
    stage: Stage, private_pg: PrivateCluster
) -> None:
    a = await stage.api(CVCHAT_ECHO_DELAY_MS="30")
    b = await stage.api(CVCHAT_ECHO_DELAY_MS="30")
    runs = []
    for proc in (a, b, a, b, a, b):
        runs.append(await proc.api.ask(await proc.api.new_thread(), " ".join(["word"] * 100)))
    for run_id in runs:
        await a.api.events(run_id, stop_after=4)
    # Each run is read on both processes: the one executing it and the other one.
    readers = [asyncio.create_task(read_timed(p, r)) for r in runs for p in (a, b)]
    await asyncio.sleep(0.2)
    back = await restart(private_pg)

    readings = await asyncio.gather(*readers)
    figures(
        "PostgreSQL restarted mid-stream, in-process executors",
        outage=f"{OUTAGE_S:.0f} s",
        **await check_ends(stage, [r for r in runs for _ in (a, b)], readings, back),
    )
    await serve_again([a, b])


async def test_a_restart_during_the_final_write_ends_the_run_once(
    stage: Stage, private_pg: PrivateCluster
) -> None:
    a = await stage.api(CVCHAT_ECHO_DELAY_MS="20")
    b = await stage.api(CVCHAT_ECHO_DELAY_MS="20")
    runs = [
        await proc.api.ask(await proc.api.new_thread(), " ".join(["word"] * 100)) for proc in (a, b)
    ]
    for run_id in runs:
        await a.api.events(run_id, stop_after=3)
    # Hold the answers' table: each run's final write updates its run row, appends its
    # final events, then waits on its message insert, inside its open transaction.
    holder = await asyncpg.connect(stage.dsn)
    hold = holder.transaction()
    await hold.start()
    await holder.execute("LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE")
    deadline = time.monotonic() + 30
    while not (waiting := await holder.fetchval(WAITING_ON_MESSAGES)):
        assert time.monotonic() < deadline, "no final write reached the messages table"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the other run's ending may queue up as well
    waiting = await holder.fetchval(WAITING_ON_MESSAGES)
    readers = [asyncio.create_task(read_timed(p, r)) for r in runs for p in (a, b)]
    await asyncio.sleep(0.2)
    back = await restart(private_pg)  # cuts the holder too: the writes are rolled back
    with pytest.raises((asyncpg.InterfaceError, asyncpg.PostgresError, OSError)):
        await holder.execute("SELECT 1")

    readings = await asyncio.gather(*readers)
    figures(
        "PostgreSQL restarted during the final write, in-process executors",
        outage=f"{OUTAGE_S:.0f} s",
        final_writes_cut=waiting,
        **await check_ends(stage, [r for r in runs for _ in (a, b)], readings, back),
    )
    await serve_again([a, b])
