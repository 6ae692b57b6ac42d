"""Queue mode end to end: `cvchat serve` (CVCHAT_EXECUTOR=queue) + `cvchat worker` processes.

Real processes on a fresh PostgreSQL database per test; the echo pipeline at a fixed pace.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import statistics
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.integration.api_client import Frame
from tests.integration.workers_support import (
    CLI,
    LEASE_S,
    ApiProcess,
    WorkerProcess,
    create_database,
    drop_database,
    migrate,
    queue_env,
    read_stream,
    read_until_end,
)

pytestmark = pytest.mark.postgres


class Cluster:
    """API and worker processes of one test, on one database."""

    def __init__(self, db_url: str, dsn: str, tmp: Path) -> None:
        self.db_url = db_url
        self.dsn = dsn
        self.tmp = tmp
        self.procs: list[ApiProcess | WorkerProcess] = []
        self._n = itertools.count(1)

    async def api(self, **env: str) -> ApiProcess:
        n = next(self._n)
        proc = ApiProcess(queue_env(self.db_url, self.tmp, **env), self.tmp / f"api{n}.log")
        self.procs.append(proc)
        return await proc.start()

    async def worker(self, concurrency: int = 2, **env: str) -> WorkerProcess:
        n = next(self._n)
        proc = WorkerProcess(
            queue_env(self.db_url, self.tmp, **env), self.tmp / f"worker{n}.log", concurrency
        )
        self.procs.append(proc)
        return await proc.start(self.dsn)

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    async def owner_of(self, run_id: str) -> str | None:
        rows = await self.fetch("SELECT owner FROM runs WHERE id = $1", run_id)
        return rows[0]["owner"] if rows else None

    async def close(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.procs), return_exceptions=True)


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    db_url, dsn = await create_database()
    c = Cluster(db_url, dsn, tmp_path)
    try:
        await asyncio.to_thread(migrate, db_url, tmp_path)
        yield c
    finally:
        await c.close()
        await drop_database(dsn)


def assert_complete_log(frames: list[Frame], status: str = "done") -> None:
    kinds = [f.event for f in frames]
    assert [f.id for f in frames] == list(range(1, len(frames) + 1)), kinds
    assert kinds[-1] == "state" and frames[-1].data == {"status": status}
    assert kinds.count("state") == 1
    if status == "done":
        assert kinds.count("final") == 1 and kinds[-2] == "final"
        tokens = "".join(f.data["text"] for f in frames if f.event == "token")
        assert frames[-2].data["text"] == tokens
    else:
        assert "final" not in kinds


async def wait_for(predicate: Callable[[], Awaitable[bool]], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if await predicate():
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise TimeoutError("condition not reached")


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_migrate_applies_the_queue_schema_idempotently(cluster: Cluster) -> None:
    await asyncio.to_thread(migrate, cluster.db_url, cluster.tmp)  # a second time: no change
    rows = await cluster.fetch("SELECT version FROM cvchat_queue_schema")
    assert len(rows) == 1
    tables = await cluster.fetch("SELECT to_regclass('procrastinate_jobs') AS t")
    assert tables[0]["t"] is not None


async def test_200_runs_two_api_processes_two_workers(cluster: Cluster) -> None:
    # A lease that a loaded machine cannot overrun: nothing is lost in this test.
    env = {"CVCHAT_ECHO_DELAY_MS": "5", "CVCHAT_RUN_LEASE_S": "10"}
    a, b = await cluster.api(**env), await cluster.api(**env)
    w1, w2 = await cluster.worker(4, **env), await cluster.worker(4, **env)
    apis = [a, b]
    threads = [await apis[i % 2].api.new_thread() for i in range(40)]
    run_ids: dict[str, list[str]] = {t: [] for t in threads}
    for i in range(200):  # 5 runs per thread, posted alternately to A and B
        thread = threads[i % 40]
        run_ids[thread].append(await apis[i % 2].api.ask(thread, f"question {i} about kubernetes"))
    all_runs = [r for t in threads for r in run_ids[t]]

    gate = asyncio.Semaphore(60)

    async def read(i: int, run_id: str) -> list[Frame]:
        async with gate:
            frames, _ = await read_until_end(apis[i % 2].api, run_id, deadline_s=180)
            return frames

    logs = await asyncio.gather(*(read(i, r) for i, r in enumerate(all_runs)))
    for frames in logs:
        assert_complete_log(frames)
    # The other API process serves the same complete log.
    for i, run_id in enumerate(all_runs[:20]):
        assert await apis[(i + 1) % 2].api.events(run_id) == logs[i]

    for thread, ids in run_ids.items():
        runs = [await a.api.run(r) for r in ids]
        assert all(r["status"] == "done" for r in runs), thread
        for earlier, later in itertools.pairwise(runs):  # one at a time, in order
            assert _ts(earlier["finished_at"]) <= _ts(later["started_at"])
    owners = await cluster.fetch("SELECT owner FROM runs")
    by_worker = {w.pid: sum(1 for o in owners if f":{w.pid}:" in o["owner"]) for w in (w1, w2)}
    print(f"runs executed per worker: {by_worker}")
    assert sum(by_worker.values()) == 200 and all(by_worker.values())
    attempts = await cluster.fetch("SELECT DISTINCT attempts FROM runs")
    assert [r["attempts"] for r in attempts] == [1]


async def test_a_worker_killed_mid_run_ends_it_error_and_others_go_on(cluster: Cluster) -> None:
    a, b = await cluster.api(), await cluster.api()
    doomed_worker = await cluster.worker(1, CVCHAT_ECHO_DELAY_MS="30")
    doomed = await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 300))
    head = await b.api.events(doomed, stop_after=4)
    assert "token" in [f.event for f in head]
    other = await a.api.ask(await a.api.new_thread(), "an unrelated question")
    doomed_worker.kill()
    killed_at = time.monotonic()
    frames, _ = await read_until_end(b.api, doomed, deadline_s=LEASE_S + 5)
    closed_after = time.monotonic() - killed_at
    print(f"stream closed {closed_after:.2f} s after SIGKILL (lease {LEASE_S} s)")
    assert closed_after < LEASE_S + 5
    assert_complete_log(frames, "error")
    assert frames[-2].event == "error" and "stopped" in frames[-2].data["error"]
    assert (await a.api.run(doomed))["status"] == "error"
    # The partial answer is kept, and nothing is written after the terminal state.
    assert await a.api.events(doomed) == frames
    # The run queued behind it on the dead worker's only slot completes on a new worker.
    await cluster.worker(1)
    after, _ = await read_until_end(a.api, other, deadline_s=20)
    assert_complete_log(after)


async def test_a_worker_killed_before_its_first_token_hands_the_run_over(
    cluster: Cluster,
) -> None:
    a = await cluster.api()
    slow = await cluster.worker(1, CVCHAT_ECHO_RETRIEVE_MS="60000")
    thread = await a.api.new_thread()
    run_id = await a.api.ask(thread, "who speaks Spanish?")
    queued_next = await a.api.ask(thread, "and German?")
    head = await a.api.events(run_id, stop_after=1)
    assert [f.event for f in head] == ["tool_start"]  # claimed, still retrieving
    assert f":{slow.pid}:" in (await cluster.owner_of(run_id) or "")
    slow.kill()
    rescuer = await cluster.worker(1)
    frames, _ = await read_until_end(a.api, run_id, deadline_s=LEASE_S * 3 + 10)
    assert_complete_log(frames)
    kinds = [f.event for f in frames]
    assert kinds[:3] == ["tool_start", "tool_end", "token"]  # the retry continues the log
    assert kinds.count("tool_start") == 1 and kinds.count("tool_end") == 1
    assert f":{rescuer.pid}:" in (await cluster.owner_of(run_id) or "")
    rows = await cluster.fetch("SELECT attempts FROM runs WHERE id = $1", run_id)
    assert rows[0]["attempts"] == 2
    # The thread's next run still comes after it.
    after, _ = await read_until_end(a.api, queued_next, deadline_s=20)
    assert_complete_log(after)
    first, second = await a.api.run(run_id), await a.api.run(queued_next)
    assert _ts(first["finished_at"]) <= _ts(second["started_at"])


async def test_sigterm_lets_the_running_run_finish_then_the_worker_exits(
    cluster: Cluster,
) -> None:
    a = await cluster.api()
    worker = await cluster.worker(1, CVCHAT_ECHO_DELAY_MS="20", CVCHAT_WORKER__GRACE_S="30")
    run_id = await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 100))  # ~2 s
    head = await a.api.events(run_id, stop_after=4)
    worker.terminate()
    waiting = await a.api.ask(await a.api.new_thread(), "posted after SIGTERM")
    frames, _ = await read_until_end(a.api, run_id, after_frames=head)
    assert_complete_log(frames)
    code = await worker.wait_exit(15)
    assert code == 0, worker.tail()
    # It took no new run while stopping: the second one waits for another worker.
    assert (await a.api.run(waiting))["status"] == "queued"
    other = await cluster.worker(1)
    after, _ = await read_until_end(a.api, waiting, deadline_s=20)
    assert_complete_log(after)
    assert f":{other.pid}:" in (await cluster.owner_of(waiting) or "")


async def test_sigterm_after_the_grace_period_hands_the_run_back(cluster: Cluster) -> None:
    a = await cluster.api()
    worker = await cluster.worker(1, CVCHAT_ECHO_DELAY_MS="50", CVCHAT_WORKER__GRACE_S="0.5")
    run_id = await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 200))  # ~10 s
    await a.api.events(run_id, stop_after=4)
    worker.terminate()
    assert await worker.wait_exit(10) == 0, worker.tail()
    frames, _ = await read_until_end(a.api, run_id, deadline_s=5)
    assert_complete_log(frames, "error")  # it had written tokens: it ends, partial kept
    assert "shut down" in frames[-2].data["error"]


async def test_sigterm_hands_a_run_without_output_back_to_the_queue(cluster: Cluster) -> None:
    a = await cluster.api()
    slow = await cluster.worker(1, CVCHAT_ECHO_RETRIEVE_MS="60000", CVCHAT_WORKER__GRACE_S="0.5")
    run_id = await a.api.ask(await a.api.new_thread(), "who leads platform teams?")
    assert [f.event for f in await a.api.events(run_id, stop_after=1)] == ["tool_start"]
    slow.terminate()
    assert await slow.wait_exit(10) == 0, slow.tail()
    assert (await a.api.run(run_id))["status"] == "queued"  # handed back at once, no lease
    other = await cluster.worker(1)
    frames, _ = await read_until_end(a.api, run_id, deadline_s=20)
    assert_complete_log(frames)
    assert f":{other.pid}:" in (await cluster.owner_of(run_id) or "")


async def test_queue_mode_refuses_sqlite_with_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/cvchat.db"
    env = queue_env(url, tmp_path)
    for args in (["worker"], ["serve", "--port", "0"]):
        done = await asyncio.to_thread(
            subprocess.run, [CLI, *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "CVCHAT_EXECUTOR=queue needs PostgreSQL" in done.stderr


async def test_cancel_on_one_api_process_stops_the_run_on_a_worker(cluster: Cluster) -> None:
    a, b = await cluster.api(), await cluster.api()
    worker = await cluster.worker(1, CVCHAT_ECHO_DELAY_MS="20")
    seen: list[float] = []
    left: list[float] = []
    freed: list[float] = []
    for _ in range(5):
        long_run = await b.api.ask(await b.api.new_thread(), " ".join(["word"] * 300))
        head = await b.api.events(long_run, stop_after=4)
        # A run of another thread waits for the worker's only slot: it starts as soon as
        # the worker has stopped the canceled run (an upper bound of the stop latency).
        waiting = await b.api.ask(await b.api.new_thread(), "next")
        reader = asyncio.create_task(read_until_end(b.api, long_run, after_frames=head))
        sent = time.monotonic()
        response = await a.api.cancel(long_run)
        assert response.status_code == 202
        frames, _ = await reader
        seen.append(time.monotonic() - sent)
        assert_complete_log(frames, "canceled")
        assert frames[-2].event == "canceled"
        done, _ = await read_until_end(b.api, waiting, deadline_s=10)
        assert_complete_log(done)
        canceled, started = await a.api.run(long_run), await a.api.run(waiting)
        cancel_at = _ts(canceled["finished_at"])  # set by API process A as it accepts
        left.append((worker.logged_at(f"run {long_run} left worker") - cancel_at).total_seconds())
        freed.append((_ts(started["started_at"]) - cancel_at).total_seconds())
        await asyncio.sleep(0.3)
        assert await b.api.events(long_run) == frames  # nothing written after canceled

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"

    print(f"cancel (A) → canceled on B's stream: {ms(seen)}")
    print(f"cancel accepted (A) → run stopped on the worker: {ms(left)}")
    print(f"cancel accepted (A) → worker's next run started: {ms(freed)}")
    # Woken by the notification, not by the 1 s re-check: medians well under it, with room
    # for HTTP both ways on a loaded 2-core machine (the figures are printed above).
    assert statistics.median(seen) < 0.8
    assert statistics.median(left) < 0.3


async def test_an_api_process_shutting_down_ends_its_streams_cleanly(cluster: Cluster) -> None:
    """SIGTERM to an API process: sse-starlette ends its open streams at once (it hooks
    uvicorn's exit handler), the response completes normally, and the client resumes on
    another process by Last-Event-ID; the run, on a worker, is not disturbed."""
    a, b = await cluster.api(), await cluster.api()
    await cluster.worker(1, CVCHAT_ECHO_DELAY_MS="20")
    run_id = await b.api.ask(await b.api.new_thread(), " ".join(["word"] * 150))  # ~3 s
    await a.api.events(run_id, stop_after=3)
    reading = asyncio.create_task(read_stream(a.api, run_id, None))
    await asyncio.sleep(0.3)
    sent = time.monotonic()
    a.terminate()
    head, clean = await asyncio.wait_for(reading, 10)
    ended_after = time.monotonic() - sent
    code = await a.wait_exit(10)
    print(f"stream on the stopping API process ended {ended_after * 1000:.0f} ms after SIGTERM")
    assert clean, "the stream broke instead of ending"
    # uvicorn re-raises the captured SIGTERM once its graceful shutdown is done.
    assert code in (0, -signal.SIGTERM), a.tail()
    assert ended_after < 4.0  # uvicorn's own graceful shutdown would wait 5 s
    assert head and head[-1].event != "state"  # it ended before the run did
    frames, _ = await read_until_end(b.api, run_id, after_frames=head)
    assert_complete_log(frames)
