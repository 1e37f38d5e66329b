"""Writes that change where children live: placement decisions and saving children.

Every change to a household's children raises its ``version`` with a conditional UPDATE
(``... WHERE version = <the version read>``), so two officers taking the same last vacancy
at once cannot both succeed: the second gets ``VacancyTakenError``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matching.domain import Decision, Household, LookedAfterChild, ProviderType, ReferralStatus
from sufficiency.domain import ChildId
from webapp.models import ChildRow, DecisionRow, HouseholdRow, ReferralChildRow, ReferralRow
from webapp.store_rows import (
    PLACEMENT_TYPE_FOR_PROVIDER,
    DuplicateRecordError,
    ReferralClosedError,
    UnknownRecordError,
    VacancyTakenError,
    child_values,
    decision_row,
    household_from_row,
)

logger = logging.getLogger(__name__)


def _claim_household(session: Session, household_id: str, seen_version: int) -> None:
    """Raise the household's version if nobody changed it since we read it."""
    result = session.execute(
        update(HouseholdRow)
        .where(HouseholdRow.household_id == household_id, HouseholdRow.version == seen_version)
        .values(version=seen_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise VacancyTakenError(
            f"household {household_id} changed while this decision was being recorded "
            "(another placement was made there); reload the shortlist and decide again"
        )


def read_claim_state(
    session: Session, decision: Decision
) -> tuple[ReferralRow, HouseholdRow, Household]:
    """Load the referral and household a decision is about (its own step so tests can race it)."""
    referral = session.get(ReferralRow, decision.referral_id)
    if referral is None:
        raise UnknownRecordError("referral", decision.referral_id)
    row = session.get(HouseholdRow, decision.household_id)
    if row is None:
        raise UnknownRecordError("household", decision.household_id)
    children = list(
        session.scalars(select(ChildRow).where(ChildRow.household_id == row.household_id))
    )
    return referral, row, household_from_row(row, children)


def _children_to_place(
    session: Session, referral: ReferralRow, decision: Decision
) -> tuple[list[ChildId], set[str]]:
    """The decision's children and those placed by earlier decisions on the referral."""
    already = {
        child
        for row in session.scalars(
            select(DecisionRow).where(DecisionRow.referral_id == referral.referral_id)
        )
        for child in row.child_ids
    }
    in_referral = [c.child_id for c in referral.children]
    wanted = list(decision.child_ids) or [c for c in in_referral if c not in already]
    unknown = [c for c in wanted if c not in in_referral]
    if unknown:
        raise ValueError(
            f"child_ids: {unknown} are not children of referral {referral.referral_id}"
        )
    placed = [c for c in wanted if c in already]
    if placed:
        raise ReferralClosedError(
            f"children {placed} of referral {referral.referral_id} are already placed"
        )
    return [ChildId(c) for c in wanted], already


def _check_available(household: Household, decided_on: dt.date, needed: int) -> None:
    if household.deregistered_on is not None and household.deregistered_on <= decided_on:
        raise VacancyTakenError(f"household {household.household_id} is deregistered")
    if household.on_hold:
        raise VacancyTakenError(f"household {household.household_id} is on hold")
    if household.vacancies < needed:
        left = _count(household.vacancies, "vacancy", "vacancies")
        raise VacancyTakenError(
            f"household {household.household_id} has {left} left but this decision places "
            f"{_count(needed, 'child', 'children')}; another decision may have taken them"
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _claim_referral(
    session: Session, referral_id: str, seen_version: int, all_placed: bool
) -> None:
    """Mark the referral placed (or keep it open for its other children) if nobody changed it."""
    result = session.execute(
        update(ReferralRow)
        .where(
            ReferralRow.referral_id == referral_id,
            ReferralRow.version == seen_version,
            ReferralRow.status == str(ReferralStatus.OPEN),
        )
        .values(
            version=seen_version + 1,
            status=str(ReferralStatus.PLACED if all_placed else ReferralStatus.OPEN),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ReferralClosedError(
            f"referral {referral_id} changed while this decision was being recorded; "
            "reload it and decide again"
        )


def record_decision(session: Session, decision: Decision) -> Decision:
    """See ``Store.record_decision``; runs inside the caller's transaction."""
    referral, household_row, household = read_claim_state(session, decision)
    seen_referral_version = referral.version
    if referral.status != str(ReferralStatus.OPEN):
        raise ReferralClosedError(f"referral {referral.referral_id} is {referral.status}, not open")
    child_ids, placed_before = _children_to_place(session, referral, decision)
    _check_available(household, decision.decided_at.date(), len(child_ids))
    _claim_household(session, household.household_id, household_row.version)

    provider = ProviderType(household_row.provider)
    for child_id in child_ids:
        _place_child(session, referral, child_id, household_row, provider)

    all_placed = (placed_before | set(child_ids)) >= {c.child_id for c in referral.children}
    _claim_referral(session, referral.referral_id, seen_referral_version, all_placed)
    recorded = dataclasses.replace(decision, child_ids=tuple(child_ids))
    session.add(decision_row(recorded))
    logger.info(
        "decision: referral %s -> household %s (%d children) by %s",
        recorded.referral_id,
        recorded.household_id,
        len(child_ids),
        recorded.decided_by,
    )
    return recorded


def _place_child(
    session: Session,
    referral: ReferralRow,
    child_id: str,
    household: HouseholdRow,
    provider: ProviderType,
) -> None:
    """Create or move the looked-after child record so the child lives in the household."""
    source: ReferralChildRow = next(c for c in referral.children if c.child_id == child_id)
    placement = {
        "household_id": household.household_id,
        "placement_type": str(PLACEMENT_TYPE_FOR_PROVIDER[provider]),
        "placement_postcode": household.postcode,
        "school_urn": source.school_urn,
        "poses_risk_to_younger": source.poses_risk_to_younger,
        "placed_since": referral.start_date,
    }
    row = session.get(ChildRow, child_id)
    if row is None:
        session.add(
            ChildRow(
                child_id=child_id,
                date_of_birth=source.date_of_birth,
                sex=source.sex,
                ethnicity=source.ethnicity,
                uasc=False,
                disabled=False,
                home_postcode=referral.home_postcode,
                sibling_group=referral.referral_id if len(referral.children) > 1 else "",
                **placement,
            )
        )
        return
    if row.household_id and row.household_id != household.household_id:
        _bump_version(session, row.household_id)
    for key, value in placement.items():
        setattr(row, key, value)


def _bump_version(session: Session, household_id: str) -> None:
    session.execute(
        update(HouseholdRow)
        .where(HouseholdRow.household_id == household_id)
        .values(version=HouseholdRow.version + 1)
        .execution_options(synchronize_session=False)
    )


def save_children(
    session: Session, children: list[LookedAfterChild], *, allow_new: bool, allow_update: bool
) -> tuple[int, int]:
    """Insert/update children; raises if a household would hold more than its approved places.

    Returns (inserted, updated).
    """
    inserted = updated = 0
    touched: set[str] = set()
    for child in children:
        row = session.get(ChildRow, child.child_id)
        if row is None and not allow_new:
            raise UnknownRecordError("child", child.child_id)
        if row is not None and not allow_update:
            raise DuplicateRecordError(f"child {child.child_id} already exists")
        if child.household_id and session.get(HouseholdRow, child.household_id) is None:
            raise UnknownRecordError("household", child.household_id)
        if row is None:
            session.add(ChildRow(**child_values(child)))
            inserted += 1
        else:
            touched.update(h for h in (row.household_id,) if h)
            for key, value in child_values(child).items():
                setattr(row, key, value)
            updated += 1
        touched.update(h for h in (child.household_id,) if h)
    session.flush()
    for household_id in sorted(touched):
        # Raise the version first: on PostgreSQL that waits for any decision holding the
        # household, so the count below sees its children (READ COMMITTED).
        _bump_version(session, household_id)
        _check_capacity(session, household_id)
    return inserted, updated


def _check_capacity(session: Session, household_id: str) -> None:
    row = session.get(HouseholdRow, household_id)
    count = len(
        list(
            session.scalars(select(ChildRow.child_id).where(ChildRow.household_id == household_id))
        )
    )
    if row is not None and count > row.approved_places:
        raise VacancyTakenError(
            f"household {household_id} would have {count} children but has "
            f"{row.approved_places} approved places"
        )
