"""A second data version for the SSDA903 returns alone (row 2 of ``data_version``).

Reading the stored returns back into a history takes seconds on a council's data, and they
change only when returns are imported, so the web app keys that work on this version: every
INSERT, UPDATE or DELETE of ``ssda903_rows`` raises it (as well as the all-data version of
revision 0004), in the writer's own transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-01-19
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 2"


def upgrade() -> None:
    table = sa.table(
        "data_version", sa.column("id", sa.Integer), sa.column("epoch", sa.String),
        sa.column("version", sa.Integer),
    )  # fmt: skip
    op.bulk_insert(table, [{"id": 2, "epoch": uuid.uuid4().hex, "version": 0}])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ssda903_rows_history_version_{verb.lower()} AFTER {verb} "
                f"ON ssda903_rows BEGIN {_BUMP}; END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION bump_history_version() RETURNS trigger AS $$ BEGIN "
            f"{_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER ssda903_rows_history_version AFTER INSERT OR UPDATE OR DELETE OR "
            "TRUNCATE ON ssda903_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_history_version()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ssda903_rows_history_version_{verb}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ssda903_rows_history_version ON ssda903_rows")
        op.execute("DROP FUNCTION IF EXISTS bump_history_version()")
    op.execute("DELETE FROM data_version WHERE id = 2")
