"""Export a scenario comparison as CSV or Excel: one row per measure, scenarios side by side.

Adapter only: lays out a ``Comparison``; computes nothing. Text that a spreadsheet would
run as a formula (starting ``=``, ``+``, ``-``, ``@``) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sufficiency.scenario_compare import Comparison

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text made inert for spreadsheets; numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def header(comparison: Comparison) -> list[str]:
    """Column names: measure columns, then each scenario's interval and change from baseline."""
    low, high = f"P{comparison.lower_percentile:g}", f"P{comparison.upper_percentile:g}"
    columns = ["section", "measure", "unit"]
    for name in comparison.scenarios:
        columns += [f"{name} {low}", f"{name} P50", f"{name} {high}"]
        if name != comparison.baseline:
            columns += [f"{name} change P50", f"{name} change {low}", f"{name} change {high}"]
    return columns


def table(comparison: Comparison, digits: int = 1) -> list[list[object]]:
    """The comparison as rows of cells (numbers rounded to ``digits``), header first."""
    rows: list[list[object]] = [header(comparison)]
    for row in comparison.rows:
        cells: list[object] = [row.section, row.measure, row.unit]
        for value, difference in zip(row.values, row.differences, strict=True):
            cells += [
                round(value.low, digits),
                round(value.median, digits),
                round(value.high, digits),
            ]
            if difference is not None:
                cells += [
                    round(difference.median, digits),
                    round(difference.low, digits),
                    round(difference.high, digits),
                ]
        rows.append(cells)
    return rows


def about(comparison: Comparison) -> list[list[object]]:
    """What was run: dates, seed, runs, and each scenario's description."""
    lines: list[list[object]] = [
        ["as-of date", comparison.as_of.isoformat()],
        ["measures at", comparison.horizon_end.isoformat()],
        ["baseline", comparison.baseline],
        ["seed", comparison.seed],
        ["runs", comparison.runs],
        ["interval", f"P{comparison.lower_percentile:g} to P{comparison.upper_percentile:g}"],
    ]
    lines += [
        [f"scenario: {n}", d]
        for n, d in zip(comparison.scenarios, comparison.descriptions, strict=True)
    ]
    lines += [["assumption", note] for note in comparison.notes]
    return lines


def to_csv(comparison: Comparison) -> str:
    """The comparison table as CSV text (UTF-8, header row first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in table(comparison):
        writer.writerow([safe_text(cell) for cell in row])
    return buffer.getvalue()


def write_csv(comparison: Comparison, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(to_csv(comparison), encoding="utf-8")
    return path


def write_xlsx(comparison: Comparison, path: str | Path) -> Path:
    """An Excel workbook: sheet "Comparison" (the table) and sheet "About" (run details)."""
    path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Comparison"
    for row in table(comparison):
        sheet.append([safe_text(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "D2"
    for index, width in enumerate([34, 40, 12], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    info = workbook.create_sheet("About")
    for row in about(comparison):
        info.append([safe_text(cell) for cell in row])
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 100
    workbook.save(path)
    return path
