"""What the chaos tests share: a stage of real processes, a client that hangs up anywhere,
the stored log to compare with, and one line of figures per scenario.

Every process is a real `cvchat serve` / `cvchat worker` on loopback; the database is a
fresh one on the shared server, or a private cluster when a test stops PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.integration.api_client import Api, Frame, parse_sse
from tests.integration.workers_support import ApiProcess, WorkerProcess, queue_env


class Stage:
    """The processes of one test on one database; all stopped at the end."""

    def __init__(self, db_url: str, dsn: str, tmp: Path, **env: str) -> None:
        self.db_url = db_url
        self.dsn = dsn
        self.tmp = tmp
        self.env = env
        self.procs: list[ApiProcess | WorkerProcess] = []
        self._n = itertools.count(1)

    def _env(self, **extra: str) -> dict[str, str]:
        return queue_env(self.db_url, self.tmp, **{**self.env, **extra})

    async def api(self, *, port: int | None = None, **env: str) -> ApiProcess:
        proc = ApiProcess(self._env(**env), self.tmp / f"api{next(self._n)}.log", port)
        self.procs.append(proc)
        return await proc.start()

    async def worker(self, concurrency: int = 2, **env: str) -> WorkerProcess:
        log = self.tmp / f"worker{next(self._n)}.log"
        proc = WorkerProcess(self._env(**env), log, concurrency)
        self.procs.append(proc)
        return await proc.start(self.dsn)

    async def stored(self, run_id: str) -> list[Frame]:
        """The run's log as the database holds it."""
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch(
                "SELECT seq, type, data FROM run_events WHERE run_id = $1 ORDER BY seq", run_id
            )
        finally:
            await conn.close()
        return [Frame(r["seq"], r["type"], json.loads(r["data"])) for r in rows]

    async def close(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.procs), return_exceptions=True)


@dataclass
class Cut:
    """One connection of a client that hangs up after ``frames`` whole frames, on the
    frame boundary or (``mid_frame``) with the next frame cut in two: that one is lost to
    the client, as it is to an EventSource, and must come again on the resume."""

    frames: int
    mid_frame: bool


@dataclass
class Reading:
    frames: list[Frame]
    status: int
    opened_s: float  # request sent → response headers
    first_frame_s: float | None  # request sent → first whole frame


async def read_with_cut(
    api: Api, run_id: str, after: int | None, cut: Cut, *, by_header: bool
) -> Reading:
    """Open the run's stream (resuming after ``after``), hang up as ``cut`` says, and keep
    the frames the client had whole by then. A stream that ends first keeps everything."""
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    if after is not None:
        if by_header:
            headers["Last-Event-ID"] = str(after)
        else:
            params["last_event_id"] = str(after)
    started = time.monotonic()
    buffer = b""
    whole: list[bytes] = []
    first_frame_s: float | None = None
    async with api.http.stream(
        "GET", f"/api/runs/{run_id}/events", headers=headers, params=params
    ) as response:
        opened_s = time.monotonic() - started
        if response.status_code != 200:
            return Reading([], response.status_code, opened_s, None)
        async for chunk in response.aiter_raw():
            buffer += chunk.replace(b"\r\n", b"\n")
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                if block.startswith((b"id:", b"event:")) or b"\nevent:" in block:
                    whole.append(block)
                    if first_frame_s is None:
                        first_frame_s = time.monotonic() - started
            if len(whole) >= cut.frames + cut.mid_frame:
                break  # hang up
    frames: list[Frame] = []
    for block in whole[: cut.frames]:
        parsed, _ = parse_sse(block.decode().split("\n"))
        frames.extend(parsed)
    return Reading(frames, 200, opened_s, first_frame_s)


@dataclass
class Delivery:
    """What a client collected for one run, against the stored log."""

    run_id: str
    seen: list[Frame] = field(default_factory=list)

    def compare(self, stored: Sequence[Frame]) -> dict[str, int]:
        ids = [f.id for f in self.seen]
        return {
            "lost": len({f.id for f in stored} - set(ids)),
            "duplicated": len(ids) - len(set(ids)),
            "out_of_order": sum(1 for a, b in itertools.pairwise(ids) if b <= a),
            "foreign": len(set(ids) - {f.id for f in stored}),
        }


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def ms(values: Sequence[float]) -> str:
    """p50 / p99 / max in milliseconds."""
    if not values:
        return "n/a"
    return (
        f"p50 {statistics.median(values) * 1000:.0f} ms, p99 {pct(values, 99) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms"
    )


def figures(scenario: str, **values: Any) -> None:
    """One line per scenario; `pytest tests/chaos -s` shows them (bench/README.md quotes
    them)."""
    print(f"\nchaos | {scenario} | " + " | ".join(f"{k}: {v}" for k, v in values.items()))


async def wait_until_ended(api: Api, run_id: str, timeout_s: float) -> tuple[str, float]:
    """Poll the run until it is terminal: its status and how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            r = await api.http.get(f"/api/runs/{run_id}")
            if r.status_code == 200 and r.json()["status"] in {"done", "error", "canceled"}:
                return str(r.json()["status"]), time.monotonic() - started
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise TimeoutError(f"run {run_id} did not end within {timeout_s} s")
