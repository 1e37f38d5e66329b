"""Loads the synthetic demo council (``sufficiency.demo_council``) into an empty store at once.

Reads the council's documented attributes (households, children, referrals, schools, SSDA903
tables per year, as-of date, name) and writes them as they are; it invents nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from matching.domain import Household, LookedAfterChild, Referral, School
from webapp.models import ChildRow, HouseholdRow, ReferralRow, SchoolRow, SettingRow
from webapp.store import AS_OF_SETTING, Store, StoreError
from webapp.store_rows import (
    child_values,
    decision_row,
    household_values,
    referral_child_rows,
    referral_values,
    school_values,
)

#: Store settings the web app reads for the council's identity (see ``webapp.sources``).
COUNCIL_NAME_SETTING = "council_name"
COUNCIL_LA_CODE_SETTING = "council_la_code"


def _first(council: object, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(council, name, None)
        if value is not None:
            return value
    return default


def _looked_after(child: object) -> LookedAfterChild:
    """The council's child record as the store's ``LookedAfterChild`` (same field names)."""
    if isinstance(child, LookedAfterChild):
        return child
    names = {f.name for f in dataclasses.fields(LookedAfterChild)}
    values = {name: getattr(child, name) for name in names if hasattr(child, name)}
    if "unaccompanied_asylum_seeking" not in values and hasattr(child, "uasc"):
        values["unaccompanied_asylum_seeking"] = child.uasc  # type: ignore[attr-defined]
    return LookedAfterChild(**values)


def _schools(value: Mapping[Any, School] | Iterable[School] | None) -> list[School]:
    if value is None:
        return []
    return list(value.values()) if isinstance(value, Mapping) else list(value)


def load_demo(store: Store, council: object, progress: Callable[[str], None] | None = None) -> None:
    """Write the whole council in one transaction; ``StoreError`` if the store holds data."""
    report = progress or (lambda _message: None)
    if not store.is_empty():
        raise StoreError("the demo council is only loaded into an empty store")
    households: list[Household] = list(_first(council, "households", default=()))
    children = [_looked_after(c) for c in _first(council, "children", "looked_after", default=())]
    referrals: list[Referral] = list(_first(council, "referrals", default=()))
    decisions = list(_first(council, "decisions", default=()))
    schools = _schools(_first(council, "schools"))
    report(
        f"writing {len(households)} households, {len(children)} children, "
        f"{len(referrals)} referrals"
    )
    with store.session() as session:
        for household in households:
            values = household_values(dataclasses.replace(household, placed_children=()))
            session.add(HouseholdRow(**values, version=0))
        session.flush()
        session.add_all(ChildRow(**child_values(child)) for child in children)
        for referral in referrals:
            row = ReferralRow(**referral_values(referral), version=0)
            row.children = referral_child_rows(referral)
            session.add(row)
        session.add_all(decision_row(decision) for decision in decisions)
        for school in schools:
            session.merge(SchoolRow(**school_values(school)))
        for key, value in _settings(council).items():
            session.merge(SettingRow(key=key, value=value))
        _load_ssda903(session, council, report)
    report("demo council loaded")


def _settings(council: object) -> dict[str, str]:
    settings = {}
    as_of = _first(council, "as_of")
    if as_of is None:
        from sufficiency.demo_council import DEMO_AS_OF

        as_of = DEMO_AS_OF
    settings[AS_OF_SETTING] = as_of.isoformat()
    name = _first(council, "name", "council_name")
    if name:
        settings[COUNCIL_NAME_SETTING] = str(name)
    la_code = _first(council, "la_code", "council_la_code")
    if la_code:
        settings[COUNCIL_LA_CODE_SETTING] = str(la_code)
    return settings


def _load_ssda903(session: Session, council: object, report: Callable[[str], None]) -> None:
    tables = _first(council, "ssda903", "ssda903_tables")
    if not tables:
        return
    from webapp.store_ssda903 import replace_rows

    report(f"writing SSDA903 tables for {len(tables)} collection years")
    for year, by_table in tables.items():
        for table, rows in by_table.items():
            replace_rows(session, int(year), str(table), list(rows), False)
