"""Raw SSDA903 rows per collection year, store settings, and a checksum in the import log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ssda903_rows",
        sa.Column("ssda903_row_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("collection_year", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(20), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.UniqueConstraint("collection_year", "table_name", "row_number"),
    )
    op.create_index("ix_ssda903_rows_collection_year", "ssda903_rows", ["collection_year"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("import_log") as batch:
        batch.add_column(sa.Column("sha256", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("import_log") as batch:
        batch.drop_column("sha256")
    op.drop_table("settings")
    op.drop_index("ix_ssda903_rows_collection_year", table_name="ssda903_rows")
    op.drop_table("ssda903_rows")
