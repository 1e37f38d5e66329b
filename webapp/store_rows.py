"""Conversions between store rows (``webapp.models``) and domain objects, and the store's errors.

No queries here: ``webapp.store`` decides what to load and when to write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from matching.domain import (
    Child,
    Decision,
    Household,
    HouseholdFeature,
    HouseholdId,
    LookedAfterChild,
    Need,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    ReferralStatus,
    School,
    SchoolUrn,
)
from sufficiency.domain import ChildId, PlacementType, Sex
from webapp.models import (
    ChildRow,
    DecisionRow,
    HouseholdRow,
    ReferralChildRow,
    ReferralRow,
    SchoolRow,
)


class StoreError(Exception):
    """Base class of the store's own errors (input errors are ``InputDataError``)."""


class UnknownRecordError(StoreError, KeyError):
    """No record with this id: ``.table`` and ``.record_id`` say which."""

    def __init__(self, table: str, record_id: str):
        self.table, self.record_id = table, record_id
        super().__init__(f"no {table} record with id {record_id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class DuplicateRecordError(StoreError, ValueError):
    """A record with this id already exists (use update, or import to upsert)."""


class DecisionConflictError(StoreError):
    """A placement decision that cannot be recorded as things now stand."""


class VacancyTakenError(DecisionConflictError):
    """The household no longer has enough vacancies (another decision may have taken them)."""


class ReferralClosedError(DecisionConflictError):
    """The referral is no longer open, or changed while the decision was being recorded."""


#: The placement type a child placed with each kind of fostering household counts under.
PLACEMENT_TYPE_FOR_PROVIDER = {
    ProviderType.IN_HOUSE: PlacementType.IN_HOUSE_FOSTERING,
    ProviderType.AGENCY: PlacementType.AGENCY_FOSTERING,
    ProviderType.CONNECTED: PlacementType.KINSHIP_FOSTERING,
}


def postcode_district(postcode: str) -> str:
    """Outward code of a postcode: ``"LS6 2AB"`` -> ``"LS6"`` (spaced or not)."""
    text = postcode.strip().upper()
    if " " in text:
        return text.split()[0]
    return text[:-3] if len(text) > 4 else text


def _sorted(values: Any) -> list[str]:
    return sorted(str(v) for v in values)


def household_values(household: Household) -> dict[str, Any]:
    """Column values of a household row (without children or version)."""
    return {
        "household_id": household.household_id,
        "name": household.name,
        "provider": str(household.provider),
        "agency_name": household.agency_name,
        "postcode": household.postcode,
        "postcode_district": postcode_district(household.postcode),
        "approved_places": household.approved_places,
        "approved_age_min": household.approved_age_min,
        "approved_age_max": household.approved_age_max,
        "approved_kinds": _sorted(household.approved_kinds),
        "max_sibling_group": household.max_sibling_group,
        "skills": _sorted(household.skills),
        "languages": _sorted(household.languages),
        "religion": household.religion,
        "ethnicity": household.ethnicity,
        "features": _sorted(household.features),
        "weekly_cost_gbp": float(household.weekly_cost_gbp),
        "available_from": household.available_from,
        "on_hold": household.on_hold,
        "usual_limit_exemption": household.usual_limit_exemption,
        "connected_child_ids": _sorted(household.connected_child_ids),
        "approved_on": household.approved_on,
        "deregistered_on": household.deregistered_on,
    }


def household_from_row(row: HouseholdRow, children: list[ChildRow]) -> Household:
    """The domain household, its placed children taken from the children table."""
    return Household(
        household_id=HouseholdId(row.household_id),
        name=row.name,
        provider=ProviderType(row.provider),
        postcode=row.postcode,
        approved_places=row.approved_places,
        approved_age_min=row.approved_age_min,
        approved_age_max=row.approved_age_max,
        approved_kinds=frozenset(PlacementKind(k) for k in row.approved_kinds),
        max_sibling_group=row.max_sibling_group,
        skills=frozenset(Need(s) for s in row.skills),
        languages=frozenset(row.languages),
        religion=row.religion,
        ethnicity=row.ethnicity,
        features=frozenset(HouseholdFeature(f) for f in row.features),
        placed_children=tuple(child_from_row(c).as_placed_child() for c in children),
        weekly_cost_gbp=row.weekly_cost_gbp,
        available_from=row.available_from,
        on_hold=row.on_hold,
        agency_name=row.agency_name,
        usual_limit_exemption=row.usual_limit_exemption,
        connected_child_ids=frozenset(ChildId(c) for c in row.connected_child_ids),
        approved_on=row.approved_on,
        deregistered_on=row.deregistered_on,
    )


def child_values(child: LookedAfterChild) -> dict[str, Any]:
    """Column values of a looked-after child row."""
    return {
        "child_id": child.child_id,
        "date_of_birth": child.date_of_birth,
        "sex": str(child.sex),
        "ethnicity": child.ethnicity,
        "uasc": child.unaccompanied_asylum_seeking,
        "disabled": child.disabled,
        "placement_type": str(child.placement_type),
        "household_id": child.household_id or None,
        "placement_postcode": child.placement_postcode,
        "home_postcode": child.home_postcode,
        "school_urn": int(child.school_urn) if child.school_urn is not None else None,
        "sibling_group": child.sibling_group,
        "poses_risk_to_younger": child.poses_risk_to_younger,
        "placed_since": child.placed_since,
    }


def child_from_row(row: ChildRow) -> LookedAfterChild:
    return LookedAfterChild(
        child_id=ChildId(row.child_id),
        date_of_birth=row.date_of_birth,
        sex=Sex(row.sex),
        placement_type=PlacementType(row.placement_type),
        ethnicity=row.ethnicity,
        unaccompanied_asylum_seeking=row.uasc,
        disabled=row.disabled,
        household_id=HouseholdId(row.household_id) if row.household_id else None,
        placement_postcode=row.placement_postcode,
        home_postcode=row.home_postcode,
        school_urn=SchoolUrn(row.school_urn) if row.school_urn is not None else None,
        sibling_group=row.sibling_group,
        poses_risk_to_younger=row.poses_risk_to_younger,
        placed_since=row.placed_since,
    )


def referral_values(referral: Referral) -> dict[str, Any]:
    """Column values of a referral row (children separately, see ``referral_child_rows``)."""
    return {
        "referral_id": referral.referral_id,
        "received_on": referral.received_on,
        "start_date": referral.start_date,
        "placement_kind": str(referral.placement_kind),
        "home_postcode": referral.home_postcode,
        "status": str(referral.status),
        "allowed_splits": [[list(part) for part in split] for split in referral.allowed_splits],
        "connected_household_ids": _sorted(referral.connected_household_ids),
        "notes": referral.notes,
    }


def referral_child_rows(referral: Referral) -> list[ReferralChildRow]:
    return [
        ReferralChildRow(
            child_id=child.child_id,
            position=position,
            date_of_birth=child.date_of_birth,
            sex=str(child.sex),
            essential_needs=_sorted(child.essential_needs),
            desirable_needs=_sorted(child.desirable_needs),
            school_urn=int(child.school_urn) if child.school_urn is not None else None,
            languages=_sorted(child.languages),
            religion=child.religion,
            ethnicity=child.ethnicity,
            wishes=_sorted(child.wishes),
            poses_risk_to_younger=child.poses_risk_to_younger,
        )
        for position, child in enumerate(referral.children)
    ]


def referral_from_row(row: ReferralRow) -> Referral:
    children = tuple(
        Child(
            child_id=ChildId(c.child_id),
            date_of_birth=c.date_of_birth,
            sex=Sex(c.sex),
            essential_needs=frozenset(Need(n) for n in c.essential_needs),
            desirable_needs=frozenset(Need(n) for n in c.desirable_needs),
            school_urn=SchoolUrn(c.school_urn) if c.school_urn is not None else None,
            languages=frozenset(c.languages),
            religion=c.religion,
            ethnicity=c.ethnicity,
            wishes=frozenset(HouseholdFeature(w) for w in c.wishes),
            poses_risk_to_younger=c.poses_risk_to_younger,
        )
        for c in row.children
    )
    return Referral(
        referral_id=ReferralId(row.referral_id),
        children=children,
        placement_kind=PlacementKind(row.placement_kind),
        start_date=row.start_date,
        home_postcode=row.home_postcode,
        received_on=row.received_on,
        allowed_splits=tuple(
            tuple(tuple(ChildId(c) for c in part) for part in split) for split in row.allowed_splits
        ),
        connected_household_ids=frozenset(HouseholdId(h) for h in row.connected_household_ids),
        status=ReferralStatus(row.status),
        notes=row.notes,
    )


def decision_row(decision: Decision) -> DecisionRow:
    return DecisionRow(
        referral_id=decision.referral_id,
        household_id=decision.household_id,
        child_ids=list(decision.child_ids),
        decided_by=decision.decided_by,
        decided_at=_naive_utc(decision.decided_at),
        reason=decision.reason,
        shortlist_rank=decision.shortlist_rank,
        beyond_threshold=decision.beyond_threshold,
        out_of_area=decision.out_of_area,
    )


def decision_from_row(row: DecisionRow) -> Decision:
    return Decision(
        referral_id=ReferralId(row.referral_id),
        household_id=HouseholdId(row.household_id),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=row.reason,
        child_ids=tuple(ChildId(c) for c in row.child_ids),
        shortlist_rank=row.shortlist_rank,
        beyond_threshold=row.beyond_threshold,
        out_of_area=row.out_of_area,
    )


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    """Aware datetimes are stored as naive UTC; naive ones are kept as given (local time)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def school_values(school: School) -> dict[str, Any]:
    return {
        "urn": int(school.urn),
        "name": school.name,
        "postcode": school.postcode,
        "la_code": school.la_code,
    }


def school_from_row(row: SchoolRow) -> School:
    return School(urn=SchoolUrn(row.urn), name=row.name, postcode=row.postcode, la_code=row.la_code)
