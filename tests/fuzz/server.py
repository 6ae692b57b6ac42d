"""A real ``cvchat serve`` process for the fuzzers, and its users made with the real CLI.

Schemathesis calls the API synchronously (``requests``), so the server cannot share the test
session's event loop as ``tests/integration/live.py`` does: it runs as its own process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port

CLI = str(Path(sys.executable).with_name("cvchat"))


class ServeProcess:
    """``cvchat serve`` on the echo pipeline with the given extra ``CVCHAT_*`` environment."""

    def __init__(self, db_url: str, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"serve-{self.port}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "CVCHAT_PIPELINE": "echo",
            "CVCHAT_ECHO_DELAY_MS": "0",
            "CVCHAT_DATA_DIR": str(data_dir),
            "CVCHAT_FRONT_DIST": str(data_dir / "no-front"),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 120) -> ServeProcess:
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [CLI, "serve", "--port", str(self.port), "--log-level", "warning"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cvchat serve exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"cvchat serve did not become ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def create_user(self) -> str:
        """A new user and their token, through ``cvchat users create`` (prints the token)."""
        name = f"fuzz-{uuid.uuid4().hex[:8]}"
        done = subprocess.run(
            [CLI, "users", "create", name],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def headers(self, token: str | None) -> dict[str, Any]:
        return {"Authorization": f"Bearer {token}"} if token else {}
