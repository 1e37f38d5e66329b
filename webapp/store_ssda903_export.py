"""Export of the stored SSDA903 returns in the DfE layout, as .csv or .xlsx files that
``placement-planner import ssda903`` reads back.

Each collection year becomes a folder holding ``header``, ``episodes`` and ``uasc`` (all
three, an empty table as its header line only). Columns follow the DfE's SSDA903 layout in
its order; a column a council's file carried beyond it is kept, after the DfE columns, so
nothing imported is lost. Text a spreadsheet could run as a formula (starting = + - @) gets a
leading apostrophe, as in every export (valid SSDA903 codes, dates and ids never start so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from matching.tabular import TABLE_FORMATS, write_table
from sufficiency.errors import FieldError, InputDataError
from sufficiency.ssda903 import DFE_COLUMNS
from webapp.store import Store



@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One file written: its path, collection year, table and data rows [rows]."""

    path: Path
    collection_year: int
    table: str
    rows: int

    def as_dict(self) -> dict[str, object]:
        return {"file": str(self.path), "collection_year": self.collection_year,
                "table": self.table, "rows": self.rows}  # fmt: skip


def dfe_columns(table: str, rows: Iterable[dict[str, str]]) -> list[str]:
    """The DfE columns of ``table`` in order, then any other column the rows carry."""
    columns = list(DFE_COLUMNS[table])
    for row in rows:
        columns += [name for name in row if name not in columns]
    return columns


def _chosen_years(stored: Iterable[int], years: Iterable[int] | None) -> list[int]:
    stored = sorted(stored)
    if not stored:
        raise InputDataError(
            [FieldError("ssda903", None, None, "the store holds no SSDA903 returns",
                        expected="import them first: placement-planner import ssda903 FOLDER")],
            "SSDA903 export: 1 problem(s)",
        )  # fmt: skip
    wanted = sorted(set(years)) if years else stored
    missing = [year for year in wanted if year not in stored]
    if missing:
        raise InputDataError(
            [FieldError("ssda903", None, "year",
                        f"the store holds no SSDA903 return for {year}",
                        expected="one of " + ", ".join(map(str, stored)))
             for year in missing],
            f"SSDA903 export: {len(missing)} problem(s)",
        )  # fmt: skip
    return wanted


def export_ssda903(
    store: Store,
    folder: Path | str,
    *,
    years: Iterable[int] | None = None,
    file_format: str = "csv",
    progress: Callable[[str], None] | None = None,
) -> list[ExportedFile]:
    """Write ``folder/<year>/{header,episodes,uasc}.<file_format>`` for each year (default all).

    Raises
    ------
    InputDataError
        No SSDA903 data stored, or a year asked for is not stored.
    ValueError
        ``file_format`` is not csv or xlsx.
    """
    from webapp.store_ssda903 import ssda903_tables

    if file_format not in TABLE_FORMATS:
        raise ValueError(f"file_format: {file_format!r} is not one of {', '.join(TABLE_FORMATS)}")
    report = progress or (lambda _message: None)
    tables = ssda903_tables(store)
    written = []
    for year in _chosen_years(tables, years):
        year_folder = Path(folder) / str(year)
        year_folder.mkdir(parents=True, exist_ok=True)
        for table in DFE_COLUMNS:
            rows = tables[year].get(table, [])
            path = year_folder / f"{table}.{file_format}"
            count = write_table(path, dfe_columns(table, rows), rows)
            written.append(ExportedFile(path, year, table, count))
        report(f"wrote the {year} return to {year_folder}")
    return written
