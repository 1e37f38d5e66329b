"""children.csv / .xlsx <-> ``LookedAfterChild``: children looked after now, one row each.

Reads and writes the file; whether a household id exists, and whether a household has room,
is checked by the store's import. Dates of birth and postcodes never appear in messages.
"""

from __future__ import annotations

from pathlib import Path

from matching.carers_csv import join
from matching.domain import HouseholdId, LookedAfterChild, SchoolUrn
from matching.tabular import Parsed, read_table, repeated_ids, sort_errors
from matching.tabular_cells import RowReader
from sufficiency.domain import ChildId, PlacementType, Sex
from sufficiency.errors import InputDataError

CHILD_COLUMNS = (
    "child_id", "date_of_birth", "sex", "ethnicity", "uasc", "disabled", "placement_type",
    "household_id", "placement_postcode", "home_postcode", "school_urn", "sibling_group",
    "poses_risk_to_younger", "placed_since",
)  # fmt: skip
REQUIRED_COLUMNS = ("child_id", "date_of_birth", "sex", "placement_type")


def read_children(path: Path | str, *, source: str | None = None) -> Parsed[LookedAfterChild]:
    """Read every child in a file, or raise ``InputDataError`` listing every problem."""
    table, errors = read_table(path, CHILD_COLUMNS, required=REQUIRED_COLUMNS, source=source)
    errors += repeated_ids(table, "child_id")
    children, numbers = [], []
    if not any(e.row is None for e in errors):
        for number, cells in zip(table.row_numbers, table.rows, strict=True):
            child = _child(RowReader(table.source, number, cells, errors))
            if child is not None:
                children.append(child)
                numbers.append(number)
    if errors:
        raise InputDataError(sort_errors(errors), f"{table.source}: {len(errors)} problem(s)")
    return Parsed(table.source, tuple(children), tuple(numbers))


def _child(row: RowReader) -> LookedAfterChild | None:
    before = len(row.errors)
    urn = row.optional_integer("school_urn", minimum=100000, maximum=999999)
    household_id = row.text("household_id")
    values = {
        "child_id": ChildId(row.text("child_id", required=True)),
        "date_of_birth": row.date("date_of_birth", required=True, sensitive=True),
        "sex": row.choice("sex", Sex),
        "ethnicity": row.text("ethnicity"),
        "unaccompanied_asylum_seeking": row.boolean("uasc"),
        "disabled": row.boolean("disabled"),
        "placement_type": row.choice("placement_type", PlacementType),
        "household_id": HouseholdId(household_id) if household_id else None,
        "placement_postcode": row.postcode("placement_postcode", required=False),
        "home_postcode": row.postcode("home_postcode", required=False),
        "school_urn": SchoolUrn(urn) if urn is not None else None,
        "sibling_group": row.text("sibling_group"),
        "poses_risk_to_younger": row.boolean("poses_risk_to_younger"),
        "placed_since": row.date("placed_since"),
    }
    if len(row.errors) > before:
        return None
    return row.build(LookedAfterChild, **values)


def child_cells(child: LookedAfterChild) -> dict[str, object]:
    """One children.csv row (the inverse of ``read_children``)."""
    return {
        "child_id": child.child_id,
        "date_of_birth": child.date_of_birth,
        "sex": str(child.sex),
        "ethnicity": child.ethnicity,
        "uasc": child.unaccompanied_asylum_seeking,
        "disabled": child.disabled,
        "placement_type": str(child.placement_type),
        "household_id": child.household_id or "",
        "placement_postcode": child.placement_postcode,
        "home_postcode": child.home_postcode,
        "school_urn": int(child.school_urn) if child.school_urn is not None else "",
        "sibling_group": child.sibling_group,
        "poses_risk_to_younger": child.poses_risk_to_younger,
        "placed_since": child.placed_since,
    }


__all__ = ["CHILD_COLUMNS", "child_cells", "join", "read_children"]
