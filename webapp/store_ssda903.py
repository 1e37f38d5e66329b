"""SSDA903 returns in the store: raw header, episodes and UASC rows per collection year.

Import checks every file with the forecast's reader (``sufficiency.ssda903``: structure and
the DfE code rules) before one write that replaces the years imported. The stored rows are
written back out as ``<year>/<table>.csv`` so the forecast can re-read them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sufficiency.errors import FieldError, InputDataError
from webapp.models import ImportLogRow, Ssda903Row
from webapp.store import Store
from webapp.store_imports import ImportSummary

SSDA903_TABLES = ("header", "episodes", "uasc")


def _raw_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip().upper() for name in next(reader, [])]
        rows = [
            {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            for cells in reader
            if any(c.strip() for c in cells)
        ]
    return header, rows


def _find(paths: Sequence[Path | str], year: int | None) -> tuple[list, list[FieldError]]:
    from sufficiency.ssda903 import find_files

    files, errors = find_files(list(paths))
    seen: dict[tuple[int, str], Path] = {}
    found = []
    for table_file in files:
        collection_year = year or table_file.year
        if not collection_year:
            errors.append(
                FieldError(
                    table_file.path.name,
                    None,
                    None,
                    "the collection year is not in the file or folder name",
                    expected='a name like "2024-episodes.csv" or a folder "2024", '
                    "or give the year (--year)",
                )
            )
            continue
        key = (collection_year, table_file.table)
        if key in seen:
            errors.append(
                FieldError(
                    table_file.path.name,
                    None,
                    None,
                    f"is a second {table_file.table} table for {collection_year}",
                    expected=f"one per year (also found {seen[key].name})",
                )
            )
        seen[key] = table_file.path
        found.append((collection_year, table_file.table, table_file.path))
    return found, errors


def import_ssda903(
    store: Store,
    paths: Sequence[Path | str],
    *,
    year: int | None = None,
    dry_run: bool = False,
    imported_by: str = "",
    progress: Callable[[str], None] | None = None,
) -> list[ImportSummary]:
    """Check SSDA903 files in full, then replace each (year, table) they hold in one write.

    Raises
    ------
    InputDataError
        Every structural and DfE-rule problem in every file; nothing was written.
    """
    from sufficiency.ssda903 import read_ssda903

    report = progress or (lambda _message: None)
    found, errors = _find(paths, year)
    if found and not errors:
        report(f"checking {len(found)} SSDA903 files against the DfE rules")
        try:
            read_ssda903([path for _, _, path in found])
        except InputDataError as problem:
            errors.extend(problem.errors)
    if errors:
        raise InputDataError(errors, f"SSDA903 import: {len(errors)} problem(s)")
    summaries = []
    with store.session() as session:
        for collection_year, table, path in found:
            _header, rows = _raw_rows(path)
            old = session.scalars(
                select(Ssda903Row.ssda903_row_id).where(
                    Ssda903Row.collection_year == collection_year, Ssda903Row.table_name == table
                )
            ).all()
            summaries.append(
                ImportSummary(
                    f"ssda903 {table} {collection_year}",
                    path.name,
                    len(rows),
                    len(rows),
                    0,
                    0,
                    dry_run,
                )
            )
            if dry_run:
                continue
            replace_rows(session, collection_year, table, rows, bool(old))
            session.add(_log(summaries[-1], path, imported_by))
            report(f"stored {len(rows)} {table} rows for {collection_year}")
    return summaries


def replace_rows(
    session: Session, collection_year: int, table: str, rows: list[dict], had_rows: bool
) -> None:
    """Replace the stored rows of one (year, table) inside the caller's transaction."""
    if had_rows:
        session.execute(
            delete(Ssda903Row).where(
                Ssda903Row.collection_year == collection_year, Ssda903Row.table_name == table
            )
        )
    session.add_all(
        Ssda903Row(
            collection_year=collection_year,
            table_name=table,
            row_number=n,
            values={str(k): "" if v is None else str(v) for k, v in row.items()},
        )
        for n, row in enumerate(rows, start=1)
    )


def _log(summary: ImportSummary, path: Path, imported_by: str) -> ImportLogRow:
    return ImportLogRow(
        table_name=summary.table,
        file_name=summary.file_name,
        imported_by=imported_by or "unknown",
        imported_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        rows_read=summary.rows_read,
        rows_inserted=summary.inserted,
        rows_updated=summary.updated,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def ssda903_tables(store: Store) -> dict[int, dict[str, list[dict[str, str]]]]:
    """Stored rows: ``{collection_year: {table: [row, ...]}}`` in file order."""
    tables: dict[int, dict[str, list[dict[str, str]]]] = defaultdict(dict)
    with store.session() as session:
        query = select(Ssda903Row).order_by(
            Ssda903Row.collection_year, Ssda903Row.table_name, Ssda903Row.row_number
        )
        for row in session.scalars(query):
            tables[row.collection_year].setdefault(row.table_name, []).append(dict(row.values))
    return dict(tables)


def save_ssda903_tables(store: Store, tables: dict[int, dict[str, list[dict[str, str]]]]) -> None:
    """Replace the stored rows of each (year, table) given (used by the demo loader)."""
    with store.session() as session:
        for collection_year, by_table in tables.items():
            for table, rows in by_table.items():
                replace_rows(session, collection_year, table, list(rows), True)


def write_ssda903_files(store: Store, folder: Path | str) -> list[Path]:
    """Write the stored returns as ``folder/<year>/<table>.csv``; returns the files written."""
    written = []
    for collection_year, by_table in ssda903_tables(store).items():
        year_folder = Path(folder) / str(collection_year)
        year_folder.mkdir(parents=True, exist_ok=True)
        for table, rows in by_table.items():
            columns = list(dict.fromkeys(name for row in rows for name in row))
            path = year_folder / f"{table}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
            written.append(path)
    return written
