"""The decisions part of file imports (``webapp.store_imports``): decisions.csv adds history.

A decision already stored (same referral, household, time and officer) is left alone; a
decision must name a stored referral, its children and a stored household. Importing
decisions does not move children: children.csv says where children live.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain import Decision
from matching.tabular import Parsed, sort_errors
from sufficiency.errors import FieldError, InputDataError
from webapp.models import DecisionRow, HouseholdRow, ReferralRow
from webapp.store_rows import decision_from_row, decision_row


def _fail(parsed: Parsed, errors: list[FieldError]) -> None:
    if errors:
        raise InputDataError(sort_errors(errors), f"{parsed.source}: {len(errors)} problem(s)")


def import_decisions(session: Session, parsed: Parsed) -> tuple[int, int, int]:
    errors = []
    for number, decision in zip(parsed.row_numbers, parsed.items, strict=True):
        errors += _decision_problems(session, parsed.source, number, decision)
    _fail(parsed, errors)
    existing = {_decision_key(decision_from_row(r)) for r in session.scalars(select(DecisionRow))}
    inserted = 0
    for decision in parsed.items:
        if _decision_key(decision) not in existing:
            session.add(decision_row(decision))
            existing.add(_decision_key(decision))
            inserted += 1
    return inserted, 0, len(parsed.items) - inserted


def _decision_key(decision: Decision) -> tuple:
    return (decision.referral_id, decision.household_id, decision.decided_at, decision.decided_by)


def _decision_problems(
    session: Session, source: str, number: int, decision: Decision
) -> list[FieldError]:
    problems = []
    referral = session.get(ReferralRow, decision.referral_id)
    if referral is None:
        problems.append(
            FieldError(
                source,
                number,
                "referral_id",
                f'"{decision.referral_id}" is not a referral in the store',
                expected="a referral_id imported from referrals.csv first",
            )
        )
    else:
        known = {c.child_id for c in referral.children}
        unknown = sorted(set(decision.child_ids) - known)
        if unknown:
            problems.append(
                FieldError(
                    source,
                    number,
                    "child_ids",
                    f"{', '.join(unknown)} are not children of referral {decision.referral_id}",
                )
            )
    if session.get(HouseholdRow, decision.household_id) is None:
        problems.append(
            FieldError(
                source,
                number,
                "household_id",
                f'"{decision.household_id}" is not a household in the store',
                expected="a household_id imported from households.csv first",
            )
        )
    return problems
