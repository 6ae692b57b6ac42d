"""Structured questions and exact answers kept with their messages.

A question asked as a structured query (a filter chip removed or edited) keeps that query,
and an exact answer keeps its candidate set, so a reloaded thread shows the same table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("query", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("answer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("answer")
        batch.drop_column("query")
