"""SSDA903 returns in the store: raw header, episodes and UASC rows per collection year.

Import checks every file with the forecast's reader (``sufficiency.ssda903``: structure and
the DfE code rules) before one write that replaces the years imported. Workbooks (.xlsx, as
``webapp.store_ssda903_export`` writes them) are read through a CSV copy of their sheet. The
stored rows are written back out as ``<year>/<table>.csv`` so the forecast can re-read them.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sufficiency.errors import FieldError, InputDataError
from webapp.models import ImportLogRow, Ssda903Row
from webapp.store import Store
from webapp.store_imports import ImportSummary

SSDA903_TABLES = ("header", "episodes", "uasc")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")  # as sufficiency.ssda903 finds it


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


@dataclasses.dataclass(frozen=True, slots=True)
class _Workbooks:
    """CSV copies of .xlsx files: the paths to search, and each copy's original."""

    paths: list[Path]
    originals: dict[Path, Path]
    errors: list[FieldError]

    def source(self, error: FieldError) -> FieldError:
        """The error naming the workbook, not its CSV copy."""
        names = {copy.name: original.name for copy, original in self.originals.items()}
        return dataclasses.replace(error, source=names.get(error.source, error.source))


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx" and not path.name.startswith("~$")


@contextlib.contextmanager
def _csv_copies(paths: Sequence[Path | str]) -> Iterator[_Workbooks]:
    """Each .xlsx given (or in a folder given) copied to CSV in a temporary folder."""
    from matching.tabular import read_cells

    searched: list[Path] = []
    workbooks: list[Path] = []
    for raw in map(Path, paths):
        if raw.is_dir():
            inside = sorted(p for p in raw.rglob("*") if p.is_file())
            workbooks += [p for p in inside if _is_workbook(p)]
            if any(p.suffix.lower() == ".csv" for p in inside) or not workbooks:
                searched.append(raw)  # its CSV files (find_files reports a folder of none)
        elif _is_workbook(raw):
            workbooks.append(raw)
        else:
            searched.append(raw)
    with tempfile.TemporaryDirectory(prefix="ssda903-xlsx-") as folder:
        result = _Workbooks(searched, {}, [])
        for number, workbook in enumerate(workbooks):
            copy = Path(folder) / str(number) / f"{workbook.name}.csv"
            copy.parent.mkdir()
            try:
                rows = read_cells(workbook)
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
                result.errors.append(
                    FieldError(workbook.name, None, None, f"cannot be read as a workbook ({error})")
                )
                continue
            with copy.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(rows)
            result.paths.append(copy)
            result.originals[copy] = workbook
        yield result


def _year_in(path: Path) -> int:
    years = _YEAR.findall(str(path.relative_to(path.anchor)))
    return int(years[-1]) if years else 0


def _find(
    paths: Sequence[Path | str], year: int | None, originals: dict[Path, Path] | None = None
) -> tuple[list, list[FieldError]]:
    from sufficiency.ssda903 import find_files

    originals = originals or {}
    files, errors = find_files(list(paths)) if paths or not originals else ([], [])
    seen: dict[tuple[int, str], Path] = {}
    found = []
    for table_file in files:
        original = originals.get(table_file.path)
        collection_year = year or (_year_in(original) if original else table_file.year)
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
            other = originals.get(seen[key], seen[key]).name
            errors.append(
                FieldError(
                    table_file.path.name,
                    None,
                    None,
                    f"is a second {table_file.table} table for {collection_year}",
                    expected=f"one per year (also found {other})",
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
    report = progress or (lambda _message: None)
    with _csv_copies(paths) as copies:
        found, errors = _find(copies.paths, year, copies.originals)
        errors = copies.errors + errors
        if found and not errors:
            report(f"checking {len(found)} SSDA903 files against the DfE rules")
            errors = _rule_problems([path for _, _, path in found])
        if errors:
            errors = [copies.source(e) for e in errors]
            raise InputDataError(errors, f"SSDA903 import: {len(errors)} problem(s)")
        return _write(store, found, copies.originals, dry_run, imported_by, report)


def _rule_problems(paths: list[Path]) -> list[FieldError]:
    """Structure and DfE code-rule problems (``sufficiency.ssda903.read_ssda903``)."""
    from sufficiency.ssda903 import read_ssda903

    try:
        read_ssda903(paths)
    except InputDataError as problem:
        return list(problem.errors)
    return []


def _write(
    store: Store,
    found: list,
    originals: dict[Path, Path],
    dry_run: bool,
    imported_by: str,
    report: Callable[[str], None],
) -> list[ImportSummary]:
    """Replace each (year, table) found in one transaction (or count them, for a dry run)."""
    summaries = []
    with store.session() as session:
        for collection_year, table, path in found:
            _header, rows = _raw_rows(path)
            original = originals.get(path, path)
            old = session.scalars(
                select(Ssda903Row.ssda903_row_id).where(
                    Ssda903Row.collection_year == collection_year, Ssda903Row.table_name == table
                )
            ).all()
            summaries.append(
                ImportSummary(
                    f"ssda903 {table} {collection_year}",
                    original.name,
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
            session.add(_log(summaries[-1], original, imported_by))
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
