"""Launchers for queue-mode tests: API processes, `cvchat worker` processes, databases.

Everything is real: `cvchat serve` / `cvchat worker` subprocesses on a fresh PostgreSQL
database each, or on a private PostgreSQL cluster that a test may stop and start.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import PG_ADMIN_DSN, free_port
from tests.integration.api_client import Api, Frame, parse_sse

LEASE_S = 2.0
CLI = str(Path(sys.executable).with_name("cvchat"))


def queue_env(db_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "CVCHAT_EXECUTOR": "queue",
        "CVCHAT_PIPELINE": "echo",
        "CVCHAT_ECHO_DELAY_MS": "20",
        "CVCHAT_RUN_LEASE_S": str(LEASE_S),
        "CVCHAT_STREAM_RECHECK_S": "1",
        "CVCHAT_DATA_DIR": str(data_dir),
        "CVCHAT_FRONT_DIST": str(data_dir / "no-front"),
        # The limits are tested elsewhere; here many runs are posted on purpose.
        "CVCHAT_LIMITS__MAX_ACTIVE_RUNS": "0",
        "CVCHAT_LIMITS__MESSAGES_PER_MINUTE": "0",
        "CVCHAT_LIMITS__STREAMS_PER_MINUTE": "0",
        "CVCHAT_LIMITS__MAX_OPEN_STREAMS": "0",
        # JSON lines: a console traceback with locals takes seconds to render, in the loop.
        "CVCHAT_LOG_FORMAT": "json",
        **extra,
    }


class Proc:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args = args
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def spawn(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=out, stderr=out)
        out.close()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)

    async def wait_exit(self, timeout: float) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.args[1]} did not exit within {timeout} s")
            await asyncio.sleep(0.05)
        return self.proc.returncode

    async def stop(self) -> None:
        if self.alive():
            self.terminate()
            try:
                await self.wait_exit(20)
            except TimeoutError:
                self.kill()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class ApiProcess(Proc):
    def __init__(self, env: dict[str, str], log: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        super().__init__(
            [CLI, "serve", "--port", str(self.port), "--log-level", "warning"], env, log
        )
        self.api = Api(f"http://127.0.0.1:{self.port}")

    async def start(self) -> ApiProcess:
        self.spawn()
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                assert self.alive(), f"cvchat serve exited during start:\n{self.tail()}"
                try:
                    r = await client.get(f"{self.api.base_url}/api/health")
                    if r.status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError("cvchat serve did not become ready")

    async def stop(self) -> None:
        await self.api.close()
        await super().stop()


class WorkerProcess(Proc):
    def __init__(self, env: dict[str, str], log: Path, concurrency: int) -> None:
        super().__init__(
            [CLI, "worker", "--concurrency", str(concurrency), "--log-level", "info"], env, log
        )

    async def start(self, dsn: str) -> WorkerProcess:
        """Ready once its procrastinate worker is registered (a row newer than any before)."""
        conn = await asyncpg.connect(dsn)
        try:
            before = await conn.fetchval("SELECT coalesce(max(id), 0) FROM procrastinate_workers")
            self.spawn()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert self.alive(), f"cvchat worker exited during start:\n{self.tail()}"
                newest = await conn.fetchval("SELECT max(id) FROM procrastinate_workers")
                if (newest or 0) > before:
                    return self
                await asyncio.sleep(0.1)
        finally:
            await conn.close()
        raise TimeoutError(f"cvchat worker did not register:\n{self.tail()}")

    def logged_at(self, text: str) -> datetime:
        """When the worker logged a line containing ``text`` (JSON log lines)."""
        for line in self.log.read_text(errors="replace").splitlines():
            if text in line:
                return datetime.fromisoformat(json.loads(line)["timestamp"])
        raise AssertionError(f"the worker never logged {text!r}:\n{self.tail()}")


async def create_database(admin_dsn: str = PG_ADMIN_DSN) -> tuple[str, str]:
    """A fresh database: (SQLAlchemy URL, plain DSN)."""
    name = f"cvchat_workers_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn, timeout=5)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    base = admin_dsn.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}", f"{base}/{name}"


async def drop_database(dsn: str, admin_dsn: str = PG_ADMIN_DSN) -> None:
    name = dsn.rsplit("/", 1)[1]
    admin = await asyncpg.connect(admin_dsn, timeout=5)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def migrate(db_url: str, data_dir: Path) -> None:
    """`cvchat migrate`, the real command: the run model and the job queue's schema."""
    env = {**os.environ, "DATABASE_URL": db_url, "CVCHAT_DATA_DIR": str(data_dir)}
    done = subprocess.run([CLI, "migrate"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


class PrivateCluster:
    """A PostgreSQL cluster of this test alone (it may be stopped; the shared one never)."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(bins[-1]).parent if bins else None
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cvchat-pg-"))
        self.data = self.dir / "data"

    @property
    def available(self) -> bool:
        return self.bin is not None and shutil.which("runuser") is not None

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)

    def init(self) -> None:
        assert self.bin is not None
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"
        )

    def start(self) -> None:
        assert self.bin is not None
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-l",
            str(self.dir / "server.log"), "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        assert self.bin is not None
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.asynccontextmanager
async def private_cluster() -> AsyncIterator[PrivateCluster]:
    """A started private cluster, destroyed afterwards. Its absence is a failure, not a
    skip: the outage scenarios are part of what `make test` must show."""
    cluster = PrivateCluster()
    assert cluster.available, "no initdb under /usr/lib/postgresql/*/bin (or no runuser)"
    await asyncio.to_thread(cluster.init)
    await asyncio.to_thread(cluster.start)
    try:
        yield cluster
    finally:
        await asyncio.to_thread(cluster.destroy)


async def read_stream(api: Api, run_id: str, after: int | None) -> tuple[list[Frame], bool]:
    """Frames read until the stream ends or breaks; keeps what arrived before a break."""
    headers = {"Last-Event-ID": str(after)} if after is not None else {}
    frames: list[Frame] = []
    block: list[str] = []
    try:
        async with api.http.stream(
            "GET", f"/api/runs/{run_id}/events", headers=headers
        ) as response:
            if response.status_code != 200:
                return frames, False
            async for line in response.aiter_lines():
                if line == "":
                    parsed, _ = parse_sse(block)
                    frames.extend(parsed)
                    block = []
                else:
                    block.append(line)
    except httpx.HTTPError as exc:
        print(f"stream of {run_id} broke: {exc!r}")
        return frames, False
    parsed, _ = parse_sse(block)
    frames.extend(parsed)
    return frames, True


async def read_until_end(
    api: Api,
    run_id: str,
    *,
    deadline_s: float = 60.0,
    after_frames: list[Frame] | None = None,
) -> tuple[list[Frame], int]:
    """Read a run's stream to its terminal state, reconnecting with Last-Event-ID.

    ``after_frames``: what was read already (resume after it). Returns all the frames and
    how many times the stream had to be reopened.
    """
    frames: list[Frame] = list(after_frames or [])
    reconnects = 0
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        got, _ = await read_stream(api, run_id, frames[-1].id if frames else None)
        frames.extend(got)
        if frames and frames[-1].event == "state":
            return frames, reconnects
        reconnects += 1
        await asyncio.sleep(0.3)
    raise TimeoutError(f"stream of {run_id} did not end: {[f.event for f in frames][-5:]}")
