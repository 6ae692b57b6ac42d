"""Chaos scenarios run on real processes; each gets a database (or a cluster) of its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.chaos.support import Stage
from tests.integration.workers_support import (
    PrivateCluster,
    create_database,
    drop_database,
    migrate,
    private_cluster,
)


@pytest.fixture
async def private_pg() -> AsyncIterator[PrivateCluster]:
    """A PostgreSQL cluster this test may stop and restart (the shared one never stops)."""
    async with private_cluster() as cluster:
        yield cluster


async def open_stage(admin_dsn: str | None, tmp: Path, **env: str) -> Stage:
    db_url, dsn = await (create_database(admin_dsn) if admin_dsn else create_database())
    await asyncio.to_thread(migrate, db_url, tmp)
    return Stage(db_url, dsn, tmp, **env)


@pytest.fixture
async def shared_stage(tmp_path: Path) -> AsyncIterator[Stage]:
    """In-process executors (the default) on a fresh database of the shared server."""
    stage = await open_stage(None, tmp_path, CVCHAT_EXECUTOR="inprocess")
    try:
        yield stage
    finally:
        await stage.close()
        await drop_database(stage.dsn)
