"""Secrets come from the environment only, are never tracked, and never leave the server.

The provider test drives a real server through the real vendor adapters; only the
vendors' HTTP endpoints are replaced (respx on the SDKs' transport), answering 401 and 500
with bodies that echo the key, as real vendors partly do.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from cvchat.settings import LlmRoleSettings, Settings
from tests.integration.api_client import Api
from tests.integration.live import LiveServer
from tests.llm import wire
from tests.security.hardening_support import indexed_corpus, sqlite_url, wait_status

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-live-SECRET-0123456789abcdefKEY"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def test_env_files_are_ignored_and_never_tracked() -> None:
    ignored = [line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()]
    assert ".env" in ignored
    # git itself agrees, for the root and any folder.
    assert _git("check-ignore", ".env", "deploy/.env").split() == [".env", "deploy/.env"]
    tracked = _git("ls-files").splitlines()
    assert not [p for p in tracked if Path(p).name == ".env"], tracked
    assert ".env.example" in tracked


def test_the_example_settings_hold_no_secret_values() -> None:
    example = (ROOT / ".env.example").read_text()
    for line in example.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        if re.search(r"(API_KEY|SECRET|PASSWORD)$", name):
            assert value.strip() == "", line
    assert not re.search(r"sk-[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{20,}", example)


def test_keys_are_read_from_the_environment_and_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CVCHAT_ANSWER__API_KEY", KEY)
    settings = Settings()
    assert settings.answer.api_key is not None
    assert settings.answer.api_key.get_secret_value() == KEY
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())
    assert KEY not in settings.model_dump_json()


# --- a failing vendor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Vendor:
    name: str
    url: str
    model: str
    base_url: str
    error_body: Any  # (status, message) -> JSON body

    def headers_hold_key(self, request: httpx.Request) -> bool:
        return any(KEY in value for value in request.headers.values())


VENDORS = [
    Vendor(
        "anthropic",
        "http://anthropic.test/v1/messages",
        "claude-test",
        "http://anthropic.test",
        lambda code, msg: wire.anthropic_error_body(
            "authentication_error" if code == 401 else "api_error", msg
        ),
    ),
    Vendor(
        "google",
        "http://gemini.test/v1/models/gemini-test:streamGenerateContent?alt=sse",
        "gemini-test",
        "http://gemini.test/",
        lambda code, msg: wire.gemini_error_body(
            code, "UNAUTHENTICATED" if code == 401 else "INTERNAL", msg
        ),
    ),
    Vendor(
        "openai",
        "http://openai.test/v1/chat/completions",
        "gpt-test",
        "http://openai.test/v1",
        lambda code, msg: wire.openai_error_body(
            "invalid_request_error" if code == 401 else "server_error", msg
        ),
    ),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return indexed_corpus(tmp_path_factory.mktemp("secrets"))


@pytest.fixture(params=VENDORS, ids=lambda v: v.name)
async def vendor_api(
    request: pytest.FixtureRequest, corpus: Path, tmp_path: Path
) -> AsyncIterator[tuple[Vendor, Api]]:
    from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
    from cvchat.settings import RetrievalSettings

    vendor: Vendor = request.param
    server = await LiveServer(
        database_url=await sqlite_url(tmp_path),
        pipeline="rag",
        data_dir=corpus,
        front_dist=tmp_path / "no-front",
        rag=RetrievalSettings(embedding_model=OFFLINE_MODEL),
        answer=LlmRoleSettings(
            provider=vendor.name,  # type: ignore[arg-type]
            model=vendor.model,
            api_key=KEY,  # type: ignore[arg-type]
            base_url=vendor.base_url,
            max_retries=1,
            timeout_s=10,
        ),
    ).start()
    api = Api(server.url)
    yield vendor, api
    await api.close()
    await server.stop()


def _logs(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s %(args)s")
    out = []
    for record in caplog.records:
        out.append(formatter.format(record))
        out.append(json.dumps(record.__dict__, default=str))  # extra fields too
    return "\n".join(out)


@pytest.mark.parametrize("status", [401, 500])
async def test_a_failed_provider_call_leaks_no_key(
    vendor_api: tuple[Vendor, Api],
    status: int,
    httpx2_mock: respx.Router,
    caplog: pytest.LogCaptureFixture,
) -> None:
    vendor, api = vendor_api
    caplog.set_level(logging.DEBUG)  # the SDKs' debug logs of requests are checked too
    route = httpx2_mock.post(vendor.url).mock(
        return_value=httpx.Response(
            status,
            # Vendors quote (part of) a rejected key back in the error message.
            json=vendor.error_body(status, f"Incorrect API key provided: {KEY}"),
        )
    )
    thread = await api.new_thread()
    run_id = await api.ask(thread, "Who has worked with Quarkus?")
    assert await wait_status(api, run_id, {"error", "done", "canceled"}, timeout=60) == "error"
    # The key was really sent to the vendor (so its absence below means something): once to
    # parse the question (the offline parse stands in when that fails), once to answer, each
    # retried once on a 500 …
    assert route.call_count == (2 if status == 401 else 4)
    assert all(vendor.headers_hold_key(call.request) for call in route.calls)
    # … and appears nowhere the user or the operator can read.
    run = await api.run(run_id)
    frames = await api.events(run_id)
    detail = (await api.http.get(f"/api/threads/{thread}")).text
    assert frames[-2].event == "error" and frames[-1].data == {"status": "error"}
    assert run["error"] == frames[-2].data["error"]
    assert vendor.name in run["error"]
    visible = [json.dumps(run), json.dumps([f.data for f in frames]), detail, _logs(caplog)]
    for text in visible:
        assert KEY not in text
        assert KEY[-12:] not in text and KEY[:16] not in text
