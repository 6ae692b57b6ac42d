"""The listening connection of every API process is killed mid-stream.

A stream on one process of a run executed by another lives on PostgreSQL notifications;
a cancel accepted on one process reaches the executor on the other the same way. When
the listening connections are cut, both must recover within the probe interval (the
reconnect re-reads every subscriber; the probe is the safety net behind it), and the
stream must still be the stored log exactly.
"""

from __future__ import annotations

import asyncio
import itertools
import time

import asyncpg
import pytest

from tests.chaos.support import Stage, figures, wait_until_ended
from tests.integration.api_client import Frame, parse_sse
from tests.integration.test_workers import assert_complete_log
from tests.integration.workers_support import ApiProcess

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

PROBE_S = 2.0
KILLS = 3


async def timed_stream(proc: ApiProcess, run_id: str) -> list[tuple[float, Frame]]:
    """Every frame of the stream with the moment it was parsed."""
    out: list[tuple[float, Frame]] = []
    block: list[str] = []
    async with proc.api.http.stream("GET", f"/api/runs/{run_id}/events") as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line:
                block.append(line)
                continue
            frames, _ = parse_sse(block)
            block = []
            out.extend((time.monotonic(), f) for f in frames)
    return out


async def kill_listeners(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = 'cvchat-listener'"
            )
        )
    finally:
        await conn.close()


async def listeners(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = 'cvchat-listener'"
            )
        )
    finally:
        await conn.close()


async def test_killed_listeners_streams_recover_within_the_probe_and_cancels_hold(
    shared_stage: Stage,
) -> None:
    env = {"CVCHAT_ECHO_DELAY_MS": "20", "CVCHAT_STREAM_RECHECK_S": str(PROBE_S)}
    a = await shared_stage.api(**env)
    b = await shared_stage.api(**env)
    assert await listeners(shared_stage.dsn) == 2

    streamed = await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 250))
    reader = asyncio.create_task(timed_stream(b, streamed))  # executed on A, read on B
    await b.api.events(streamed, stop_after=5)

    kill_times: list[float] = []
    reconnected: list[float] = []
    cancel_reached: list[float] = []
    for _ in range(KILLS):
        doomed = await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 500))
        await b.api.events(doomed, stop_after=3)
        killed_at = time.monotonic()
        assert await kill_listeners(shared_stage.dsn) == 2
        kill_times.append(killed_at)
        # Accepted on B while A's listener is down: it must still stop A's executor.
        response = await b.api.cancel(doomed)
        assert response.status_code == 202, response.text
        status, took = await wait_until_ended(a.api, doomed, timeout_s=PROBE_S + 10)
        assert status == "canceled"
        cancel_reached.append(took)
        canceled_log = await shared_stage.stored(doomed)
        while await listeners(shared_stage.dsn) < 2:
            assert time.monotonic() - killed_at < 10, "a listener never came back"
            await asyncio.sleep(0.05)
        reconnected.append(time.monotonic() - killed_at)
        await asyncio.sleep(0.5)
        # A's executor wrote nothing after the cancel (its appends are conditional on the
        # run still running, whether or not the note reached it).
        assert await shared_stage.stored(doomed) == canceled_log
        assert [f.event for f in canceled_log][-2:] == ["canceled", "state"]

    timed = await asyncio.wait_for(reader, 60)
    frames = [f for _, f in timed]
    assert_complete_log(frames)
    assert frames == await shared_stage.stored(streamed)
    # The longest silence after each kill: how long the stream on B waited for A's events.
    stalls = []
    for killed_at in kill_times:
        after = [t for t, _ in timed if t >= killed_at]
        gaps = [b - a for a, b in itertools.pairwise([killed_at, *after[:50]])]
        stalls.append(max(gaps))
    figures(
        "notification connections killed, 2 API processes",
        kills=f"{KILLS} (both listeners each time)",
        probe_interval=f"{PROBE_S:.0f} s",
        stream_stall=f"max {max(stalls) * 1000:.0f} ms",
        cancel_on_b_ended_run_on_a=f"max {max(cancel_reached) * 1000:.0f} ms",
        listener_back=f"max {max(reconnected) * 1000:.0f} ms",
        events_lost_or_duplicated=0,
    )
    assert max(stalls) <= PROBE_S + 1.0, stalls
    assert max(cancel_reached) <= PROBE_S + 1.0, cancel_reached
