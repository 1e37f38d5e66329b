"""Downloads for the planning pages: forecast and backtest tables as CSV or Excel.

Writes through ``sufficiency.export`` (the CLI's writers, which stop spreadsheet programs
reading text as formulas) into a temporary file and sends its bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from flask import Response, abort

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes, filename: str, mimetype: str) -> Response:
    """A download with its file name."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def rows_csv(rows: Sequence[Mapping[str, object]], filename: str) -> Response:
    """Rows (same keys each) as a CSV download."""
    from sufficiency.export import write_csv

    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(rows, Path(folder) / filename)
        return attachment(path.read_bytes(), filename, CSV_TYPE)


def sheets_xlsx(sheets: Mapping[str, Sequence[Mapping[str, object]]], filename: str) -> Response:
    """One worksheet per table as an Excel download."""
    from sufficiency.export import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(sheets, Path(folder) / filename)
        return attachment(path.read_bytes(), filename, XLSX_TYPE)


def about_rows(run) -> list[dict[str, object]]:
    """How the forecast was made, for the Excel "about" sheet."""
    result = run.result
    return [
        {"item": "council", "value": run.council_name},
        {"item": "forecast from", "value": result.as_of.isoformat()},
        {"item": "months", "value": run.request.horizon_months},
        {"item": "runs", "value": run.request.runs},
        {"item": "seed", "value": run.request.seed},
        {"item": "children looked after at the start", "value": int(result.start_counts.sum())},
        {"item": "note", "value": run.note or ""},
        {"item": "data", "value": "synthetic demo data unless the council imported its own"},
    ]


def send_forecast(run, fmt: str) -> Response:
    """``csv``: the summary table (one row per month and measure); ``xlsx``: every table."""
    stem = f"forecast-{run.result.as_of.isoformat()}"
    if fmt == "csv":
        return rows_csv(run.tables["summary"], f"{stem}.csv")
    if fmt == "states.csv":
        return rows_csv(run.tables["states"], f"{stem}-states.csv")
    if fmt == "xlsx":
        sheets = {
            "summary": run.tables["summary"],
            "states": run.tables["states"],
            "cleaning log": [{"step": s} for s in run.cleaning_log],
            "about": about_rows(run),
        }
        return sheets_xlsx(sheets, f"{stem}.xlsx")
    abort(404, description=f"There is no {fmt!r} export: choose csv, states.csv or xlsx.")


def comparison_xlsx(comparison, filename: str) -> Response:
    """A scenario comparison as Excel (``sufficiency.scenario_export.write_xlsx``)."""
    from sufficiency.scenario_export import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(comparison, Path(folder) / filename)
        return attachment(path.read_bytes(), filename, XLSX_TYPE)
