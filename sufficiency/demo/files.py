"""Writes the demo council as the files a council would import: CSVs and SSDA903 returns per year.

Uses the importers' own row builders (``matching.carers_csv`` and friends) so the demo files
always round-trip through the readers; SSDA903 files use the DfE column names.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from matching.carers_csv import HOUSEHOLD_COLUMNS, household_cells
from matching.children_csv import CHILD_COLUMNS, child_cells
from matching.decisions_csv import DECISION_COLUMNS, decision_cells
from matching.referrals_csv import REFERRAL_COLUMNS, referral_rows
from matching.tabular import write_table
from sufficiency.demo.ssda903_tables import EPISODE_COLUMNS, HEADER_COLUMNS, UASC_COLUMNS

if TYPE_CHECKING:
    from sufficiency.demo_council import DemoCouncil

SSDA903_COLUMNS = {"header": HEADER_COLUMNS, "episodes": EPISODE_COLUMNS, "uasc": UASC_COLUMNS}


def write_files(folder: Path, council: DemoCouncil) -> list[Path]:
    """Write every demo file under ``folder`` (created if missing); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    tables = {
        "households.csv": (HOUSEHOLD_COLUMNS, [household_cells(h) for h in council.households]),
        "children.csv": (CHILD_COLUMNS, [child_cells(c) for c in council.children]),
        "referrals.csv": (
            REFERRAL_COLUMNS,
            [row for r in council.referrals for row in referral_rows(r)],
        ),
        "decisions.csv": (DECISION_COLUMNS, [decision_cells(d) for d in council.decisions]),
    }
    for name, (columns, rows) in tables.items():
        write_table(folder / name, columns, rows)
        written.append(folder / name)
    for year, by_table in council.ssda903.items():
        year_folder = folder / "ssda903" / str(year)
        year_folder.mkdir(parents=True, exist_ok=True)
        for table, rows in by_table.items():
            path = year_folder / f"{table}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=SSDA903_COLUMNS[table])
                writer.writeheader()
                writer.writerows(rows)
            written.append(path)
    return written
