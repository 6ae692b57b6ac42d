"""Security headers on every response, strict CORS, and errors that reveal nothing.

Real servers on real databases; a broken database is broken for real (a table renamed
under the running server), and the database URL carries a password that must never show.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import ValidationError

from cvchat.settings import Settings
from cvchat.web.security import CSP
from tests.conftest import PG_ADMIN_DSN
from tests.integration.api_client import Api
from tests.integration.live import LiveServer
from tests.security.hardening_support import (
    built_client,
    echo_server,
    limits,
    raw_request,
    sqlite_url,
)

ROOT = Path(__file__).resolve().parents[2]
DIST_INDEX = (
    '<!doctype html><html><head><script type="module" crossorigin '
    'src="/assets/index-abc.js"></script></head><body><div id="root"></div></body></html>'
)
ALLOWED = "http://chat.example.com"


def _assert_security_headers(r: httpx.Response | object, *, hsts: bool = False) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" in headers
    assert ("strict-transport-security" in headers) is hsts


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    root = tmp_path_factory.mktemp("hardening")
    dist = built_client(root, DIST_INDEX, {"assets/index-abc.js": "console.log('client')"})
    srv = await echo_server(
        await sqlite_url(root),
        root,
        front_dist=dist,
        cors_origins=[ALLOWED],
        limits=limits(messages_per_minute=1),
    )
    yield srv
    await srv.stop()


@pytest.fixture
async def api(server: LiveServer) -> AsyncIterator[Api]:
    client = Api(server.url)
    yield client
    await client.close()


async def test_every_kind_of_response_carries_the_security_headers(api: Api) -> None:
    thread = await api.new_thread()
    run_id = await api.ask(thread, "hello")
    responses = [
        await api.http.get("/api/health"),
        await api.http.get(f"/api/threads/{thread}"),
        await api.http.get("/api/runs/00000000000000000000000000000000"),  # 404
        await api.http.post("/api/users", json={"name": ""}),  # 422
        await api.http.post(f"/api/threads/{thread}/messages", json={"content": "x"}),  # 429
        await api.http.post("/api/users", content=b"x" * (2 << 20)),  # 413
        await api.http.get("/"),
        await api.http.get("/some/client/route"),
        await api.http.get("/assets/index-abc.js"),
        await api.http.get("/openapi.json"),
    ]
    statuses = [r.status_code for r in responses]
    assert statuses[2:6] == [404, 422, 429, 413], statuses
    async with api.http.stream("GET", f"/api/runs/{run_id}/events") as stream:
        await stream.aread()
        responses.append(stream)  # type: ignore[arg-type]
    for r in responses:
        _assert_security_headers(r)
        if r.url.path != "/docs":
            assert r.headers["content-security-policy"] == CSP
    over = await raw_request(
        int(api.base_url.rsplit(":", 1)[1]), "/api/health", {"X-Big": "a" * 20000}
    )
    assert over.status == 431
    assert over.headers["x-frame-options"] == "DENY"


def test_the_policy_forbids_inline_script_and_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"


def test_the_chat_client_has_no_inline_script() -> None:
    """The page the CSP protects loads scripts only by URL (source and, if built, dist)."""
    pages = [ROOT / "front" / "index.html", ROOT / "front" / "dist" / "index.html"]
    checked = 0
    for page in pages:
        if not page.is_file():
            continue
        html = page.read_text()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
        assert scripts, page
        for attrs, body in scripts:
            assert "src=" in attrs and not body.strip(), (page, attrs, body)
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), page  # no handlers
        checked += 1
    assert checked >= 1


async def test_docs_get_their_own_policy_naming_exactly_their_inline_script(api: Api) -> None:
    r = await api.http.get("/docs")
    assert r.status_code == 200
    _assert_security_headers(r)
    policy = r.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    srcs = re.findall(r'<script src="([^"]+)"', r.text)
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert all(src in script_src for src in srcs) and srcs
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert (await api.http.get("/redoc")).text.startswith("<!doctype html>")  # the client


async def test_hsts_only_behind_tls(tmp_path: Path) -> None:
    srv = await echo_server(await sqlite_url(tmp_path), tmp_path, behind_tls=True)
    try:
        async with httpx.AsyncClient(base_url=srv.url) as client:
            r = await client.get("/api/health")
            _assert_security_headers(r, hsts=True)
            assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    finally:
        await srv.stop()


# --- CORS ------------------------------------------------------------------------------------


async def test_cors_allows_credentials_to_configured_origins_only(api: Api) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    ok = await api.http.options("/api/users", headers={"Origin": ALLOWED, **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == ALLOWED
    assert ok.headers["access-control-allow-credentials"] == "true"
    _assert_security_headers(ok)
    evil = await api.http.options(
        "/api/users", headers={"Origin": "http://evil.example", **preflight}
    )
    assert evil.status_code == 400
    assert "access-control-allow-origin" not in evil.headers
    simple = await api.http.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
    allowed = await api.http.get("/api/health", headers={"Origin": ALLOWED})
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["access-control-expose-headers"] == "Retry-After"
    assert allowed.headers["vary"].lower().count("origin") == 1


@pytest.mark.parametrize("origins", [["*"], ["http://ok.example", "*"], ["https://*.example"]])
def test_a_wildcard_origin_is_refused_with_a_clear_error(origins: list[str]) -> None:
    with pytest.raises(ValidationError, match="cannot hold a wildcard"):
        Settings(cors_origins=origins)


def test_a_wildcard_origin_from_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CVCHAT_CORS_ORIGINS", '["*"]')
    with pytest.raises(ValidationError, match="list each allowed origin"):
        Settings()


# --- errors reveal nothing -------------------------------------------------------------------

LEAKS = ("SELECT", "INSERT", "sqlalchemy", "Traceback", "asyncpg", "sqlite3", 'File "')


def _assert_opaque_500(r: httpx.Response, secret: str) -> None:
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error"}
    for leak in (*LEAKS, secret):
        assert leak not in r.text
    _assert_security_headers(r)


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_database_error_is_an_opaque_500_on_sqlite(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = await sqlite_url(tmp_path)
    srv = await echo_server(url, tmp_path)
    api = Api(srv.url)
    try:
        thread = await api.new_thread()
        db_file = url.split("///", 1)[1]
        with sqlite3.connect(db_file) as conn:
            conn.execute("ALTER TABLE messages RENAME TO messages_gone")
        with caplog.at_level(logging.ERROR):
            r = await api.http.post(f"/api/threads/{thread}/messages", json={"content": "hi"})
        _assert_opaque_500(r, "messages_gone")
        # The log has what an operator needs (the failed route) …
        assert "unhandled error on POST" in _log_text(caplog)
    finally:
        await api.close()
        await srv.stop()


async def test_a_database_error_never_shows_the_database_password(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """PostgreSQL with a password in DATABASE_URL (trust auth ignores it): a broken table
    gives an opaque 500, and neither the answer nor any log line holds the password."""
    from cvchat.infrastructure.db.migrate import upgrade

    password = f"pw-SECRET-{uuid.uuid4().hex}"
    name = f"cvchat_h2_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    host = PG_ADMIN_DSN.split("@", 1)[1].rsplit("/", 1)[0]
    url = f"postgresql+asyncpg://postgres:{password}@{host}/{name}"
    try:
        import asyncio

        await asyncio.to_thread(upgrade, url)
        with caplog.at_level(logging.DEBUG):
            srv = await echo_server(url, tmp_path)
            api = Api(srv.url)
            try:
                thread = await api.new_thread()
                conn = await asyncpg.connect(f"postgresql://postgres@{host}/{name}")
                await conn.execute("ALTER TABLE runs RENAME TO runs_gone")
                await conn.close()
                r = await api.http.post(f"/api/threads/{thread}/messages", json={"content": "hi"})
                _assert_opaque_500(r, password)
                assert "runs_gone" not in r.text
                health = await api.http.get("/api/health")
                assert password not in health.text
            finally:
                await api.close()
                await srv.stop()
        logs = _log_text(caplog)
        assert "unhandled error on POST" in logs
        assert password not in logs
    finally:
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
