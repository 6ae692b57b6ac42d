"""Auth mode ``none`` stays today's service on loopback, and refuses to listen publicly."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.integration.live import LiveServer

CLI = str(Path(sys.executable).with_name("cvchat"))


async def test_none_mode_needs_no_credentials_and_ignores_them(
    auth_db: str, tmp_path: Path
) -> None:
    live = await LiveServer(
        database_url=auth_db, pipeline="echo", data_dir=tmp_path, front_dist=tmp_path / "none"
    ).start()
    try:
        async with httpx.AsyncClient(base_url=live.url) as http:
            r = await http.get("/api/session")
            assert r.status_code == 200
            assert r.json() == {
                "auth_mode": "none",
                "user_id": None,
                "name": None,
                "is_admin": True,
            }
            r = await http.post("/api/session", json={"token": "anything"})
            assert r.status_code == 200 and "set-cookie" not in r.headers
            user = (await http.post("/api/users", json={"name": f"n-{time.time_ns()}"})).json()
            junk = {"Authorization": "Bearer junk"}
            r = await http.post("/api/threads", json={"user_id": user["user_id"]}, headers=junk)
            assert r.status_code == 201
            # Without a signed-in user there is no default owner for a thread.
            r = await http.post("/api/threads", json={})
            assert r.status_code == 422
            r = await http.get(f"/api/users/{user['user_id']}/threads")
            assert r.status_code == 200 and len(r.json()) == 1
            r = await http.get("/api/users", params={"name": user["name"]})
            assert r.status_code == 200
    finally:
        await live.stop()


def _serve(port: int, *args: str, **env: str) -> subprocess.Popen[bytes]:
    data = Path(env.pop("DATA"))
    full_env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{data}/serve.db",
        "CVCHAT_PIPELINE": "echo",
        "CVCHAT_DATA_DIR": str(data),
        "CVCHAT_FRONT_DIST": str(data / "no-front"),
        **env,
    }
    return subprocess.Popen(
        [CLI, "serve", "--port", str(port), "--log-level", "warning", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.org"])
async def test_serve_refuses_a_public_address_in_none_mode(host: str, tmp_path: Path) -> None:
    proc = _serve(free_port(), "--host", host, DATA=str(tmp_path))
    _, err = await asyncio.to_thread(proc.communicate, timeout=60)
    assert proc.returncode == 2
    message = err.decode()
    assert f"refusing to serve on {host}" in message and "--allow-public" in message
    assert "CVCHAT_AUTH__MODE=token" in message
    assert not (tmp_path / "serve.db").exists()  # refused before touching anything


async def _serves(proc: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = await client.get(f"http://127.0.0.1:{port}/api/session")
                return r.status_code in (200, 401)
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    return False


@pytest.mark.parametrize(
    ("args", "env", "mode_status"),
    [
        (("--allow-public",), {}, 200),
        ((), {"CVCHAT_ALLOW_PUBLIC_BIND": "true"}, 200),
        ((), {"CVCHAT_AUTH__MODE": "token"}, 401),
    ],
    ids=["--allow-public", "CVCHAT_ALLOW_PUBLIC_BIND", "token-mode"],
)
async def test_serve_binds_publicly_when_forced_or_in_token_mode(
    args: tuple[str, ...], env: dict[str, str], mode_status: int, tmp_path: Path
) -> None:
    port = free_port()
    proc = _serve(port, "--host", "0.0.0.0", *args, DATA=str(tmp_path), **env)
    try:
        assert await _serves(proc, port), proc.stderr.read().decode() if proc.stderr else ""
        async with httpx.AsyncClient() as client:
            r = await client.get(f"http://127.0.0.1:{port}/api/session")
        assert r.status_code == mode_status
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 15)
