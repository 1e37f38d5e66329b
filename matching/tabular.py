"""CSV and .xlsx tables for imports and exports, read as text cells with every problem collected.

Headers are case-insensitive; missing and extra columns are errors listed with the rest.
Typed cell parsing lives in ``matching.tabular_cells``; this module knows files, not meanings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from sufficiency.errors import FieldError

#: Cells starting with these could run as formulas in a spreadsheet; exports prefix an apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TABLE_FORMATS = ("csv", "xlsx")
#: Most data rows one import takes (a large council has a few thousand children and carers).
MAX_ROWS = 50_000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Table:
    """A file's rows as text cells keyed by lower-case column name.

    ``rows[i]`` is data row ``row_numbers[i]`` (1-based, header excluded, blank rows skipped).
    """

    source: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    row_numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """Domain objects read from a file, each with the data row it starts on (for messages)."""

    source: str
    items: tuple[T, ...]
    row_numbers: tuple[int, ...]


def repeated_ids(table: Table, column: str) -> list[FieldError]:
    """An error for each row repeating an id already used by an earlier row."""
    first: dict[str, int] = {}
    errors = []
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        value = row.get(column, "").strip()
        if value and value in first:
            errors.append(
                FieldError(
                    table.source,
                    number,
                    column,
                    f'"{value}" repeats row {first[value]}; ids must be unique in a file',
                )
            )
        first.setdefault(value, number)
    return errors


def sort_errors(errors: list[FieldError]) -> list[FieldError]:
    """File-level problems first, then by row (stable within a row)."""
    return sorted(errors, key=lambda e: -1 if e.row is None else e.row)


def table_format(path: Path | str) -> str:
    """``"csv"`` or ``"xlsx"`` from the file's suffix; ``ValueError`` for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in TABLE_FORMATS:
        raise ValueError(f'files must end in .csv or .xlsx, not ".{suffix}"')
    return suffix


def unescape_formula(text: str) -> str:
    """Undo the export's formula protection: "'=SUM(A1)" reads back as "=SUM(A1)"."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def escape_formula(text: str) -> str:
    """Protect a cell from running as a spreadsheet formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def read_table(
    path: Path | str,
    columns: Sequence[str],
    *,
    required: Iterable[str] = (),
    source: str | None = None,
) -> tuple[Table, list[FieldError]]:
    """Read a .csv or .xlsx file and check its header against ``columns``.

    Parameters
    ----------
    path : file to read (.csv in UTF-8 or Windows-1252, or .xlsx: first sheet, or the sheet
        named like the file)
    columns : every column allowed, lower case
    required : columns that must be present (the others may be left out)
    source : name used in messages (default: the file name)

    Returns
    -------
    (Table, errors) : the errors list every header and file problem found.
    """
    path = Path(path)
    source = source or path.name
    try:
        raw = _read_xlsx(path) if table_format(path) == "xlsx" else _read_csv(path)
    except (OSError, ValueError, zipfile.BadZipFile, KeyError) as error:
        return Table(source, (), (), ()), [FieldError(source, None, None, _file_problem(error))]
    if not raw:
        return Table(source, (), (), ()), [
            FieldError(source, None, None, "the file is empty", expected="a header row")
        ]
    if len(raw) - 1 > MAX_ROWS:
        return Table(source, (), (), ()), [
            FieldError(
                source, None, None,
                f"the file has {len(raw) - 1:,} rows, more than this import takes at once",
                expected=f"at most {MAX_ROWS:,} rows; split the file",
            )
        ]  # fmt: skip
    header = [h.strip().lower() for h in raw[0]]
    errors = _check_header(source, header, columns, required)
    rows, numbers = [], []
    for number, cells in enumerate(raw[1:], start=1):
        cells = [unescape_formula(c.strip()) for c in cells]
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            errors.append(
                FieldError(
                    source,
                    number,
                    None,
                    f"the row has {len(cells)} cells",
                    expected=f"at most {len(header)} (the header's columns)",
                )
            )
        cells += [""] * (len(header) - len(cells))
        rows.append({name: cells[i] for i, name in enumerate(header) if name})
        numbers.append(number)
    return Table(source, tuple(header), tuple(rows), tuple(numbers)), errors


def _file_problem(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "the file does not exist"
    if isinstance(error, zipfile.BadZipFile | KeyError):
        return "the file is not a readable .xlsx workbook (save it again from Excel as .xlsx)"
    return str(error)


def _check_header(
    source: str, header: list[str], columns: Sequence[str], required: Iterable[str]
) -> list[FieldError]:
    """One error for unknown columns, one for missing ones, one per repeated or unnamed column."""
    errors = []
    expected = "columns " + ", ".join(columns)
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    for name in repeated:
        errors.append(FieldError(source, None, name, "the column appears more than once"))
    if "" in header[: max(i for i, name in enumerate(header) if name) + 1 if any(header) else 0]:
        errors.append(FieldError(source, None, None, "a column has no name in the header row"))
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        errors.append(
            FieldError(
                source,
                None,
                None,
                f"unknown column(s) {', '.join(unknown)}; is this the right file?",
                expected=expected,
            )
        )
    missing = [name for name in required if name not in header]
    if missing:
        errors.append(
            FieldError(
                source,
                None,
                None,
                f"required column(s) missing: {', '.join(missing)}",
                expected=expected,
            )
        )
    return errors


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ValueError(
            "the file is not plain text (it holds NUL bytes: UTF-16 without a byte-order mark, "
            'or not a CSV file at all); save it from Excel as "CSV UTF-8"'
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def read_cells(path: Path | str) -> list[list[str]]:
    """Every row of a .csv or .xlsx file as text cells, header included, without checks.

    Raises ``ValueError``, ``OSError`` or ``zipfile.BadZipFile`` for a file that cannot be read.
    """
    path = Path(path)
    return _read_xlsx(path) if table_format(path) == "xlsx" else _read_csv(path)


def _read_csv(path: Path) -> list[list[str]]:
    text = _decode(path.read_bytes())
    dialect = (
        "excel-tab"
        if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0]
        else "excel"
    )
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise ValueError(f"the file is not a readable CSV file ({error})") from None


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        names = {name.lower(): name for name in workbook.sheetnames}
        sheet = workbook[names.get(path.stem.lower(), workbook.sheetnames[0])]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text a CSV would hold (dates ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_table(
    path: Path | str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> int:
    """Write rows to .csv (UTF-8) or .xlsx by the path's suffix, protecting formula cells.

    Returns the number of data rows written.
    """
    path = Path(path)
    cells = [[_export_cell(row.get(name, "")) for name in columns] for row in rows]
    if table_format(path) == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(cells)
        return len(cells)
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = path.stem[:31] or "Sheet1"
    sheet.append(list(columns))
    for row in cells:
        sheet.append(row)
    workbook.save(path)
    return len(cells)


def _export_cell(value: object) -> object:
    """Numbers stay numbers (spreadsheets sort them); everything else is protected text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape_formula("" if value is None else str(value))
