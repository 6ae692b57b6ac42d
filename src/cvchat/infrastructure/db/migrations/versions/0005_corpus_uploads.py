"""Corpus management: CVs added through the API, and administrators.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "cv_uploads",
        sa.Column("cv_id", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cv_id", name="pk_cv_uploads"),
        sa.UniqueConstraint("sha256", name="uq_cv_uploads_sha256"),
    )
    op.create_index("ix_cv_uploads_status", "cv_uploads", ["status"])


def downgrade() -> None:
    op.drop_index("ix_cv_uploads_status", table_name="cv_uploads")
    op.drop_table("cv_uploads")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_admin")
