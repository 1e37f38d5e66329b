"""Exports of the store's tables to .csv or .xlsx in the import formats (they re-import cleanly).

Cells that a spreadsheet could run as a formula (starting = + - @) get a leading apostrophe;
the importers remove it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from matching.carers_csv import HOUSEHOLD_COLUMNS, household_cells
from matching.children_csv import CHILD_COLUMNS, child_cells
from matching.decisions_csv import DECISION_COLUMNS, decision_cells
from matching.referrals_csv import REFERRAL_COLUMNS, referral_rows
from matching.tabular import write_table
from webapp.store import Store
from webapp.store_rows import school_values

IMPORT_LOG_COLUMNS = (
    "imported_at", "imported_by", "table_name", "file_name", "rows_read", "rows_inserted",
    "rows_updated", "sha256",
)  # fmt: skip
SCHOOL_EXPORT_COLUMNS = ("urn", "name", "postcode", "la_code")
EXPORT_TABLES = ("households", "children", "referrals", "decisions", "schools", "import-log")


def _rows(store: Store, table: str) -> tuple[tuple[str, ...], list[dict[str, object]]]:
    if table == "households":
        return HOUSEHOLD_COLUMNS, [household_cells(h) for h in store.list_households()]
    if table == "children":
        return CHILD_COLUMNS, [child_cells(c) for c in store.list_children()]
    if table == "referrals":
        return REFERRAL_COLUMNS, [row for r in store.list_referrals() for row in referral_rows(r)]
    if table == "decisions":
        return DECISION_COLUMNS, [decision_cells(d) for d in store.list_decisions()]
    if table == "schools":
        schools = sorted(store.list_schools().values(), key=lambda school: school.urn)
        return SCHOOL_EXPORT_COLUMNS, [school_values(school) for school in schools]
    if table == "import-log":
        log = store.list_imports()
        return IMPORT_LOG_COLUMNS, [{c: getattr(r, c) for c in IMPORT_LOG_COLUMNS} for r in log]
    raise ValueError(f"table: {table!r} is not one of {', '.join(EXPORT_TABLES)}")


def export_table(
    store: Store, table: str, path: Path | str, progress: Callable[[str], None] | None = None
) -> int:
    """Write one table to ``path`` (.csv or .xlsx by its suffix); returns the rows written."""
    columns, rows = _rows(store, table)
    if progress:
        progress(f"writing {len(rows)} {table} rows to {Path(path).name}")
    return write_table(path, columns, rows)
