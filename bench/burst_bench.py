"""A burst of concurrent runs: C questions posted at once, each run's stream opened as soon
as its POST returns, every run streaming ~50 tokens at one per 20 ms.

    .venv/bin/python bench/burst_bench.py                 # C = 1, 10, 100, 1000, PostgreSQL
    .venv/bin/python bench/run_engine_bench.py --burst    # the same
    .venv/bin/python bench/burst_bench.py --sizes 1 100 --sqlite

Delivery = the moment the client parsed an event − the event's ``created_at``; events
written before the client's stream was open are backlog and left out. POST latency is the
202's round trip. Server CPU is the served processes' user + system time over the burst's
wall time (100 % = one core); PostgreSQL's is that of every ``postgres`` process, the
client's that of this process (it shares the two cores).
At C = 1,000 the burst goes to two API processes in queue mode with two ``cvchat worker``
processes (a single process on two cores is not the deployment for that load).
Results go to stdout and bench/results/burst.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run_engine_bench import (  # noqa: E402
    PG_ADMIN,
    Served,
    drop_pg,
    follow_timed,
    fresh_pg,
    summary,
    written_at,
)

QUESTION_WORDS = 48  # the echo answer: "You asked:" + 48 words + an ending, ~50 tokens
CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@dataclass
class Topology:
    api_processes: int
    workers: int  # 0: the API processes execute the runs themselves

    @property
    def label(self) -> str:
        if not self.workers:
            return f"{self.api_processes} API process, in-process executor"
        return f"{self.api_processes} API processes + {self.workers} workers (queue)"


class Worker:
    def __init__(self, env: dict[str, str], src: Path | None = None) -> None:
        if src is not None:
            env = {**env, "PYTHONPATH": str(src)}
        cli = Path(sys.executable).with_name("cvchat")
        self.proc = subprocess.Popen(
            [str(cli), "worker", "--concurrency", "600", "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def post_json(port: int, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    """One POST on a connection of its own, as a browser of the burst would send it: raw
    asyncio streams, so the client's own HTTP stack does not stand in the measurement."""
    payload = json.dumps(body).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            f"Connection: close\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, json.loads(await reader.readexactly(length))
    finally:
        writer.close()


async def prepare_threads(base: str, count: int) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def one() -> str:
            user = (await client.post("/api/users", json={"name": uuid.uuid4().hex})).json()
            r = await client.post("/api/threads", json={"user_id": user["user_id"]})
            return str(r.json()["thread_id"])

        out: list[str] = []
        for start in range(0, count, 50):
            out += await asyncio.gather(*(one() for _ in range(min(50, count - start))))
        return out


@dataclass(frozen=True)
class Variant:
    env: dict[str, str]
    src: Path | None = None  # another checkout's ``src``: the code before a change


async def burst(
    db_url: str, concurrency: int, topology: Topology, workdir: Path, variant: Variant
) -> dict[str, Any]:
    env = variant.env
    queue_env = {"CVCHAT_EXECUTOR": "queue"} if topology.workers else {}
    env = {
        **env,
        **queue_env,
        # Limits are a product feature measured elsewhere; this is one client on purpose.
        "CVCHAT_LIMITS__MAX_ACTIVE_RUNS": "0",
        "CVCHAT_LIMITS__MESSAGES_PER_MINUTE": "0",
        "CVCHAT_LIMITS__STREAMS_PER_MINUTE": "0",
        "CVCHAT_LIMITS__MAX_OPEN_STREAMS": "0",
    }
    served = [
        Served(db_url, delay_ms=20, workdir=workdir, src=variant.src, extra_env=env)
        for _ in range(topology.api_processes)
    ]
    workers: list[Worker] = []
    try:
        for s in served:
            await s.ready()
        if topology.workers:
            worker_env = {**os.environ, **env, "DATABASE_URL": db_url, "CVCHAT_PIPELINE": "echo"}
            worker_env |= {"CVCHAT_ECHO_DELAY_MS": "20", "CVCHAT_DATA_DIR": str(workdir)}
            workers = [Worker(worker_env, variant.src) for _ in range(topology.workers)]
            await asyncio.sleep(3)  # registered and listening
        # Threads for both bursts; the second burst reuses nothing of the first but the warm
        # server (its pool's connections, their prepared statements).
        per = -(-concurrency // len(served))  # the client spreads its posts over the processes
        threads = [await prepare_threads(s.base, 2 * per) for s in served]
        question = " ".join(f"w{i}" for i in range(QUESTION_WORDS))
        client = httpx.AsyncClient(base_url=served[0].base, timeout=120)
        # One run first: connections open, code paths warm.
        warm = await client.post(
            f"/api/threads/{threads[0][-1]}/messages", json={"content": "warm up"}
        )
        await client.aclose()
        await follow_timed(served[0].port, warm.json()["run_id"], {})
        pids = [s.proc.pid for s in served] + [w.proc.pid for w in workers]
        halves = [t[:per] for t in threads], [t[per:] for t in threads]
        first = await timed_burst(db_url, served, halves[0], concurrency, question, pids)
        then = await timed_burst(db_url, served, halves[1], concurrency, question, pids)
        return {
            "concurrency": concurrency,
            "topology": topology.label,
            **then,
            "errors": first["errors"] + then["errors"],
            "first_burst": first,
        }
    finally:
        for w in workers:
            w.stop()
        for s in served:
            s.stop()


async def timed_burst(
    db_url: str,
    served: list[Served],
    threads: list[list[str]],
    concurrency: int,
    question: str,
    pids: list[int],
) -> dict[str, Any]:
    """One burst: a post to each thread at once, each run's stream opened on its 202."""
    post_ms: list[float] = []
    errors: list[str] = []
    received: dict[tuple[str, int], float] = {}
    connected: dict[str, float] = {}

    async def one(i: int) -> None:
        k = i % len(served)
        started = time.perf_counter()
        try:
            status, body = await post_json(
                served[k].port,
                f"/api/threads/{threads[k][i // len(served)]}/messages",
                {"content": question},
            )
        except (OSError, ValueError) as exc:
            errors.append(f"post: {exc!r}")
            return
        post_ms.append((time.perf_counter() - started) * 1000)
        if status != 202:
            errors.append(f"post: {status}")
            return
        run_id = body["run_id"]
        mine: dict[tuple[str, int], float] = {}
        try:
            connected[run_id] = await follow_timed(served[k].port, run_id, mine)
        except (ValueError, OSError) as exc:  # an error answer instead of a stream
            errors.append(f"stream: {exc!r:.120}")
            connected[run_id] = time.time()
        received.update(mine)

    pg_before = {pid: cpu_seconds([pid]) for pid in postgres_pids()}
    cpu0, wall0 = cpu_seconds(pids), time.perf_counter()
    client0 = time.process_time()
    await asyncio.gather(*(one(i) for i in range(concurrency)))
    wall = time.perf_counter() - wall0
    cpu = cpu_seconds(pids) - cpu0
    client_cpu = time.process_time() - client0
    # Backends forked during the burst count from zero.
    pg_cpu = sum(cpu_seconds([pid]) - pg_before.get(pid, 0.0) for pid in postgres_pids())

    run_ids = list(connected)
    written = await written_at(db_url, run_ids)
    final_states = await final_statuses(db_url, run_ids)
    not_done = Counter(final_states.get(r, "missing") for r in run_ids)
    del not_done["done"]
    delivery = [
        (t - written[key]) * 1000
        for key, t in received.items()
        if key in written and written[key] > connected[key[0]]
    ]
    return {
        "post_ms": summary(post_ms),
        "delivery_ms": summary(delivery),
        "errors": len(errors) + not_done.total(),
        "error_kinds": sorted(set(errors))[:5],
        "runs_not_done": not_done.total(),
        "not_done_statuses": dict(not_done),
        "wall_s": round(wall, 2),
        "server_cpu_pct": round(100 * cpu / wall),
        "postgres_cpu_pct": round(100 * pg_cpu / wall) if "postgresql" in db_url else None,
        "client_cpu_pct": round(100 * client_cpu / wall),
    }


async def final_statuses(db_url: str, run_ids: list[str]) -> dict[str, str]:
    if not run_ids:
        return {}
    if db_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(db_url.split("///", 1)[1]) as conn:
            marks = ",".join("?" * len(run_ids))
            rows = conn.execute(f"SELECT id, status FROM runs WHERE id IN ({marks})", run_ids)
            return {r[0]: r[1] for r in rows}
    dsn = db_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT id, status FROM runs WHERE id = ANY($1)", run_ids)
        return {r["id"]: r["status"] for r in rows}
    finally:
        await conn.close()


def migrate(db_url: str, workdir: Path, src: Path | None = None) -> None:
    """`cvchat migrate`: the run model and, for queue mode, the job queue's schema, as the
    served code (``src``: another checkout's) knows them: a server whose database is ahead
    of its migrations reports itself unhealthy."""
    env = {**os.environ, "DATABASE_URL": db_url, "CVCHAT_DATA_DIR": str(workdir)}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cli = Path(sys.executable).with_name("cvchat")
    subprocess.run([str(cli), "migrate"], env=env, check=True, capture_output=True)


async def run(
    sizes: list[int], sqlite: bool, variants: dict[str, Variant], api_processes: int = 1
) -> dict[str, Any]:
    gc.collect()
    gc.freeze()  # the client's own collections must not read as delivery latency
    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores",
        "at": datetime.now(UTC).isoformat(),
        "variants": {
            name: {**v.env, **({"src": str(v.src)} if v.src else {})}
            for name, v in variants.items()
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for n in sizes:
            topology = Topology(2, 2) if n >= 1000 else Topology(api_processes, 0)
            # Four processes on one server: each one's pools must leave room for the others
            # (PostgreSQL's default max_connections is 100).
            pools = {"CVCHAT_DB_POOL_SIZE": "6", "CVCHAT_DB_MAX_OVERFLOW": "6"}
            for name, variant in variants.items():
                if sqlite and not topology.workers:
                    url = f"sqlite+aiosqlite:///{tmp}/burst-{name}-{n}.db"
                    pg_name = None
                else:
                    pg_name, url = await fresh_pg()
                try:
                    await asyncio.to_thread(migrate, url, workdir, variant.src)
                    used = variant
                    if topology.workers:
                        used = Variant({**pools, **variant.env}, variant.src)
                    figures = await burst(url, n, topology, workdir, used)
                finally:
                    if pg_name:
                        await drop_pg(pg_name)
                results.setdefault(str(n), {})[name] = figures
                print(json.dumps({"variant": name, **figures}), flush=True)
    return results


VARIANTS = {
    # The baseline of the same run: one statement and one commit per run's append.
    "per_run_commits": Variant({"CVCHAT_COALESCE_APPENDS": "false"}),
    "coalesced": Variant({}),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--sqlite", action="store_true", help="SQLite below C = 1,000")
    parser.add_argument("--only", choices=sorted(VARIANTS), help="run one variant")
    parser.add_argument(
        "--api-processes",
        type=int,
        default=1,
        help="API processes below C = 1,000, each executing its own runs (the client "
        "spreads its posts over them, as a load balancer would)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        metavar="SRC",
        help="also run another checkout's src (e.g. a git worktree of an older commit), "
        "coalesced, as the before of a change",
    )
    args = parser.parse_args(argv)
    print(f"PostgreSQL: {PG_ADMIN}", flush=True)
    variants = {args.only: VARIANTS[args.only]} if args.only else dict(VARIANTS)
    if args.before:
        variants = {"before": Variant({}, args.before.resolve()), **variants}
    if args.sqlite and args.api_processes > 1:
        parser.error("SQLite is served by one process")
    out = asyncio.run(run(args.sizes, args.sqlite, variants, args.api_processes))
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "burst.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
