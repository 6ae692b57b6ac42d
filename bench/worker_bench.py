"""Queue-mode benchmark: `cvchat worker` processes on the PostgreSQL job queue.

    .venv/bin/python bench/worker_bench.py            # 1, 2 and 4 workers
    .venv/bin/python bench/worker_bench.py --quick    # fewer runs, for a smoke run

Against a real ``cvchat serve`` (CVCHAT_EXECUTOR=queue) and 1, 2, 4 real ``cvchat worker``
processes (concurrency 4 each) on a fresh database of the local PostgreSQL, with the echo
pipeline at a fixed pace (20 tokens, one every 10 ms: ~0.2 s per run); baseline in the
same invocation: one API process with the embedded in-process executor:

- **Throughput**: a burst of runs on distinct threads, posted at once; runs per second
  from the first post to the last ``finished_at``.
- **Enqueue → start**: ``started_at - created_at`` of runs posted one every 100 ms (a
  queue that is not saturated, so it measures the wake-up path: defer → LISTEN/NOTIFY →
  fetch → claim); the burst's own waits are reported too (queueing dominates them).
- **Cross-process delivery**: a token's ``created_at`` (written by a worker, just before
  its commit) → parsed by a client off an SSE stream of the API process.

Results go to stdout and bench/results/worker.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("cvchat"))
PG_ADMIN = os.environ.get("CVCHAT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
QUESTION = " ".join(f"w{i}" for i in range(18))  # the echo answer: 20 tokens
PACED = 40  # runs posted one every PACE_S (about two running at a time)
PACE_S = 0.1


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1) if ms else float("nan"),
        "p99_ms": round(pct(ms, 0.99), 1),
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fresh_database() -> tuple[str, str]:
    name = f"cvchat_wbench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_ADMIN)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    base = PG_ADMIN.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}", f"{base}/{name}"


async def drop_database(dsn: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    await conn.execute(f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)')
    await conn.close()


class Processes:
    def __init__(self, db_url: str, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "CVCHAT_EXECUTOR": "queue",
            "CVCHAT_PIPELINE": "echo",
            "CVCHAT_ECHO_DELAY_MS": "10",
            "CVCHAT_DATA_DIR": str(tmp),
            "CVCHAT_FRONT_DIST": str(tmp / "no-front"),
            "CVCHAT_LIMITS__MAX_ACTIVE_RUNS": "0",
            "CVCHAT_LIMITS__MESSAGES_PER_MINUTE": "0",
            "CVCHAT_LIMITS__STREAMS_PER_MINUTE": "0",
            "CVCHAT_LIMITS__MAX_OPEN_STREAMS": "0",
        }
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [CLI, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.procs.append(proc)
        return proc

    async def serve(self) -> str:
        port = free_port()
        self.spawn("serve", "--port", str(port), "--log-level", "warning")
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    if (await client.get(f"{base}/api/health")).status_code == 200:
                        return base
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError("serve did not start")

    async def workers(self, dsn: str, n: int) -> list[subprocess.Popen[bytes]]:
        if n == 0:
            return []
        started = [
            self.spawn("worker", "--concurrency", "4", "--log-level", "warning") for _ in range(n)
        ]
        conn = await asyncpg.connect(dsn)
        for _ in range(600):
            if await conn.fetchval("SELECT count(*) FROM procrastinate_workers") >= n:
                break
            await asyncio.sleep(0.1)
        await conn.close()
        return started

    @staticmethod
    def stop(procs: list[subprocess.Popen[bytes]]) -> None:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()

    def stop_all(self) -> None:
        self.stop([p for p in self.procs if p.poll() is None])


async def new_thread(http: httpx.AsyncClient, user_id: str) -> str:
    r = await http.post("/api/threads", json={"user_id": user_id})
    return str(r.json()["thread_id"])


async def post(http: httpx.AsyncClient, thread_id: str) -> str:
    r = await http.post(f"/api/threads/{thread_id}/messages", json={"content": QUESTION})
    assert r.status_code == 202, r.text
    return str(r.json()["run_id"])


async def token_delays(dsn: str, received: dict[tuple[str, int], datetime]) -> list[float]:
    conn = await asyncpg.connect(dsn)
    rows = await conn.fetch(
        "SELECT run_id, seq, created_at FROM run_events WHERE type = 'token' "
        "AND run_id = ANY($1::text[])",
        list({k[0] for k in received}),
    )
    await conn.close()
    return [
        (received[(r["run_id"], r["seq"])] - r["created_at"]).total_seconds()
        for r in rows
        if (r["run_id"], r["seq"]) in received
    ]


async def stream_receipts(
    http: httpx.AsyncClient, run_id: str, received: dict[tuple[str, int], datetime]
) -> None:
    """Note when each event of the run is parsed off the API process's stream."""
    async with http.stream("GET", f"/api/runs/{run_id}/events") as response:
        seq = 0
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                seq = int(line[3:].strip())
            elif line.startswith("data:"):
                received[(run_id, seq)] = datetime.now(UTC)
            elif line.startswith("event:") and line[6:].strip() == "state":
                return


async def run_times(dsn: str, run_ids: list[str]) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    rows = await conn.fetch(
        "SELECT id, status, created_at, started_at, finished_at FROM runs WHERE id = ANY($1)",
        run_ids,
    )
    await conn.close()
    return list(rows)


async def wait_finished(dsn: str, run_ids: list[str], timeout: float = 300) -> list[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await run_times(dsn, run_ids)
        if all(r["status"] in ("done", "error", "canceled") for r in rows):
            return rows
        await asyncio.sleep(0.2)
    raise TimeoutError("runs did not finish")


async def measure(
    procs: Processes, dsn: str, base: str, workers: int, burst: int
) -> dict[str, Any]:
    started = await procs.workers(dsn, workers)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            r = await http.post("/api/users", json={"name": f"bench-{uuid.uuid4().hex[:8]}"})
            user_id = r.json()["user_id"]
            # Burst: throughput, from the first post to the last finish.
            threads = [await new_thread(http, user_id) for _ in range(burst + PACED)]
            burst_ids = await asyncio.gather(*(post(http, t) for t in threads[:burst]))
            rows = await wait_finished(dsn, list(burst_ids))
            assert all(r["status"] == "done" for r in rows)
            first = min(r["created_at"].timestamp() for r in rows)
            last = max(r["finished_at"].timestamp() for r in rows)
            burst_waits = [(r["started_at"] - r["created_at"]).total_seconds() for r in rows]
            # Paced: wake-up latency and cross-process delivery.
            paced: list[str] = []
            received: dict[tuple[str, int], datetime] = {}
            readers = []
            for thread_id in threads[burst:]:
                run_id = await post(http, thread_id)
                paced.append(run_id)
                readers.append(asyncio.create_task(stream_receipts(http, run_id, received)))
                await asyncio.sleep(PACE_S)
            await asyncio.gather(*readers)
            rows = await wait_finished(dsn, paced)
            waits = [(r["started_at"] - r["created_at"]).total_seconds() for r in rows]
            delivery = await token_delays(dsn, received)
    finally:
        procs.stop(started)
    return {
        "workers": workers,
        "burst_runs": burst,
        "runs_per_s": round(burst / (last - first), 1),
        "burst_enqueue_to_start": summary_ms(burst_waits),
        "paced_enqueue_to_start": summary_ms(waits),
        "delivery_worker_to_api_stream": summary_ms(delivery),
    }


async def configuration(executor: str, counts: tuple[int, ...], burst: int) -> list[Any]:
    """One fresh database and API process; ``counts`` workers in turn (0: in-process)."""
    db_url, dsn = await fresh_database()
    tmp = Path(tempfile.mkdtemp(prefix="cvchat-wbench-"))
    env = {**os.environ, "DATABASE_URL": db_url, "CVCHAT_DATA_DIR": str(tmp)}
    await asyncio.to_thread(
        subprocess.run, [CLI, "migrate"], env=env, check=True, capture_output=True
    )
    procs = Processes(db_url, tmp)
    procs.env["CVCHAT_EXECUTOR"] = executor
    results = []
    try:
        base = await procs.serve()
        for n in counts:
            result = await measure(procs, dsn, base, n, burst)
            result["executor"] = executor
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        procs.stop_all()
        await drop_database(dsn)
    return results


async def main(quick: bool) -> None:
    burst = 40 if quick else 200
    load = os.getloadavg()[0]
    # Baseline, same run: the embedded executor (runs are tasks of the API process).
    results = await configuration("inprocess", (0,), burst)
    results += await configuration("queue", (1, 2, 4), burst)
    out = ROOT / "bench" / "results" / "worker.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"load_avg_at_start": load, "results": results}, indent=2))
    print(f"load average at start: {load:.2f}, at end: {os.getloadavg()[0]:.2f}; {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    asyncio.run(main(parser.parse_args().quick))
