"""Import of a council's own school list (e.g. independent special schools, which the packaged
GIAS list of state schools lacks) into the store's schools, and the schools matching uses.

The file (.csv or .xlsx: ``urn``, ``name``, ``postcode``; optional ``town``, ``la_code``) is
read and every school located by ``matching.schools.read_schools_csv``; any problem in any
row refuses the whole file. Then one transaction inserts or updates the schools by URN and
logs the import. Schools are never deleted by an import.
"""

from __future__ import annotations

import csv
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from matching.domain import School, SchoolUrn
from sufficiency.errors import FieldError, InputDataError
from webapp.models import SchoolRow
from webapp.store import Store
from webapp.store_imports import ImportSummary, _audit, _log_row
from webapp.store_limits import values_problems
from webapp.store_rows import school_values

SCHOOL_COLUMNS = ("urn", "name", "postcode", "town", "la_code")


#: School URNs are six digits (GIAS); larger numbers are typing errors.
MAX_URN = 999_999


def _cells(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header (lower case) and the non-blank data rows of a .csv or .xlsx file."""
    from matching.tabular import read_cells

    try:
        rows = read_cells(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        problem = FieldError(path.name, None, None, f"cannot be read ({error})")
        raise InputDataError([problem], f"{path.name}: 1 problem(s)") from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    return header, [row for row in rows[1:] if any(cell.strip() for cell in row)]


def _own_problems(source: str, header: list[str], rows: list[list[str]]) -> list[FieldError]:
    """Unknown columns, and URNs too large to be one (the reader checks the rest)."""
    errors = []
    unknown = [name for name in header if name and name not in SCHOOL_COLUMNS]
    if unknown:
        errors.append(
            FieldError(source, None, None, f"unknown column(s) {', '.join(unknown)}",
                       expected="columns " + ", ".join(SCHOOL_COLUMNS))
        )  # fmt: skip
    at = header.index("urn") if "urn" in header else None
    for number, row in enumerate(rows, start=1):
        text = row[at].strip() if at is not None and at < len(row) else ""
        if text.isdigit() and int(text) > MAX_URN:
            errors.append(
                FieldError(source, number, "urn", "is out of range",
                           expected=f"a school URN of at most six digits ({MAX_URN})", actual=text)
            )  # fmt: skip
    return errors


def _read(path: Path) -> list[School]:
    """The file's schools, located; ``InputDataError`` listing every problem otherwise."""
    from matching.schools import read_schools_csv

    header, rows = _cells(path)
    errors = _own_problems(path.name, header, rows)
    schools: list[School] = []
    with tempfile.TemporaryDirectory(prefix="schools-") as folder:
        copy = Path(folder) / path.name  # messages name the officer's file
        with copy.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
        try:
            schools = list(read_schools_csv(copy).schools.values())
        except InputDataError as problem:
            errors += [e for e in problem.errors if isinstance(e, FieldError)]
    errors += [
        FieldError(path.name, number, problem.field, problem.problem, expected=problem.expected)
        for number, school in enumerate(schools, start=1)
        for problem in values_problems(SchoolRow.__table__, school_values(school))
    ]
    if errors:
        errors.sort(key=lambda error: (error.row or 0, error.field or ""))
        raise InputDataError(errors, f"{path.name}: {len(errors)} problem(s)")
    return schools


def import_schools(
    store: Store,
    path: Path | str,
    *,
    dry_run: bool = False,
    imported_by: str = "",
    progress: Callable[[str], None] | None = None,
    audit_channel: str | None = None,
) -> ImportSummary:
    """Check a school list in full, then upsert it by URN in one transaction.

    Raises
    ------
    InputDataError
        Every problem in the file (row and field named); nothing was written.
    """
    path = Path(path)
    report = progress or (lambda _message: None)
    report(f"reading {path.name}")
    schools = _read(path)
    with store.session() as session:
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        for school in schools:
            values = school_values(school)
            row = session.get(SchoolRow, values["urn"])
            if row is None:
                counts["inserted"] += 1
                if not dry_run:
                    session.add(SchoolRow(**values))
            elif any(getattr(row, key) != value for key, value in values.items()):
                counts["updated"] += 1
                if not dry_run:
                    for key, value in values.items():
                        setattr(row, key, value)
            else:
                counts["unchanged"] += 1
        summary = ImportSummary("schools", path.name, len(schools), dry_run=dry_run, **counts)
        if not dry_run:
            session.add(_log_row(summary, path, imported_by))
            if audit_channel:
                _audit(store, session, summary, imported_by, audit_channel)
    report(f"{'checked' if dry_run else 'imported'} {path.name}")
    return summary


def schools_for_matching(store: Store) -> dict[SchoolUrn, School]:
    """The packaged GIAS state schools, with the store's own schools added (and preferred)."""
    from matching.schools import load_schools

    return {**load_schools(), **store.list_schools()}
