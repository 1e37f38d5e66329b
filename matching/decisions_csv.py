"""decisions.csv / .xlsx <-> ``Decision``: the record of who placed which children where, and why.

Reading a decisions file adds history; it does not move children (children.csv says where
children live now). ``beyond_threshold`` and ``out_of_area`` are optional extra columns.
"""

from __future__ import annotations

from pathlib import Path

from matching.domain import Decision, HouseholdId, ReferralId
from matching.tabular import Parsed, read_table, sort_errors
from matching.tabular_cells import RowReader, split_list
from sufficiency.domain import ChildId
from sufficiency.errors import InputDataError

DECISION_COLUMNS = (
    "referral_id", "household_id", "child_ids", "decided_by", "decided_at", "reason",
    "shortlist_rank", "beyond_threshold", "out_of_area",
)  # fmt: skip
REQUIRED_COLUMNS = ("referral_id", "household_id", "decided_by", "decided_at")


def read_decisions(path: Path | str, *, source: str | None = None) -> Parsed[Decision]:
    """Read every decision in a file, or raise ``InputDataError`` listing every problem."""
    table, errors = read_table(path, DECISION_COLUMNS, required=REQUIRED_COLUMNS, source=source)
    decisions, numbers = [], []
    if not any(e.row is None for e in errors):
        for number, cells in zip(table.row_numbers, table.rows, strict=True):
            decision = _decision(RowReader(table.source, number, cells, errors))
            if decision is not None:
                decisions.append(decision)
                numbers.append(number)
    if errors:
        raise InputDataError(sort_errors(errors), f"{table.source}: {len(errors)} problem(s)")
    return Parsed(table.source, tuple(decisions), tuple(numbers))


def _decision(row: RowReader) -> Decision | None:
    before = len(row.errors)
    values = {
        "referral_id": ReferralId(row.text("referral_id", required=True)),
        "household_id": HouseholdId(row.text("household_id", required=True)),
        "child_ids": tuple(ChildId(c) for c in split_list(row.text("child_ids"))),
        "decided_by": row.text("decided_by", required=True),
        "decided_at": row.datetime("decided_at"),
        "reason": row.text("reason"),
        "shortlist_rank": row.optional_integer("shortlist_rank", minimum=1, maximum=10_000),
        "beyond_threshold": row.boolean("beyond_threshold"),
        "out_of_area": row.boolean("out_of_area"),
    }
    if len(row.errors) > before:
        return None
    return row.build(Decision, **values)


def decision_cells(decision: Decision) -> dict[str, object]:
    """One decisions.csv row (the inverse of ``read_decisions``)."""
    return {
        "referral_id": decision.referral_id,
        "household_id": decision.household_id,
        "child_ids": "; ".join(decision.child_ids),
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at,
        "reason": decision.reason,
        "shortlist_rank": decision.shortlist_rank if decision.shortlist_rank is not None else "",
        "beyond_threshold": decision.beyond_threshold,
        "out_of_area": decision.out_of_area,
    }
