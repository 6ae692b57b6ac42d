"""Fixtures of the operations tests: a PostgreSQL database of their own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG_ADMIN_DSN


@pytest.fixture
async def fresh_pg_url() -> AsyncIterator[str]:
    """A new, empty database for one test (the session's shared one stays untouched)."""
    name = f"cvchat_ops_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
def rag_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a small corpus of real PDFs and its index (offline MiniLM)."""
    from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
    from cvchat.infrastructure.rag.store import IndexStore
    from cvchat.settings import RetrievalSettings, Settings
    from tests.rag.pdf_factory import write_corpus

    data = tmp_path_factory.mktemp("ops-data")
    write_corpus(data / "cvs")
    IndexStore(
        Settings(data_dir=data, rag=RetrievalSettings(embedding_model=OFFLINE_MODEL))
    ).build()
    return data
