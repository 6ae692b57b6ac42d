"""A bare `cvchat serve` serves what `make run` builds, on a machine with no model hub.

The Makefile sets no setting of its own: the settings' defaults are the embedded defaults.
So the index that `make data` builds (`cvchat index`, no variable set) is the one that
`CVCHAT_PIPELINE=echo cvchat serve` (as the README shows it) loads and searches, and a
model that cannot be loaded stops the server with one line naming the setting.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import first_answer, free_port
from tests.rag.pdf_factory import write_corpus

CLI = str(Path(sys.executable).with_name("cvchat"))
pytestmark = pytest.mark.slow


def _env(data: Path, **extra: str) -> dict[str, str]:
    """This environment without any cvchat setting, offline, as `make run` leaves it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVCHAT_")}
    env.pop("DATABASE_URL", None)
    models = os.environ.get("CVCHAT_MODELS_DIR")  # the session's shared ONNX exports
    return {
        **env,
        **({"CVCHAT_MODELS_DIR": models} if models else {}),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "CVCHAT_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite+aiosqlite:///{data}/cvchat.db",
        "CVCHAT_FRONT_DIST": str(data / "no-front"),
        **extra,
    }


def _start(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, env=env, cwd=cwd, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def made_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus indexed the way `make data` indexes it: `cvchat index`, nothing set."""
    data = tmp_path_factory.mktemp("make-data")
    write_corpus(data / "cvs")
    done = subprocess.run(
        [CLI, "index"], env=_env(data), cwd=data, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return data


async def test_a_bare_serve_loads_and_searches_the_index_make_data_built(made_data: Path) -> None:
    port = free_port()
    argv = [CLI, "serve", "--port", str(port), "--log-level", "warning"]
    env = _env(made_data, CVCHAT_PIPELINE="echo")
    proc = _start(argv, env, made_data)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            ready = await first_answer(proc, http, "/api/health/ready")
            assert ready.status_code == 200, ready.text
            found = await http.get("/api/search", params={"q": "Python backend", "k": 2})
            assert found.status_code == 200, found.text
            assert found.json()["results"]
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 30)


async def test_a_model_that_cannot_load_stops_serve_with_one_line(made_data: Path) -> None:
    model = "intfloat/multilingual-e5-small"  # a hub name: no hub here
    env = _env(made_data, CVCHAT_PIPELINE="echo", CVCHAT_RAG__EMBEDDING_MODEL=model)
    argv = [CLI, "serve", "--port", str(free_port()), "--log-level", "warning"]
    done = await asyncio.to_thread(
        subprocess.run, argv, env=env, cwd=made_data, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("cannot start:")]
    assert len(lines) == 1, done.stderr
    assert f"cannot load the embedding model '{model}' (CVCHAT_RAG__EMBEDDING_MODEL)" in lines[0]
