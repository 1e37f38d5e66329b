"""Import checks that need the planning date or the stored data: dates in the future,
impossible ages, a child in two referrals at once, and values too long for their column.

The planning date is the store's ``as_of`` setting, else today (UTC). Messages never repeat
a child's date of birth; they name the row, the field and the rule.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain import LookedAfterChild, Referral, ReferralStatus
from matching.tabular import Parsed
from sufficiency.domain import age_on
from sufficiency.errors import FieldError
from webapp.models import (
    ChildRow,
    DecisionRow,
    HouseholdRow,
    ReferralChildRow,
    ReferralRow,
    SettingRow,
)
from webapp.store_limits import values_problems

#: Children are looked after until their 18th birthday.
ADULT_AGE_YEARS = 18


def planning_date(session: Session) -> dt.date:
    """The store's as-of date, else today in UTC."""
    row = session.get(SettingRow, "as_of")
    if row is not None and row.value:
        return dt.date.fromisoformat(row.value)
    return dt.datetime.now(dt.UTC).date()


def children_problems(session: Session, parsed: Parsed[LookedAfterChild]) -> list[FieldError]:
    """Children born after the planning date, or 18 or over on it.

    (A placement may start after the planning date: a decision records the referral's start.)
    """
    as_of = planning_date(session)
    errors = []
    for number, child in zip(parsed.row_numbers, parsed.items, strict=True):
        if child.date_of_birth > as_of:
            errors.append(
                FieldError(
                    parsed.source, number, "date_of_birth",
                    f"is after the planning date ({as_of}); a child looked after is already born",
                    expected="a date of birth on or before the planning date",
                )
            )  # fmt: skip
        elif age_on(child.date_of_birth, as_of) >= ADULT_AGE_YEARS:
            errors.append(
                FieldError(
                    parsed.source, number, "date_of_birth",
                    f"gives an age of {age_on(child.date_of_birth, as_of)} on the planning date "
                    f"({as_of}); children looked after are under {ADULT_AGE_YEARS}",
                    expected=f"a child under {ADULT_AGE_YEARS} (care leavers are not imported)",
                )
            )  # fmt: skip
    return errors


def referrals_problems(session: Session, parsed: Parsed[Referral]) -> list[FieldError]:
    """Referrals received after the planning date; a child in two open referrals."""
    as_of = planning_date(session)
    errors = []
    first_row: dict[str, tuple[int, str]] = {}
    elsewhere = _children_in_other_open_referrals(session, {r.referral_id for r in parsed.items})
    for number, referral in zip(parsed.row_numbers, parsed.items, strict=True):
        if referral.received_on > as_of:
            errors.append(
                FieldError(
                    parsed.source, number, "received_on",
                    f"is after the planning date ({as_of}); a referral cannot arrive in the future",
                    actual=referral.received_on.isoformat(),
                )
            )  # fmt: skip
        if referral.status != ReferralStatus.OPEN:
            continue
        for child in referral.children:
            seen_row, seen_referral = first_row.setdefault(
                child.child_id, (number, referral.referral_id)
            )
            if seen_referral != referral.referral_id:
                where = f"open referral {seen_referral} (row {seen_row} of this file)"
            elif child.child_id in elsewhere:
                where = f"open referral {elsewhere[child.child_id]} in the store"
            else:
                continue
            errors.append(
                FieldError(
                    parsed.source, number, "child_id",
                    f"child {child.child_id} is already in {where}; "
                    "a child can be in one open referral at a time",
                )
            )  # fmt: skip
    return errors


def _children_in_other_open_referrals(session: Session, importing: set[str]) -> dict[str, str]:
    rows = session.execute(
        select(ReferralChildRow.child_id, ReferralRow.referral_id)
        .join(ReferralRow, ReferralRow.referral_id == ReferralChildRow.referral_id)
        .where(ReferralRow.status == str(ReferralStatus.OPEN))
    )
    return {child: referral for child, referral in rows if referral not in importing}


def _columns_of(table: str, item: object) -> list[tuple[object, dict[str, object], str]]:
    """(table, column values, child id or "") for each database row an imported item makes."""
    from webapp import store_rows

    if table == "households":
        return [(HouseholdRow.__table__, store_rows.household_values(item), "")]
    if table == "children":
        return [(ChildRow.__table__, store_rows.child_values(item), "")]
    if table == "decisions":
        row = store_rows.decision_row(item)
        values = {c.name: getattr(row, c.key) for c in DecisionRow.__table__.columns}
        return [(DecisionRow.__table__, values, "")]
    rows = [(ReferralRow.__table__, store_rows.referral_values(item), "")]
    for child in store_rows.referral_child_rows(item):
        values = {c.name: getattr(child, c.key) for c in ReferralChildRow.__table__.columns}
        rows.append((ReferralChildRow.__table__, values, child.child_id))
    return rows


def limit_problems(table: str, parsed: Parsed) -> list[FieldError]:
    """Text longer than its column holds, or whole numbers beyond 32 bits (PostgreSQL's limits;
    SQLite would store them, so the check is made on every database alike)."""
    errors = []
    for number, item in zip(parsed.row_numbers, parsed.items, strict=True):
        for model_table, values, child_id in _columns_of(table, item):
            for problem in values_problems(model_table, values):
                whose = f" (child {child_id})" if child_id else ""
                errors.append(
                    FieldError(parsed.source, number, problem.field, problem.problem + whose,
                               expected=problem.expected)
                )  # fmt: skip
    return errors
