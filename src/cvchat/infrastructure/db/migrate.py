"""Alembic, driven from code: ``cvchat migrate`` and the start of ``serve``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from cvchat.infrastructure.db.engine import sqlite_path

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


@cache
def head_revision(url: str) -> str | None:
    """The newest migration shipped with this code (read once: the health check asks often)."""
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()
