"""A real uvicorn server on a free loopback port, inside the test session's event loop."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn

from cvchat.settings import LimitSettings, Settings
from cvchat.web.app import create_app
from tests.conftest import free_port

NO_LIMITS = LimitSettings(
    per_user=False,
    messages_per_minute=0,
    streams_per_minute=0,
    max_active_runs=0,
    max_open_streams=0,
    failed_sign_ins_per_minute=0,
)


class LiveServer:
    def __init__(self, **settings: Any) -> None:
        self.port = free_port()
        # Per-user limits are off unless a test sets them: most tests post far faster
        # than a person (tests/security/test_limits.py turns them on).
        settings.setdefault("limits", NO_LIMITS)
        self.settings = Settings(port=self.port, **settings)
        config = uvicorn.Config(
            create_app(self.settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> LiveServer:
        self._server.capture_signals = _no_signals  # type: ignore[method-assign]
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        return self

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


class _NoSignals:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _no_signals() -> _NoSignals:
    return _NoSignals()
