"""A data version that every write to the store's data raises (for the web app's cache).

One row: a random ``epoch`` (new whenever the table is created, e.g. by a restore) and a
``version`` counter. Database triggers on the data tables raise the counter on every INSERT,
UPDATE or DELETE (and TRUNCATE on PostgreSQL), in the writer's own transaction, whoever the
writer is: the web app, the CLI in another process, or hand-written SQL. The audit trail,
users and API tokens do not change it. ``webapp.cache`` keys what it keeps on (epoch,
version), so a cached shortlist or dashboard can never be older than the data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-01-19
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The tables whose rows the pages show; a write to any of them raises the data version.
DATA_TABLES = (
    "households",
    "looked_after_children",
    "referrals",
    "referral_children",
    "decisions",
    "schools",
    "ssda903_rows",
    "settings",
)
_BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "epoch": uuid.uuid4().hex, "version": 0}])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger AS $$ BEGIN "
            f"{_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
    for name in DATA_TABLES:
        if dialect == "sqlite":
            for verb in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {name}_data_version_{verb.lower()} AFTER {verb} ON {name} "
                    f"BEGIN {_BUMP}; END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {name}_data_version AFTER INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {name} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in DATA_TABLES:
        if dialect == "sqlite":
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_data_version_{verb}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name}_data_version ON {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    op.drop_table("data_version")
