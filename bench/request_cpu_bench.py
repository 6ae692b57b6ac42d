"""Server CPU per request on a warm `cvchat serve` (PostgreSQL): what one post, one stream
open and one unrouted 404 cost the process, sent one after another.

    .venv/bin/python bench/request_cpu_bench.py
    .venv/bin/python bench/request_cpu_bench.py --before /tmp/before/src   # same run

Each request goes on a connection of its own, as in the burst (`burst_bench.py`). The posts
all go to one thread, so that one run executes (one token per 200 ms) while the others
queue behind it; the stream opens are of those queued runs, read up to the first frame and
then closed. CPU is the served process's user + system time over each round, divided by its
requests; three rounds per variant. Results go to stdout and bench/results/request_cpu.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.burst_bench import cpu_seconds, migrate, prepare_threads  # noqa: E402
from bench.run_engine_bench import Served, drop_pg, fresh_pg  # noqa: E402

UNLIMITED = {
    "CVCHAT_LIMITS__MAX_ACTIVE_RUNS": "0",
    "CVCHAT_LIMITS__MESSAGES_PER_MINUTE": "0",
    "CVCHAT_LIMITS__STREAMS_PER_MINUTE": "0",
    "CVCHAT_LIMITS__MAX_OPEN_STREAMS": "0",
}


async def request(
    port: int, method: str, path: str, body: Any = None, *, stream: bool = False
) -> bytes:
    """One request on a connection of its own; a stream is read up to its first frame."""
    payload = json.dumps(body).encode() if body is not None else b""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    writer.write(head.encode() + b"\r\n" + payload)
    await writer.drain()
    data = b""
    try:
        if not stream:
            return await reader.read()
        while b"retry:" not in data:
            chunk = await reader.read(4096)
            if not chunk:
                break
            data += chunk
        return data
    finally:
        writer.close()


async def measure(src: Path | None, requests: int, rounds: int) -> dict[str, list[float]]:
    name, url = await fresh_pg()
    out: dict[str, list[float]] = {"post": [], "stream_open": [], "not_found": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            await asyncio.to_thread(migrate, url, Path(tmp), src)
            served = Served(url, delay_ms=200, workdir=Path(tmp), src=src, extra_env=UNLIMITED)
            try:
                await served.ready()
                [thread] = await prepare_threads(served.base, 1)
                pid, port = served.proc.pid, served.port
                question = {"content": "who knows Rust and speaks German? " * 3}
                for _ in range(rounds):
                    runs = []
                    cpu = cpu_seconds([pid])
                    for _ in range(requests):
                        answer = await request(
                            port, "POST", f"/api/threads/{thread}/messages", question
                        )
                        runs.append(json.loads(answer.split(b"\r\n\r\n", 1)[1])["run_id"])
                    out["post"].append(1000 * (cpu_seconds([pid]) - cpu) / requests)
                    cpu = cpu_seconds([pid])
                    for run_id in runs[1:]:  # the first one is executing
                        await request(port, "GET", f"/api/runs/{run_id}/events", stream=True)
                    out["stream_open"].append(1000 * (cpu_seconds([pid]) - cpu) / (requests - 1))
                    cpu = cpu_seconds([pid])
                    for _ in range(requests):
                        await request(port, "GET", "/api/no-such-route")
                    out["not_found"].append(1000 * (cpu_seconds([pid]) - cpu) / requests)
                    for run_id in runs:  # the next round starts with an idle thread
                        await request(port, "POST", f"/api/runs/{run_id}/cancel", {})
            finally:
                served.stop()
    finally:
        await drop_pg(name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per kind and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, metavar="SRC", help="also serve this src")
    args = parser.parse_args()
    variants: dict[str, Path | None] = {"now": None}
    if args.before:
        variants = {"before": args.before.resolve(), **variants}
    results: dict[str, Any] = {}
    for label, src in variants.items():
        cpu = asyncio.run(measure(src, args.requests, args.rounds))
        results[label] = {
            kind: {
                "median_ms": round(statistics.median(v), 3),
                "rounds_ms": [round(x, 3) for x in v],
            }
            for kind, v in cpu.items()
        }
        print(json.dumps({"variant": label, **results[label]}), flush=True)
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "request_cpu.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
