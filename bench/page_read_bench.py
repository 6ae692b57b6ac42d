"""CPU of one stream page read (`EventLog.read_pages`) of many runs at once, PostgreSQL.

    .venv/bin/python bench/page_read_bench.py
    .venv/bin/python bench/page_read_bench.py --before /tmp/before/src   # same run

An API process that follows runs written by other processes reads their new events for
every run woken together in one statement (`application/streaming.py`, `_PageReads`); this
measures what decoding such a read costs the process: 200 running runs of 50 events each,
read after seq 50 − E for E = 1, 5 and 20, 200 reads per round, five rounds, the process's
CPU time per read (the database's own work runs in its server process and is not counted).
Each variant runs in a process of its own (`--before`: another checkout's `src` first on
the path). Results go to stdout and bench/results/page_read.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run_engine_bench import drop_pg, fresh_pg  # noqa: E402

RUNS = 200
EVENTS_PER_RUN = 50
READS = 200
ROUNDS = 5
PAGE = 500


async def measure() -> dict[str, list[float]]:
    from cvchat.domain.events import NewEvent
    from cvchat.domain.model import Message, Role, Run, Thread, User
    from cvchat.infrastructure.db.engine import create_database
    from cvchat.infrastructure.db.migrate import upgrade
    from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory

    name, url = await fresh_pg()
    try:
        await asyncio.to_thread(upgrade, url)
        db = create_database(url)
        factory = SqlUnitOfWorkFactory(db)
        runs: list[Run] = []
        for i in range(RUNS):
            async with factory() as uow:
                user = User(name=f"reader-{i}")
                await uow.users.add(user)
                thread = Thread(user.user_id)
                await uow.threads.add(thread)
                message = Message(thread.thread_id, Role.USER, "who knows Rust?")
                await uow.messages.add(message)
                await uow.runs.add(Run(thread.thread_id, message.message_id))
                await uow.commit()
            run = await factory.log.claim(thread.thread_id, "bench")
            assert run is not None
            tokens = [NewEvent.token(f" token{j}") for j in range(EVENTS_PER_RUN)]
            await factory.log.append(run, tokens)
            runs.append(run)
        out: dict[str, list[float]] = {}
        for events in (1, 5, 20):
            cursors = [(r.run_id, EVENTS_PER_RUN - events) for r in runs]
            for _ in range(20):  # prepared statements, warm caches
                async with factory(read_only=True) as uow:
                    await uow.events.read_pages(cursors, PAGE)
            per_read = []
            for _ in range(ROUNDS):
                cpu = time.process_time()
                for _ in range(READS):
                    async with factory(read_only=True) as uow:
                        pages = await uow.events.read_pages(cursors, PAGE)
                per_read.append(1000 * (time.process_time() - cpu) / READS)
            assert sum(len(p.events) for p in pages.values()) == RUNS * events
            out[f"{RUNS} runs x {events} events"] = per_read
        await db.dispose()
        return out
    finally:
        await drop_pg(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, metavar="SRC", help="also measure this src")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure())))
        return
    variants: dict[str, Path | None] = {"now": None}
    if args.before:
        variants = {"before": args.before.resolve(), **variants}
    results: dict[str, Any] = {}
    for label, src in variants.items():
        env = dict(os.environ)
        if src is not None:
            env["PYTHONPATH"] = str(src)
        child = subprocess.run(
            [sys.executable, __file__, "--child"], env=env, check=True, capture_output=True
        )
        measured = json.loads(child.stdout.decode().strip().splitlines()[-1])
        results[label] = {
            case: {
                "median_ms": round(statistics.median(v), 2),
                "rounds_ms": [round(x, 2) for x in v],
            }
            for case, v in measured.items()
        }
        print(json.dumps({"variant": label, **results[label]}), flush=True)
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "page_read.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
