"""Run-engine benchmark: stream delivery latency, idle database load, log write throughput.

    .venv/bin/python bench/run_engine_bench.py            # both databases, all sizes
    .venv/bin/python bench/run_engine_bench.py --quick    # smaller, for a smoke run

Delivery latency is measured from the moment an event is written (its ``created_at``, set
just before the commit) to the moment a client has parsed it off the socket, for 1, 100
and 1,000 concurrent SSE streams against a real ``cvchat serve`` process. The same
measurement for the replaced design (each stream polls the database every 0.35 s) runs
in the same invocation, so the ratio is like for like. Results go to stdout and to
bench/results/run_engine.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cvchat.application.execution import ExecutionSettings, RunExecution  # noqa: E402
from cvchat.application.messages import post_message  # noqa: E402
from cvchat.application.threads import create_thread  # noqa: E402
from cvchat.application.users import create_user  # noqa: E402
from cvchat.domain.ports import AnswerRequest, Retrieved, ToolCall  # noqa: E402
from cvchat.infrastructure.db.engine import create_database  # noqa: E402
from cvchat.infrastructure.db.migrate import upgrade  # noqa: E402
from cvchat.infrastructure.db.tables import run_events  # noqa: E402
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory  # noqa: E402
from cvchat.infrastructure.executor.inprocess import InProcessExecutor  # noqa: E402
from cvchat.infrastructure.notify.local import InProcessNotifier  # noqa: E402

PG_ADMIN = os.environ.get("CVCHAT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
POLL_S = 0.35
ANSWER_WORDS = 150  # ~3 s of tokens per run at one token every 20 ms


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2) if ms else float("nan"),
        "p99_ms": round(pct(ms, 0.99), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


# --- databases -----------------------------------------------------------------------


async def fresh_pg() -> tuple[str, str]:
    name = f"cvchat_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_ADMIN)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    base = PG_ADMIN.rsplit("/", 1)[0]
    return name, f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"


async def drop_pg(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


# --- a served process ------------------------------------------------------------------


class Served:
    def __init__(
        self,
        db_url: str,
        delay_ms: float,
        workdir: Path,
        pipeline: str = "echo",
        retrieve_ms: float = 0.0,
        src: Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        """``src``: another checkout's ``src`` folder, ahead on PYTHONPATH (the baseline)."""
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "CVCHAT_PIPELINE": pipeline,
            "CVCHAT_ECHO_DELAY_MS": str(delay_ms),
            "CVCHAT_ECHO_RETRIEVE_MS": str(retrieve_ms),
            "CVCHAT_DATA_DIR": str(workdir),
            "CVCHAT_FRONT_DIST": str(workdir / "none"),
        }
        env |= extra_env or {}
        if src is not None:
            env["PYTHONPATH"] = str(src)
        cli = Path(sys.executable).with_name("cvchat")
        self.proc = subprocess.Popen(
            [str(cli), "serve", "--port", str(self.port), "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log(),
        )

    async def ready(self) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    if (await client.get(f"{self.base}/api/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def server_log() -> int | IO[bytes]:
    """Where served processes log: ``BENCH_SERVER_LOG`` (a file, appended to) or nowhere."""
    path = os.environ.get("BENCH_SERVER_LOG")
    # The child's stderr: it stays open for the child's lifetime.
    return open(path, "ab") if path else subprocess.DEVNULL


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def make_runs(base: str, count: int, words: int) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        run_ids = []
        for _ in range(count):
            user = (await client.post("/api/users", json={"name": uuid.uuid4().hex})).json()
            thread = (await client.post("/api/threads", json={"user_id": user["user_id"]})).json()
            question = " ".join(f"w{i}" for i in range(words))
            r = await client.post(
                f"/api/threads/{thread['thread_id']}/messages", json={"content": question}
            )
            run_ids.append(r.json()["run_id"])
        return run_ids


# --- a light SSE client (raw sockets: the client must not be the bottleneck) ---------------


async def sse_lines(port: int, path: str) -> AsyncIterator[str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
    writer.write(head.encode())
    await writer.drain()
    try:
        while (line := await reader.readline()) not in (b"\r\n", b""):
            pass  # response headers
        chunked = True
        while True:
            if chunked:
                size_line = await reader.readline()
                if not size_line:
                    return
                size = int(size_line.strip() or b"0", 16)
                if size == 0:
                    return
                chunk = await reader.readexactly(size + 2)
                for line in chunk[:-2].decode().splitlines():
                    yield line
    finally:
        writer.close()


async def follow_timed(port: int, run_id: str, received: dict[tuple[str, int], float]) -> float:
    """Read one stream to its end; record when each event was parsed. Returns connect time."""
    seq = None
    connected = 0.0
    async for line in sse_lines(port, f"/api/runs/{run_id}/events"):
        if not connected:
            connected = time.time()
        if line.startswith("id: "):
            seq = int(line[4:])
        elif line.startswith("data: ") and seq is not None:
            received[(run_id, seq)] = time.time()
            seq = None
    return connected


async def written_at(db_url: str, run_ids: list[str]) -> dict[tuple[str, int], float]:
    engine = create_async_engine(db_url)
    out: dict[tuple[str, int], float] = {}
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(run_events.c.run_id, run_events.c.seq, run_events.c.created_at).where(
                run_events.c.run_id.in_(run_ids)
            )
        )
        for run_id, seq, created in rows:
            if created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
            out[(run_id, seq)] = created.timestamp()
    await engine.dispose()
    return out


def opening_pause_ms(streams: int) -> float:
    """The echo pipeline's retrieval pause: long enough for every stream to open (and the
    server to work off that burst of requests) before the first token is written."""
    return 1500 + 5 * streams


async def push_latency(
    db_url: str, streams: int, runs: int, workdir: Path, src: Path | None = None
) -> list[float]:
    """Delivery latencies (ms) of one served process, ``streams`` streams on ``runs`` runs."""
    served = Served(
        db_url, delay_ms=20, workdir=workdir, retrieve_ms=opening_pause_ms(streams), src=src
    )
    try:
        await served.ready()
        run_ids = await make_runs(served.base, runs, words=ANSWER_WORDS)
        per_stream: list[dict[tuple[str, int], float]] = [{} for _ in range(streams)]
        connected = await asyncio.gather(
            *(follow_timed(served.port, run_ids[i % runs], per_stream[i]) for i in range(streams))
        )
        written = await written_at(db_url, run_ids)
        # Events written before a stream connected are backlog, not delivery: left out.
        # The opening pause lets every stream open before the first token, so every event
        # counted here reached all of them.
        return [
            (t - written[key]) * 1000
            for received, since in zip(per_stream, connected, strict=True)
            for key, t in received.items()
            if written[key] > since + 0.05
        ]
    finally:
        served.stop()


async def push_latency_repeated(
    db_url: str, streams: int, runs: int, workdir: Path, repeats: int
) -> dict[str, Any]:
    """``push_latency`` on ``repeats`` fresh server processes: p50/p99 over all of their
    events, and the spread of the per-process p50 and p99 (one process's figures move by
    up to ±30 % from one start to the next on two shared cores)."""
    each = [await push_latency(db_url, streams, runs, workdir) for _ in range(repeats)]
    pooled = summary([ms for one in each for ms in one])
    if repeats == 1:
        return pooled
    p50s = [statistics.median(one) for one in each]
    p99s = [pct(one, 0.99) for one in each]
    return {
        **pooled,
        "processes": repeats,
        "p50_ms_per_process": [round(v, 2) for v in p50s],
        "p99_ms_per_process": [round(v, 2) for v in p99s],
    }


def migrate_with(src: Path, db_url: str) -> None:
    """Bring a database to the schema of the code in ``src`` (its own migrations)."""
    code = "import sys; from cvchat.infrastructure.db.migrate import upgrade; upgrade(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", code, db_url], env=env, check=True)


async def delivery_against_baseline(
    baseline_src: Path,
    sizes: list[int],
    repeats: int,
    workdir: Path,
    databases: tuple[str, ...] = ("sqlite", "postgres"),
) -> dict[str, Any]:
    """Delivery latency of this checkout and of ``baseline_src`` in one invocation: server
    processes alternate (baseline, current, baseline, …) so that both see the same machine,
    each on a database its own code migrated."""
    results: dict[str, Any] = {"baseline_src": str(baseline_src)}
    pg_names: list[str] = []
    try:
        for label in databases:
            urls: dict[str, str] = {}
            for side in ("baseline", "current"):
                if label == "sqlite":
                    urls[side] = f"sqlite+aiosqlite:///{workdir}/{side}.db"
                else:
                    name, urls[side] = await fresh_pg()
                    pg_names.append(name)
            migrate_with(baseline_src, urls["baseline"])
            await asyncio.to_thread(upgrade, urls["current"])
            section: dict[str, Any] = {}
            for n in sizes:
                runs = min(n, 10)
                pooled: dict[str, list[float]] = {"baseline": [], "current": []}
                for _ in range(repeats if n <= 100 else 1):
                    for side, src in (("baseline", baseline_src), ("current", None)):
                        pooled[side] += await push_latency(urls[side], n, runs, workdir, src)
                base, cur = summary(pooled["baseline"]), summary(pooled["current"])
                section[n] = {
                    "baseline": base,
                    "current": cur,
                    "p50_ratio": round(cur["p50_ms"] / base["p50_ms"], 2),
                    "p99_ratio": round(cur["p99_ms"] / base["p99_ms"], 2),
                }
                print(label, n, "streams", section[n], flush=True)
            results[label] = section
    finally:
        for name in pg_names:
            await drop_pg(name)
    return results


async def poll_latency(db_url: str, streams: int, runs: int, workdir: Path) -> dict[str, Any]:
    """The replaced design: every stream asks the database for new events every 0.35 s."""
    served = Served(db_url, delay_ms=20, workdir=workdir, retrieve_ms=opening_pause_ms(streams))
    engine = create_async_engine(db_url, pool_size=20, max_overflow=0)
    queries = 0
    try:
        await served.ready()
        run_ids = await make_runs(served.base, runs, words=ANSWER_WORDS)
        ms: list[float] = []

        async def poller(run_id: str) -> None:
            nonlocal queries
            cursor = 0
            while True:
                async with engine.connect() as conn:
                    rows = (
                        await conn.execute(
                            select(run_events.c.seq, run_events.c.type, run_events.c.created_at)
                            .where(run_events.c.run_id == run_id, run_events.c.seq > cursor)
                            .order_by(run_events.c.seq)
                        )
                    ).all()
                queries += 1
                now = time.time()
                for seq, kind, created in rows:
                    if created.tzinfo is None:
                        created = created.replace(tzinfo=UTC)
                    if seq > 2:
                        ms.append((now - created.timestamp()) * 1000)
                    cursor = seq
                    if kind == "state":
                        return
                await asyncio.sleep(POLL_S)

        start = time.monotonic()
        await asyncio.gather(*(poller(run_ids[i % runs]) for i in range(streams)))
        elapsed = time.monotonic() - start
        return {**summary(ms), "queries_per_s": round(queries / elapsed, 1)}
    finally:
        await engine.dispose()
        served.stop()


# --- idle load: queries while streams wait on silent runs --------------------------------


async def idle_queries(db_url: str, streams: int, seconds: float) -> dict[str, Any]:
    """In-process server so that every statement can be counted at the engine."""
    import uvicorn

    from cvchat.settings import Settings
    from cvchat.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        settings = Settings(
            database_url=db_url,
            pipeline="echo",
            echo_delay_ms=10_000_000,  # the runs start and then stay silent
            data_dir=Path(tmp),
            front_dist=Path(tmp) / "none",
            port=port,
        )
        app = create_app(settings)
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        container = app.state.container
        count = 0

        def on_execute(*_: Any) -> None:
            nonlocal count
            count += 1

        engines = {container.db.writer.sync_engine, container.db.reader.sync_engine}
        for e in engines:
            event.listen(e, "before_cursor_execute", on_execute)
        base = f"http://127.0.0.1:{port}"
        run_ids = await make_runs(base, 10, words=3)
        connected: list[int] = []
        readers = [
            asyncio.create_task(_drain(port, run_ids[i % len(run_ids)], connected))
            for i in range(streams)
        ]
        while len(connected) < streams:  # noqa: ASYNC110 - a bench, not product code
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # let every stream read its backlog
        before = count
        await asyncio.sleep(seconds)
        idle = (count - before) / seconds
        for r in readers:
            r.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        for e in engines:
            event.remove(e, "before_cursor_execute", on_execute)
        server.should_exit = True
        await task
        return {"streams": streams, "seconds": seconds, "queries_per_s": round(idle, 2)}


async def _drain(port: int, run_id: str, connected: list[int]) -> None:
    first = True
    async for _ in sse_lines(port, f"/api/runs/{run_id}/events"):
        if first:
            connected.append(1)
            first = False


# --- throughput of one run's log ----------------------------------------------------------


class Firehose:
    """A model that is never the bottleneck: ``n`` pieces as fast as the writer takes them."""

    def __init__(self, n: int) -> None:
        self.n = n

    async def plan(self, request: AnswerRequest) -> ToolCall:
        return ToolCall("rag.search", {"query": request.question})

    async def retrieve(self, request: AnswerRequest, call: ToolCall | None = None) -> Retrieved:
        return Retrieved(query=request.question)

    async def generate(self, request: AnswerRequest, retrieved: Retrieved) -> AsyncIterator[str]:
        for i in range(self.n):
            yield f"t{i} "
            if i % 256 == 0:
                await asyncio.sleep(0)

    def cite(self, retrieved: Retrieved, text: str) -> list[dict[str, Any]]:
        return []


async def tokens_per_second(db_url: str, tokens: int, batch_size: int) -> dict[str, Any]:
    db = create_database(db_url)
    uow = SqlUnitOfWorkFactory(db)
    notifier = InProcessNotifier()
    execution = RunExecution(
        uow, notifier, Firehose(tokens), ExecutionSettings(batch_s=0.02, batch_size=batch_size)
    )
    done = asyncio.Event()

    async def execute(run: Any) -> None:
        await execution(run)
        done.set()

    executor = InProcessExecutor(uow, notifier, execute, lease_s=60)
    user = await create_user(uow, uuid.uuid4().hex)
    thread = await create_thread(uow, user.user_id)
    start = time.perf_counter()
    await post_message(uow, notifier, executor, thread.thread_id, "go")
    await done.wait()
    elapsed = time.perf_counter() - start
    await executor.stop()
    await db.dispose()
    return {"tokens": tokens, "batch_size": batch_size, "tokens_per_s": round(tokens / elapsed)}


# --- a whole answer: post → final, through the API, on the real pipeline ----------------

QUESTIONS = [
    "Who has Kubernetes experience?",
    "Which candidates speak German?",
    "Who worked with PostgreSQL and Python?",
    "¿Quién tiene experiencia con Terraform?",
    "Qui a travaillé avec React ?",
    "Wer hat Erfahrung mit Scrum?",
    "Who studied computer science?",
    "Which candidates know Go and Docker?",
]


async def answer_latency(
    db_url: str, corpus: Path, repeats: int, questions: list[str] = QUESTIONS
) -> dict[str, Any]:
    """Post → ``final`` wall time for real questions through the configured answerer."""
    served = Served(db_url, delay_ms=0, workdir=corpus, pipeline="rag")
    try:
        await served.ready()
        ms: list[float] = []
        async with httpx.AsyncClient(base_url=served.base, timeout=60) as client:
            user = (await client.post("/api/users", json={"name": uuid.uuid4().hex})).json()
            for _ in range(repeats):
                for question in questions:
                    thread = (
                        await client.post("/api/threads", json={"user_id": user["user_id"]})
                    ).json()["thread_id"]
                    start = time.perf_counter()
                    run = (
                        await client.post(
                            f"/api/threads/{thread}/messages", json={"content": question}
                        )
                    ).json()["run_id"]
                    async for line in sse_lines(served.port, f"/api/runs/{run}/events"):
                        if line == "event: final":
                            ms.append((time.perf_counter() - start) * 1000)
        return {**summary(ms), "p90_ms": round(pct(ms, 0.9), 2)}
    finally:
        served.stop()


# --- main ----------------------------------------------------------------------------------------


async def main(quick: bool, corpus: Path, repeats: int) -> dict[str, Any]:
    # The client must not measure itself: a full collection over everything this process
    # imported stops it for ~100 ms, which would read as delivery latency (p99).
    gc.collect()
    gc.freeze()
    sizes = [1, 100] if quick else [1, 100, 1000]
    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores",
        "at": datetime.now(UTC).isoformat(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        pg_name, pg_url = await fresh_pg()
        sqlite_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        try:
            for label, url in (("sqlite", sqlite_url), ("postgres", pg_url)):
                await asyncio.to_thread(upgrade, url)
                section: dict[str, Any] = {"push": {}, "poll_0.35s": {}}
                for n in sizes:
                    runs = min(n, 10)
                    section["push"][n] = await push_latency_repeated(
                        url, n, runs, Path(tmp), repeats if n <= 100 else 1
                    )
                    print(label, "push", n, section["push"][n], flush=True)
                    if n <= 100 or not quick:
                        section["poll_0.35s"][n] = await poll_latency(url, n, runs, Path(tmp))
                        print(label, "poll", n, section["poll_0.35s"][n], flush=True)
                section["idle_1000_streams"] = await idle_queries(
                    url, 200 if quick else 1000, 5 if quick else 15
                )
                print(label, "idle", section["idle_1000_streams"], flush=True)
                section["log_throughput"] = [
                    await tokens_per_second(url, 4000 if quick else 20_000, size)
                    for size in (1, 64)
                ]
                print(label, "throughput", section["log_throughput"], flush=True)
                if (corpus / "index" / "current").exists():
                    section["answer_post_to_final"] = await answer_latency(
                        url, corpus, 1 if quick else 5
                    )
                    print(label, "answer", section["answer_post_to_final"], flush=True)
                results[label] = section
        finally:
            await drop_pg(pg_name)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="server processes per delivery measurement at 1 and 100 streams (1,000: one)",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=ROOT / "data",
        help="a data dir with cvs/ and index/ for the post-to-final measurement",
    )
    parser.add_argument(
        "--local-model",
        type=Path,
        help="only measure post → final with the `local` provider on this GGUF file",
    )
    parser.add_argument(
        "--baseline-src",
        type=lambda p: Path(p).resolve(),
        help="only compare delivery latency with the code of another checkout's src folder "
        "(e.g. a git worktree of an earlier main)",
    )
    parser.add_argument(
        "--databases",
        nargs="+",
        choices=("sqlite", "postgres"),
        default=["sqlite", "postgres"],
        help="with --baseline-src: the databases to compare on",
    )
    parser.add_argument(
        "--burst",
        nargs=argparse.REMAINDER,
        help="only the burst of concurrent runs (burst_bench.py; its options follow)",
    )
    args = parser.parse_args()
    if args.burst is not None:
        from bench.burst_bench import main as burst_main

        burst_main(args.burst)
        raise SystemExit(0)
    if args.baseline_src:
        gc.collect()
        gc.freeze()

        async def against_baseline() -> dict[str, Any]:
            with tempfile.TemporaryDirectory() as tmp:
                sizes = [1, 100] if args.quick else [1, 100, 1000]
                return await delivery_against_baseline(
                    args.baseline_src,
                    sizes,
                    1 if args.quick else args.repeats,
                    Path(tmp),
                    tuple(args.databases),
                )

        comparison = asyncio.run(against_baseline())
        target = ROOT / "bench" / "results"
        target.mkdir(exist_ok=True)
        (target / "run_engine_vs_baseline.json").write_text(json.dumps(comparison, indent=2))
        print(json.dumps(comparison, indent=2))
        raise SystemExit(0)
    if args.local_model:
        os.environ.update(
            CVCHAT_ANSWER__PROVIDER="local",
            CVCHAT_ANSWER__MODEL=str(args.local_model),
            CVCHAT_ANSWER__MAX_TOKENS="128",
        )

        async def local_only() -> dict[str, Any]:
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{tmp}/local.db"
                await asyncio.to_thread(upgrade, url)
                figures = await answer_latency(url, args.corpus.resolve(), 1, QUESTIONS[:3])
                return {"local_post_to_final": figures}

        result = asyncio.run(local_only())
        print(json.dumps(result, indent=2))
        raise SystemExit(0)
    out = asyncio.run(main(args.quick, args.corpus.resolve(), 1 if args.quick else args.repeats))
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "run_engine.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))
