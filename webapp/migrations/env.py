"""Alembic environment for the store: runs on the connection ``webapp.store.Store`` passes in.

Used programmatically only (``Store.upgrade()``, ``placement-planner db upgrade``); there is
no alembic.ini. SQLite gets batch mode so later migrations can alter tables.
"""

from __future__ import annotations

from alembic import context

from webapp.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable from the alembic command line
    raise RuntimeError("run migrations through webapp.store.Store.upgrade(), not alembic directly")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
