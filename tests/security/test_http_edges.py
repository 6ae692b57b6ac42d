"""HTTP edges of a real server: unknown API paths, the client's fallback, the Host allow-list
of auth mode ``none`` (DNS rebinding), and chunked bodies over the size limit."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import first_answer, free_port
from tests.integration.live import LiveServer
from tests.security.auth_server import token_server
from tests.security.hardening_support import built_client, echo_server, sqlite_url

INDEX = "<!doctype html><title>client</title>"
CLI = str(Path(sys.executable).with_name("cvchat"))
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    root = tmp_path_factory.mktemp("edges")
    files = {"favicon.svg": "<svg/>", "assets/app.js": "console.log('app')"}
    dist = built_client(root, INDEX, files)
    live = await echo_server(
        await sqlite_url(root), root, front_dist=dist, allowed_hosts=["Chat.LAN"]
    )
    yield live
    await live.stop()


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


def _json_404(r: httpx.Response) -> None:
    assert r.status_code == 404, (r.request.method, r.request.url.path, r.status_code)
    if r.request.method != "HEAD":
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"detail": "Not Found"}


# --- unknown paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/api/nope", "/api/runs/x/y/z", "/api", "/api/users/x/nope"])
async def test_unknown_api_paths_are_404_json_on_every_method(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    _json_404(await http.request(method, path))


async def test_known_api_paths_asked_with_another_method_are_405(
    http: httpx.AsyncClient,
) -> None:
    thread = "0123456789abcdef0123456789abcdef"
    for method, path in [
        ("DELETE", "/api/users"),
        ("GET", f"/api/threads/{thread}/messages"),
        ("PUT", "/api/health"),
    ]:
        r = await http.request(method, path)
        assert r.status_code == 405, (method, path, r.status_code)
        assert "detail" in r.json()


async def test_other_paths_serve_the_client_and_its_files(http: httpx.AsyncClient) -> None:
    for path in ("/", "/some/client/route", "/threads/abc"):
        r = await http.get(path)
        assert r.status_code == 200 and r.text == INDEX, path
        assert r.headers["cache-control"] == "no-cache"
    assert (await http.head("/some/client/route")).status_code == 200
    assert (await http.get("/favicon.svg")).text == "<svg/>"
    assert (await http.get("/assets/app.js")).text == "console.log('app')"
    assert (await http.get("/assets/missing.js")).status_code == 404  # never the page
    # Only reading falls back to the client: a write to a client path names nothing.
    _json_404(await http.post("/some/client/route"))


# --- Host allow-list (auth mode none) --------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["localhost", "LocalHost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "chat.lan"]
)
async def test_loopback_and_configured_names_are_served(
    http: httpx.AsyncClient, server: LiveServer, host: str
) -> None:
    r = await http.get("/api/session", headers={"Host": host.format(port=server.port)})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil", "[::2]"],
)
async def test_any_other_host_is_refused_before_anything_runs(
    http: httpx.AsyncClient, server: LiveServer, host: str
) -> None:
    name = f"rebound-{uuid.uuid4().hex[:8]}"
    sent = host.format(port=server.port)
    r = await http.post("/api/users", json={"name": name}, headers={"Host": sent})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json"
    detail = r.json()["detail"]
    assert repr(sent) in detail and "CVCHAT_ALLOWED_HOSTS" in detail
    assert (await http.get("/api/users", params={"name": name})).status_code == 404
    r = await http.get("/", headers={"Host": sent})
    assert r.status_code == 400 and INDEX not in r.text


async def test_token_mode_needs_no_host_list(tmp_path: Path) -> None:
    live = await token_server(await sqlite_url(tmp_path), tmp_path)
    try:
        async with httpx.AsyncClient(base_url=live.url) as client:
            r = await client.get("/api/session", headers={"Host": "chat.example.com"})
        assert r.status_code == 401  # asked to sign in, not refused for its name
    finally:
        await live.stop()


def _serve_on(host: str, port: int, data: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{data}/serve.db",
        "CVCHAT_PIPELINE": "echo",
        "CVCHAT_DATA_DIR": str(data),
        "CVCHAT_FRONT_DIST": str(data / "no-front"),
    }
    argv = [CLI, "serve", "--host", host, "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


async def test_serve_answers_to_the_address_it_was_told_to_bind(tmp_path: Path) -> None:
    port = free_port()
    proc = _serve_on("127.0.0.2", port, tmp_path)
    base = f"http://127.0.0.2:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            r = await first_answer(proc, client, "/api/session")
            assert r.status_code == 200, r.text  # Host: 127.0.0.2:<port>
            r = await client.get("/api/session", headers={"Host": "evil.example"})
            assert r.status_code == 400
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 15)


# --- body size -------------------------------------------------------------------------------


async def test_a_chunked_body_over_the_limit_is_413_and_stores_nothing(
    http: httpx.AsyncClient,
) -> None:
    """No Content-Length to refuse up front: the limit is met while the body arrives. The
    body is valid JSON that would create a user if it were read."""
    name = f"chunked-{uuid.uuid4().hex[:8]}"

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "' + name.encode() + b'"'
        for _ in range(64):
            yield b" " * 32 * 1024  # 2 MiB in all, the limit is 1 MiB
        yield b"}"

    r = await http.post(
        "/api/users", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/json"
    assert "request body over 1048576 bytes" in r.json()["detail"]
    assert (await http.get("/api/users", params={"name": name})).status_code == 404
