"""households.csv / .xlsx <-> ``Household``: the agreed columns, every row error collected.

Reads and writes the file only; whether the ids fit what is already stored is checked by the
store's import. Placed children come from children.csv, not from this file.
"""

from __future__ import annotations

from pathlib import Path

from matching.domain import (
    Household,
    HouseholdFeature,
    HouseholdId,
    Need,
    PlacementKind,
    ProviderType,
)
from matching.tabular import Parsed, read_table, repeated_ids, sort_errors
from matching.tabular_cells import RowReader
from sufficiency.domain import ChildId
from sufficiency.errors import FieldError, InputDataError

HOUSEHOLD_COLUMNS = (
    "household_id", "name", "provider", "agency_name", "postcode", "approved_places",
    "approved_age_min", "approved_age_max", "approved_kinds", "max_sibling_group", "skills",
    "languages", "religion", "ethnicity", "features", "weekly_cost_gbp", "available_from",
    "on_hold", "usual_limit_exemption", "connected_child_ids", "approved_on", "deregistered_on",
)  # fmt: skip
REQUIRED_COLUMNS = (
    "household_id", "name", "provider", "postcode", "approved_places", "approved_age_min",
    "approved_age_max", "approved_kinds",
)  # fmt: skip


def read_households(path: Path | str, *, source: str | None = None) -> Parsed[Household]:
    """Read every household in a file, or raise ``InputDataError`` listing every problem."""
    table, errors = read_table(path, HOUSEHOLD_COLUMNS, required=REQUIRED_COLUMNS, source=source)
    errors += repeated_ids(table, "household_id")
    households, numbers = [], []
    if not any(e.row is None for e in errors):
        for number, cells in zip(table.row_numbers, table.rows, strict=True):
            household = _household(RowReader(table.source, number, cells, errors))
            if household is not None:
                households.append(household)
                numbers.append(number)
    if errors:
        raise InputDataError(sort_errors(errors), f"{table.source}: {len(errors)} problem(s)")
    return Parsed(table.source, tuple(households), tuple(numbers))


def _household(row: RowReader) -> Household | None:
    before = len(row.errors)
    values = {
        "household_id": HouseholdId(row.text("household_id", required=True)),
        "name": row.text("name", required=True),
        "provider": row.choice("provider", ProviderType),
        "agency_name": row.text("agency_name"),
        "postcode": row.postcode("postcode"),
        "approved_places": row.integer("approved_places", minimum=0, maximum=20),
        "approved_age_min": row.integer("approved_age_min", minimum=0, maximum=17),
        "approved_age_max": row.integer("approved_age_max", minimum=0, maximum=17),
        "approved_kinds": row.choices("approved_kinds", PlacementKind),
        "max_sibling_group": row.integer("max_sibling_group", default=1, minimum=1, maximum=20),
        "skills": row.choices("skills", Need),
        "languages": row.texts("languages") or frozenset({"English"}),
        "religion": row.text("religion"),
        "ethnicity": row.text("ethnicity"),
        "features": row.choices("features", HouseholdFeature),
        "weekly_cost_gbp": row.number("weekly_cost_gbp"),
        "available_from": row.date("available_from"),
        "on_hold": row.boolean("on_hold"),
        "usual_limit_exemption": row.boolean("usual_limit_exemption"),
        "connected_child_ids": frozenset(ChildId(c) for c in row.texts("connected_child_ids")),
        "approved_on": row.date("approved_on"),
        "deregistered_on": row.date("deregistered_on"),
    }
    if not values["approved_kinds"] and row.text("approved_kinds") == "":
        row.error(
            "approved_kinds", "is blank", expected="one or more of: " + ", ".join(PlacementKind)
        )
    low, high = values["approved_age_min"], values["approved_age_max"]
    if low is not None and high is not None and low > high:
        row.error("approved_age_max", f"is below approved_age_min ({low})", actual=str(high))
    if values["provider"] == ProviderType.AGENCY and not values["agency_name"]:
        row.error("agency_name", "is blank but an agency household needs its agency's name")
    if len(row.errors) > before:
        return None
    return row.build(Household, **values)


def household_cells(household: Household) -> dict[str, object]:
    """One households.csv row for a household (the inverse of ``read_households``)."""
    return {
        "household_id": household.household_id,
        "name": household.name,
        "provider": str(household.provider),
        "agency_name": household.agency_name,
        "postcode": household.postcode,
        "approved_places": household.approved_places,
        "approved_age_min": household.approved_age_min,
        "approved_age_max": household.approved_age_max,
        "approved_kinds": join(household.approved_kinds),
        "max_sibling_group": household.max_sibling_group,
        "skills": join(household.skills),
        "languages": join(household.languages),
        "religion": household.religion,
        "ethnicity": household.ethnicity,
        "features": join(household.features),
        "weekly_cost_gbp": household.weekly_cost_gbp,
        "available_from": household.available_from,
        "on_hold": household.on_hold,
        "usual_limit_exemption": household.usual_limit_exemption,
        "connected_child_ids": join(household.connected_child_ids),
        "approved_on": household.approved_on,
        "deregistered_on": household.deregistered_on,
    }


def join(values: frozenset | set | tuple) -> str:
    """A list cell: sorted values separated by "; "."""
    return "; ".join(sorted(str(v) for v in values))


__all__ = ["HOUSEHOLD_COLUMNS", "FieldError", "household_cells", "read_households"]
