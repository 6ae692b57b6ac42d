"""procrastinate's tables in the service's PostgreSQL database, kept current by ``migrate``.

procrastinate ships its full schema (``schema.sql``, for a fresh database) and one SQL
file per schema change (``sql/migrations/<version>_<nn>_<name>.sql``), and leaves
bookkeeping to the application. ``cvchat_queue_schema`` records the newest migration
applied: a fresh database gets ``schema.sql``, an older one the migrations after its
record, in order; a current one nothing. An advisory lock makes concurrent ``migrate``
runs wait for each other, and it all happens in one transaction.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from procrastinate.schema import SchemaManager

from cvchat.infrastructure.db.engine import asyncpg_dsn

VERSION_TABLE = "cvchat_queue_schema"


def _migrations() -> list[Path]:
    folder = Path(SchemaManager.get_migrations_path())
    return sorted(folder.glob("*.sql"), key=lambda p: p.name)


def latest_queue_version() -> str:
    return _migrations()[-1].stem


def apply_queue_schema(database_url: str) -> list[str]:
    """Bring procrastinate's schema to this version; returns what was applied."""
    applied: list[str] = []
    latest = latest_queue_version()
    with psycopg.connect(asyncpg_dsn(database_url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('cvchat_queue_schema'))")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version text NOT NULL)")
        row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
        present = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if present is None or present[0] is None:
            conn.execute(SchemaManager.get_schema())
            applied.append("schema.sql")
        elif row is not None:
            for migration in _migrations():
                if migration.stem > row[0]:
                    conn.execute(migration.read_text(encoding="utf-8"))
                    applied.append(migration.stem)
        # (procrastinate present without a record: installed by hand at this version.)
        conn.execute(f"DELETE FROM {VERSION_TABLE}")
        conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (%s)", (latest,))
        conn.commit()
    return applied
