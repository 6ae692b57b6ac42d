"""The schema, as SQLAlchemy Core tables (migrations in ``migrations/``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ID = String(32)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # Administrators add and delete CVs (auth mode token); everyone reads.
    Column("is_admin", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("name"),
)

threads = Table(
    "threads",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(200)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index(None, "user_id", "updated_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", ID, primary_key=True),
    Column("thread_id", ID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("run_id", ID),
    Column("sources", JSON),
    Column("query", JSON),  # a question asked as a structured query (CandidateQuery)
    Column("answer", JSON),  # an exact answer's kind, total, query, candidates, near misses
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "thread_id", "created_at"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("thread_id", ID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("user_message_id", ID, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("started_at", UtcDateTime()),
    Column("finished_at", UtcDateTime()),
    Column("error", Text),
    # The last seq handed out: appends reserve seqs here with a conditional UPDATE.
    Column("last_seq", Integer, nullable=False, default=0),
    Column("owner", String(64)),
    Column("heartbeat_at", UtcDateTime()),
    # Starts so far: a run lost before its first token goes back to the queue, boundedly.
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Index(None, "thread_id", "status", "created_at"),
    Index(None, "status", "heartbeat_at"),
    # At most one running run per thread, whatever a claim's snapshot saw (run_log.py).
    Index(
        "uq_runs_one_running_per_thread",
        "thread_id",
        unique=True,
        postgresql_where=text("status = 'running'"),
        sqlite_where=text("status = 'running'"),
    ),
)

run_events = Table(
    "run_events",
    metadata,
    Column("run_id", ID, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(16), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # UNIQUE(run_id, seq): the primary key, which is also the index every stream reads by.
    PrimaryKeyConstraint("run_id", "seq"),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # A password hash of the secret part (the id part finds the row; see docs/security.md).
    Column("token_hash", String(255), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
    Index(None, "user_id"),
)

sessions = Table(
    "sessions",
    metadata,
    # SHA-256 of a 256-bit random cookie value: the cookie itself is never stored.
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # The token it was opened with: revoking the token ends the session.
    Column("token_id", ID, ForeignKey("access_tokens.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Index(None, "user_id"),
    Index(None, "token_id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    # The caller the key belongs to: a user id, or "local" in auth mode none.
    Column("scope", String(64), nullable=False),
    Column("key", String(255), nullable=False),
    # SHA-256 (hex) of the request's canonical JSON: a reuse for another request is refused.
    Column("fingerprint", String(64), nullable=False),
    # The ids the first request created, answered again to a retry.
    Column("outcome", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # UNIQUE(scope, key): the database decides which of two concurrent requests is first.
    PrimaryKeyConstraint("scope", "key"),
    Index(None, "created_at"),
)

cv_uploads = Table(
    "cv_uploads",
    metadata,
    Column("cv_id", String(100), primary_key=True),
    # SHA-256 of the file's bytes: the same file uploaded twice is one CV.
    Column("sha256", String(64), nullable=False),
    # Where the original lies, relative to the corpus folder.
    Column("file", String(300), nullable=False),
    Column("original_name", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    Column("added_by", String(32)),
    Column("added_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("sha256"),
    Index(None, "status"),
)
