"""Several `cvchat serve` processes on one PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.integration.api_client import Api

pytestmark = pytest.mark.postgres

LEASE_S = 2.0


class ServeProcess:
    def __init__(self, db_url: str, data_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "CVCHAT_PIPELINE": "echo",
            "CVCHAT_ECHO_DELAY_MS": "30",
            "CVCHAT_RUN_LEASE_S": str(LEASE_S),
            "CVCHAT_DATA_DIR": str(data_dir),
            "CVCHAT_FRONT_DIST": str(data_dir / "no-front"),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.api = Api(f"http://127.0.0.1:{self.port}")

    async def start(self) -> ServeProcess:
        cli = Path(sys.executable).with_name("cvchat")
        self.proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
            [str(cli), "serve", "--port", str(self.port), "--log-level", "warning"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                assert self.proc.poll() is None, "cvchat serve exited during start"
                try:
                    r = await client.get(f"{self.api.base_url}/api/health")
                    if r.status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError("cvchat serve did not become ready")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    async def stop(self) -> None:
        await self.api.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
async def serve(pg_url: str, tmp_path: Path) -> AsyncIterator[Callable[..., object]]:
    from cvchat.infrastructure.db.migrate import upgrade

    await asyncio.to_thread(upgrade, pg_url)
    started: list[ServeProcess] = []

    async def start(port: int | None = None) -> ServeProcess:
        process = await ServeProcess(pg_url, tmp_path, port).start()
        started.append(process)
        return process

    yield start
    for process in started:
        await process.stop()


async def test_post_on_one_process_stream_and_cancel_from_another(serve) -> None:  # type: ignore[no-untyped-def]
    a, b = await serve(), await serve()
    run_id = await a.api.ask(await a.api.new_thread(), " ".join(["word"] * 300))
    head = await b.api.events(run_id, stop_after=5)
    assert [f.event for f in head][:2] == ["tool_start", "tool_end"]
    response = await b.api.cancel(run_id)
    assert response.status_code == 202
    rest = await asyncio.wait_for(b.api.events(run_id, after=head[-1].id), 10)
    frames = head + rest
    assert [f.event for f in frames][-2:] == ["canceled", "state"]
    assert "final" not in [f.event for f in frames]
    assert [f.id for f in frames] == list(range(1, len(frames) + 1))
    # The executor on A stopped: the log does not grow after canceled.
    await asyncio.sleep(0.3)
    assert await a.api.events(run_id) == frames


async def test_a_killed_process_ends_its_run_error_and_queued_work_moves_on(serve) -> None:  # type: ignore[no-untyped-def]
    a, b = await serve(), await serve()
    thread = await a.api.new_thread()
    doomed = await a.api.ask(thread, " ".join(["word"] * 300))
    waiting = await a.api.ask(thread, "the next question")
    head = await b.api.events(doomed, stop_after=4)
    a.kill()
    started = time.monotonic()
    rest = await asyncio.wait_for(b.api.events(doomed, after=head[-1].id), LEASE_S * 5)
    closed_after = time.monotonic() - started
    frames = head + rest
    assert [f.event for f in frames][-2:] == ["error", "state"]
    assert frames[-1].data == {"status": "error"}
    assert "stopped" in frames[-2].data["error"]
    run = await b.api.run(doomed)
    assert run["status"] == "error"
    print(f"stream on the surviving process closed {closed_after:.1f} s after SIGKILL")
    # The queued run of the dead process is picked up by the survivor.
    after = await asyncio.wait_for(b.api.events(waiting), 20)
    assert after[-1].data == {"status": "done"}
    # The killed process restarts on its port and serves the finished log.
    restarted = await serve(a.port)
    assert (await restarted.api.events(doomed))[-1].data == {"status": "error"}
