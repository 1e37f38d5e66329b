"""referrals.csv / .xlsx <-> ``Referral``: one row per child, referral columns repeated.

The referral-level columns must agree on every row of a referral. ``allowed_splits`` lists
partitions separated by ";", parts by "|", child ids within a part by "+".
"""

from __future__ import annotations

from pathlib import Path

from matching.carers_csv import join
from matching.domain import (
    Child,
    HouseholdFeature,
    HouseholdId,
    Need,
    PlacementKind,
    Referral,
    ReferralId,
    ReferralStatus,
    SchoolUrn,
)
from matching.tabular import Parsed, Table, read_table, sort_errors
from matching.tabular_cells import RowReader, split_list
from sufficiency.domain import ChildId, Sex
from sufficiency.errors import FieldError, InputDataError

REFERRAL_FIELDS = (
    "received_on", "start_date", "placement_kind", "home_postcode", "status", "allowed_splits",
    "connected_household_ids", "notes",
)  # fmt: skip
CHILD_FIELDS = (
    "child_id", "date_of_birth", "sex", "essential_needs", "desirable_needs", "school_urn",
    "languages", "religion", "ethnicity", "wishes", "poses_risk_to_younger",
)  # fmt: skip
REFERRAL_COLUMNS = ("referral_id", *REFERRAL_FIELDS, *CHILD_FIELDS)
REQUIRED_COLUMNS = (
    "referral_id", "received_on", "start_date", "placement_kind", "home_postcode", "child_id",
    "date_of_birth", "sex",
)  # fmt: skip


def read_referrals(path: Path | str, *, source: str | None = None) -> Parsed[Referral]:
    """Read every referral in a file, or raise ``InputDataError`` listing every problem."""
    table, errors = read_table(path, REFERRAL_COLUMNS, required=REQUIRED_COLUMNS, source=source)
    referrals, numbers = [], []
    if not any(e.row is None for e in errors):
        for referral_id, rows in _group(table).items():
            referral = _referral(table.source, referral_id, rows, errors)
            if referral is not None:
                referrals.append(referral)
                numbers.append(rows[0][0])
    if errors:
        raise InputDataError(sort_errors(errors), f"{table.source}: {len(errors)} problem(s)")
    return Parsed(table.source, tuple(referrals), tuple(numbers))


def _group(table: Table) -> dict[str, list[tuple[int, dict[str, str]]]]:
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        groups.setdefault(cells.get("referral_id", "").strip(), []).append((number, cells))
    return groups


def _referral(
    source: str, referral_id: str, rows: list[tuple[int, dict[str, str]]], errors: list[FieldError]
) -> Referral | None:
    before = len(errors)
    first_number, first = rows[0]
    head = RowReader(source, first_number, first, errors)
    if not referral_id:
        for number, _ in rows:
            errors.append(
                FieldError(source, number, "referral_id", "is blank but must be filled in")
            )
        return None
    for number, cells in rows[1:]:
        for field in REFERRAL_FIELDS:
            if " ".join(cells.get(field, "").split()) != head.text(field):
                errors.append(
                    FieldError(
                        source,
                        number,
                        field,
                        f"differs from row {first_number} of referral {referral_id}; "
                        "a referral's columns must be the same on each of its rows",
                    )
                )
    children = [_child(RowReader(source, number, cells, errors)) for number, cells in rows]
    values = {
        "referral_id": ReferralId(referral_id),
        "received_on": head.date("received_on", required=True),
        "start_date": head.date("start_date", required=True),
        "placement_kind": head.choice("placement_kind", PlacementKind),
        "home_postcode": head.postcode("home_postcode"),
        "status": head.choice("status", ReferralStatus, required=False) or ReferralStatus.OPEN,
        "allowed_splits": parse_splits(head.text("allowed_splits")),
        "connected_household_ids": frozenset(
            HouseholdId(h) for h in head.texts("connected_household_ids")
        ),
        "notes": head.text("notes"),
        "children": tuple(c for c in children if c is not None),
    }
    if len(errors) > before:
        return None
    return head.build(Referral, **values)


def _child(row: RowReader) -> Child | None:
    before = len(row.errors)
    urn = row.optional_integer("school_urn", minimum=100000, maximum=999999)
    values = {
        "child_id": ChildId(row.text("child_id", required=True)),
        "date_of_birth": row.date("date_of_birth", required=True, sensitive=True),
        "sex": row.choice("sex", Sex),
        "essential_needs": row.choices("essential_needs", Need),
        "desirable_needs": row.choices("desirable_needs", Need),
        "school_urn": SchoolUrn(urn) if urn is not None else None,
        "languages": row.texts("languages") or frozenset({"English"}),
        "religion": row.text("religion"),
        "ethnicity": row.text("ethnicity"),
        "wishes": row.choices("wishes", HouseholdFeature),
        "poses_risk_to_younger": row.boolean("poses_risk_to_younger"),
    }
    if len(row.errors) > before:
        return None
    return row.build(Child, **values)


def parse_splits(text: str) -> tuple[tuple[tuple[ChildId, ...], ...], ...]:
    """ "C1+C2|C3;C1|C2+C3" -> ((("C1", "C2"), ("C3",)), (("C1",), ("C2", "C3")))."""
    return tuple(
        tuple(
            tuple(ChildId(c.strip()) for c in part.split("+") if c.strip())
            for part in split.split("|")
        )
        for split in split_list(text)
    )


def format_splits(splits: tuple[tuple[tuple[str, ...], ...], ...]) -> str:
    """The inverse of ``parse_splits``."""
    return ";".join("|".join("+".join(part) for part in split) for split in splits)


def referral_rows(referral: Referral) -> list[dict[str, object]]:
    """The referrals.csv rows of one referral, one per child (inverse of ``read_referrals``)."""
    shared = {
        "referral_id": referral.referral_id,
        "received_on": referral.received_on,
        "start_date": referral.start_date,
        "placement_kind": str(referral.placement_kind),
        "home_postcode": referral.home_postcode,
        "status": str(referral.status),
        "allowed_splits": format_splits(referral.allowed_splits),
        "connected_household_ids": join(referral.connected_household_ids),
        "notes": referral.notes,
    }
    return [
        {
            **shared,
            "child_id": child.child_id,
            "date_of_birth": child.date_of_birth,
            "sex": str(child.sex),
            "essential_needs": join(child.essential_needs),
            "desirable_needs": join(child.desirable_needs),
            "school_urn": int(child.school_urn) if child.school_urn is not None else "",
            "languages": join(child.languages),
            "religion": child.religion,
            "ethnicity": child.ethnicity,
            "wishes": join(child.wishes),
            "poses_risk_to_younger": child.poses_risk_to_younger,
        }
        for child in referral.children
    ]
