"""At most one running run per thread, enforced by the database.

A claim on PostgreSQL is one statement whose reads see a snapshot that may predate the
thread's lock (``run_log.py``); this index makes a second running run of a thread
impossible whatever that snapshot saw: such a claim fails and claims nothing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    op.create_index(
        "uq_runs_one_running_per_thread",
        "runs",
        ["thread_id"],
        unique=True,
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )


def downgrade() -> None:
    op.drop_index("uq_runs_one_running_per_thread", table_name="runs")
