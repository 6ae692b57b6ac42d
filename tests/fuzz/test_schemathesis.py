"""The OpenAPI schema is the contract: every operation, fed what schemathesis generates from it
(valid and invalid), answers without a 5xx and with a status, content type and body the schema
declares. On SQLite and PostgreSQL, in auth mode ``none`` and in ``token`` mode with a valid
Bearer token, against a real ``cvchat serve`` process.

Two drivers, one configuration (``schemathesis.toml``: the checks, and the one declared 5xx):
- per operation, through the Python API under Hypothesis: positive and negative cases, half of
  those with path ids swapped for ids that exist (a user, a thread and a finished run), so the
  200 answers, the SSE replay and the cancel conflicts are checked too, not only 404s; in
  token mode a quarter of the cases go without the token (their 401s are checked too);
- in token mode, the ``schemathesis run`` CLI's coverage phase (boundary values of every
  parameter) and its stateful phase (chains such as thread → message → run → cancel, through
  the links it infers).
The SSE route is fuzzed like the others: schemathesis reads a ``text/event-stream`` answer
(bounded by the request timeout and its ``max-stream-events``) and checks its status and
content type; a finished run's stream replays and closes at once. Its frames have no JSON
schema to check: their format is tested in tests/integration/test_stream.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cvchat.settings import Settings
from cvchat.web.app import create_app
from tests.fuzz.server import ServeProcess

CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")
CONFIG = schemathesis.Config.from_path(CONFIG_FILE)
CLI = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Bounded so that the four legs (2 databases × 2 auth modes) stay well under two minutes.
MAX_EXAMPLES = 20
REQUEST_TIMEOUT_S = 15
# No rate limits: the fuzzer posts far more often than a person and sends junk tokens on
# purpose; a 429 (declared) is not a finding, and a locked-out address would hide the rest.
NO_RATE_LIMITS = {
    "CVCHAT_LIMITS__MESSAGES_PER_MINUTE": "0",
    "CVCHAT_LIMITS__STREAMS_PER_MINUTE": "0",
    "CVCHAT_LIMITS__MAX_ACTIVE_RUNS": "0",
    "CVCHAT_LIMITS__FAILED_SIGN_INS_PER_MINUTE": "0",
}


@dataclass(frozen=True)
class Target:
    server: ServeProcess
    headers: dict[str, Any]
    known: dict[str, str]  # path parameter name → an id that exists and the caller owns


def _seed(url: str, headers: dict[str, Any], token_mode: bool) -> dict[str, str]:
    """A user with a thread whose one run has finished: ids the fuzzer can hit."""
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        if token_mode:
            user_id = http.get("/api/session").json()["user_id"]
            r = http.post("/api/threads", json={})
        else:
            r = http.post("/api/users", json={"name": "fuzz-seed"})
            assert r.status_code in (201, 409), r.text
            user_id = (
                r.json()["user_id"]
                if r.status_code == 201
                else http.get("/api/users", params={"name": "fuzz-seed"}).json()["user_id"]
            )
            r = http.post("/api/threads", json={"user_id": user_id})
        assert r.status_code == 201, r.text
        thread_id = r.json()["thread_id"]
        r = http.post(f"/api/threads/{thread_id}/messages", json={"content": "hello fuzz"})
        assert r.status_code == 202, r.text
        run_id = r.json()["run_id"]
        with http.stream("GET", f"/api/runs/{run_id}/events") as stream:
            body = "".join(stream.iter_text())
        assert "event: state" in body, body
    return {"user_id": user_id, "thread_id": thread_id, "run_id": run_id}


@pytest.fixture(scope="module", params=["none", "token"])
def target(
    request: pytest.FixtureRequest, db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    mode: str = request.param
    data_dir: Path = tmp_path_factory.mktemp(f"fuzz-{mode}")
    server = ServeProcess(db_url, data_dir, CVCHAT_AUTH__MODE=mode, **NO_RATE_LIMITS).start()
    try:
        headers = {"Authorization": f"Bearer {server.create_user()}"} if mode == "token" else {}
        yield Target(server, headers, _seed(server.url, headers, mode == "token"))
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_schema(target: Target) -> Any:
    """The schema as the running server publishes it."""
    return schemathesis.openapi.from_url(
        f"{target.server.url}/openapi.json", config=CONFIG, headers=target.headers
    )


def _operation_labels() -> list[str]:
    """Every operation, read from the app's schema at collection (nothing is started)."""
    spec = create_app(Settings(front_dist=Path("/nonexistent/front"))).openapi()
    return [f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops]


OPERATIONS = _operation_labels()


def test_every_published_operation_is_fuzzed(live_schema: Any) -> None:
    published = {op.ok().label for op in live_schema.get_all_operations()}
    assert published == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@given(data=st.data())
def test_operation_conforms_to_the_schema(
    live_schema: Any, target: Target, label: str, data: st.DataObject
) -> None:
    operation = live_schema.find_operation_by_label(label)
    mode = data.draw(st.sampled_from(list(GenerationMode)), label="mode")
    # Half of the cases that have ids use ones that exist, so that 200s are checked too.
    known = {n: v for n, v in target.known.items() if f"{{{n}}}" in operation.path}
    use_known = bool(known) and data.draw(st.booleans(), label="use_known")
    strategy = operation.as_strategy(
        generation_mode=mode, path_parameters=known if use_known else None
    )
    case = data.draw(strategy, label="case")
    # In token mode one case in four goes without the token: its 401 must be declared too.
    headers = target.headers
    if headers and data.draw(st.integers(min_value=0, max_value=3), label="no_token") == 0:
        headers = {}
    case.call_and_validate(headers=headers, checks=CHECKS, timeout=REQUEST_TIMEOUT_S)


def test_coverage_and_stateful_phases_pass(target: Target, tmp_path: Path) -> None:
    """The CLI's deterministic boundary cases and its multi-step scenarios, same checks; in
    token mode only (the deployed one), to keep the gate inside its time budget."""
    if not target.headers:
        pytest.skip("run in token mode; auth mode none gets the per-operation fuzzing")
    command = [
        CLI,
        "--config-file",
        str(CONFIG_FILE),
        "run",
        f"{target.server.url}/openapi.json",
        "--phases",
        "coverage,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "1",
        "--request-timeout",
        str(REQUEST_TIMEOUT_S),
        "--no-color",
        "--warnings",
        "off",
    ]
    for name, value in target.headers.items():
        command += ["--header", f"{name}: {value}"]
    # Run where its cache (``.schemathesis/``) lands out of the work tree.
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert "Coverage" in done.stdout and "Stateful" in done.stdout, done.stdout[-2000:]
