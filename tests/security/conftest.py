"""Fixtures of the access tests: a database per module, a token-mode server per module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.live import LiveServer
from tests.security.auth_server import private_url, token_server


@pytest.fixture(scope="module")
async def auth_db(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's database (SQLite: a file of this module's own)."""
    return await private_url(db_url, tmp_path_factory.mktemp("auth-db"))


@pytest.fixture(scope="module")
async def server(
    auth_db: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """A token-mode server on ``auth_db`` (echo answers)."""
    live = await token_server(auth_db, tmp_path_factory.mktemp("token-server"), echo_delay_ms=1)
    yield live
    await live.stop()
