"""Structured logs: `cvchat serve` with CVCHAT_LOG_FORMAT=json writes only JSON lines, and
the lines about a run carry its run_id and thread_id."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port
from tests.integration.api_client import Api


async def _serve(tmp_path: Path, fmt: str) -> tuple[subprocess.Popen[bytes], Api, Path, Path]:
    port = free_port()
    out, err = tmp_path / f"{fmt}.out", tmp_path / f"{fmt}.err"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/{fmt}.db",
        "CVCHAT_PIPELINE": "echo",
        "CVCHAT_DATA_DIR": str(tmp_path / "data"),
        "CVCHAT_FRONT_DIST": str(tmp_path / "no-front"),
        "CVCHAT_LOG_FORMAT": fmt,
    }
    cli = Path(sys.executable).with_name("cvchat")
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
            [str(cli), "serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=stdout,
            stderr=stderr,
        )
    api = Api(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, err.read_text()
        try:
            if (await api.http.get("/api/health/live")).status_code == 200:
                return proc, api, out, err
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError("cvchat serve did not start")


async def _stop(proc: subprocess.Popen[bytes], api: Api) -> None:
    await api.close()
    proc.send_signal(signal.SIGTERM)
    await asyncio.to_thread(proc.wait, 20)


async def test_json_mode_writes_only_json_and_names_the_run(tmp_path: Path) -> None:
    proc, api, out, err = await _serve(tmp_path, "json")
    try:
        thread = await api.new_thread()
        run_id = await api.ask(thread, "a question for the log")
        frames = await api.events(run_id)
        assert frames[-1].data == {"status": "done"}
    finally:
        await _stop(proc, api)
    lines = [line for line in (out.read_text() + err.read_text()).splitlines() if line]
    records: list[dict[str, Any]] = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - the failure message
            raise AssertionError(f"not JSON: {line!r}") from exc
    assert all({"event", "level", "timestamp", "logger"} <= r.keys() for r in records)
    # uvicorn's own lines went through the same formatter.
    assert any(r["logger"] == "uvicorn.error" for r in records)
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert any(f"/api/runs/{run_id}/events" in r["event"] for r in access)

    about_run = [r for r in records if r.get("run_id") == run_id]
    assert all(r.get("thread_id") == thread for r in about_run)
    events = [r["event"] for r in about_run]
    assert "run started" in events
    ended = [r for r in about_run if r["event"].startswith("run ended")]
    assert len(ended) == 1 and ended[0]["outcome"] == "done" and ended[0]["duration_s"] > 0
    # The stream's request line carries the run it served (bound by the events route).
    assert any(
        r["logger"] == "uvicorn.access" and f"/api/runs/{run_id}/events" in r["event"]
        for r in about_run
    )


async def test_console_mode_is_for_people(tmp_path: Path) -> None:
    proc, api, out, err = await _serve(tmp_path, "console")
    await _stop(proc, api)
    text = out.read_text() + err.read_text()
    assert "Uvicorn running on" in text or "Application startup complete" in text
    first = text.splitlines()[0]
    assert not first.startswith("{")


def test_a_logged_error_never_shows_the_frames_local_variables() -> None:
    """A local may hold a token or a key: tracebacks carry files and lines, not values."""
    script = (
        "import logging\n"
        "from cvchat.infrastructure.observability.logging import configure_logging\n"
        "configure_logging('{fmt}')\n"
        "def sign_in(token):\n"
        "    raise ValueError('refused')\n"
        "try:\n"
        "    sign_in('cvc_' + 'TOPSECRET')\n"
        "except ValueError:\n"
        "    logging.getLogger('cvchat.test').exception('sign-in failed')\n"
    )
    for fmt in ("json", "console"):
        done = subprocess.run(
            [sys.executable, "-c", script.format(fmt=fmt)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert "sign-in failed" in done.stderr and "ValueError" in done.stderr, done.stderr
        assert "TOPSECRET" not in done.stderr + done.stdout, fmt
        if fmt == "json":
            (line,) = done.stderr.strip().splitlines()
            frames = json.loads(line)["exception"][0]["frames"]
            assert any(f["name"] == "sign_in" for f in frames)
            assert all("locals" not in f for f in frames)
