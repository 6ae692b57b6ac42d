"""What a Prometheus scrape of ``/metrics`` costs as the runs table grows (PostgreSQL).

The run counts (``cvchat_runs``, ``cvchat_queue_depth``, ``cvchat_queue_oldest_age_seconds``)
are read from the database at every scrape. This fills a fresh database with N runs (99 %
done, the rest error / canceled / queued, as in a long-lived deployment), then times:
- ``read_run_stats``: the two queries of a scrape;
- a whole scrape: rendering the registry, run counts included, off the event loop as the
  route does;
- baseline, same run: ``SELECT 1`` through the same engine (one round trip).

    .venv/bin/python bench/metrics_bench.py [--sizes 1000 100000 1000000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy import text

from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.observability.metrics import PrometheusTelemetry
from cvchat.infrastructure.observability.run_stats import read_run_stats

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

FILL = """
INSERT INTO users (id, name, created_at) VALUES ('u', 'bench', now());
INSERT INTO threads (id, user_id, title, created_at, updated_at)
     VALUES ('t', 'u', 'b', now(), now());
INSERT INTO runs (id, thread_id, user_message_id, status, created_at, last_seq, attempts)
SELECT md5(i::text), 't', 'm',
       CASE WHEN i % 100 = 1 THEN 'error' WHEN i % 100 = 2 THEN 'canceled'
            WHEN i <= 100 THEN 'queued' ELSE 'done' END,
       now() - (i || ' seconds')::interval, 0, 1
  FROM generate_series(1, $1::int) AS i;
"""


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(values) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"


async def timed(action: Callable[[], Awaitable[object]], repeat: int) -> list[float]:
    await action()  # warm the pool and the plan cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - start)
    return samples


async def measure(size: int, repeat: int) -> None:
    name = f"cvchat_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        await asyncio.to_thread(upgrade, url)
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}")
        started = time.perf_counter()
        statements = [s for s in FILL.split(";\n") if s.strip()]
        for statement in statements[:-1]:
            await conn.execute(statement)
        await conn.execute(statements[-1], size)
        await conn.execute("VACUUM ANALYZE runs")
        await conn.close()
        filled = time.perf_counter() - started
        db = create_database(url)
        telemetry = PrometheusTelemetry()
        telemetry.watch_runs(lambda: read_run_stats(db), asyncio.get_running_loop())

        async def select_one() -> None:
            async with db.reader.connect() as c:
                await c.execute(text("SELECT 1"))

        baseline = await timed(select_one, repeat)
        stats = await timed(lambda: read_run_stats(db), repeat)
        scrape = await timed(lambda: asyncio.to_thread(telemetry.render), repeat)
        check = await read_run_stats(db)
        assert sum(check.by_status.values()) == size and check.queue_depth == min(100, size) - 2
        ratio = statistics.median(stats) / statistics.median(baseline)
        print(f"{size:>9,} runs (filled in {filled:.1f} s)")
        print(f"  SELECT 1 (baseline)   {ms(baseline)}")
        print(f"  read_run_stats        {ms(stats)}   = {ratio:.1f}× the baseline")
        print(f"  whole /metrics render {ms(scrape)}")
        await db.dispose()
    finally:
        admin = await asyncpg.connect(ADMIN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    for size in args.sizes:
        await measure(size, args.repeat)


if __name__ == "__main__":
    asyncio.run(main())
