"""Small hand-made synthetic domain objects for the store and import tests (no real data)."""

from __future__ import annotations

import datetime as dt

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
    SchoolUrn,
)
from sufficiency.domain import ChildId, PlacementType, Sex

AS_OF = dt.date(2026, 11, 23)


def household(household_id: str = "H1", **changes: object) -> Household:
    values: dict[str, object] = {
        "household_id": HouseholdId(household_id),
        "name": f"Household {household_id}",
        "provider": ProviderType.IN_HOUSE,
        "postcode": "LS6 2AB",
        "approved_places": 2,
        "approved_age_min": 0,
        "approved_age_max": 17,
        "approved_kinds": frozenset({PlacementKind.SHORT_TERM, PlacementKind.LONG_TERM}),
        "max_sibling_group": 2,
        "skills": frozenset({Need.TRAUMA, Need.TEENAGERS}),
        "languages": frozenset({"English", "Urdu"}),
        "features": frozenset({HouseholdFeature.GARDEN}),
        "weekly_cost_gbp": 450.0,
        "approved_on": dt.date(2020, 5, 1),
    }
    values.update(changes)
    return Household(**values)  # type: ignore[arg-type]


def child(child_id: str = "C1", **changes: object) -> Child:
    values: dict[str, object] = {
        "child_id": ChildId(child_id),
        "date_of_birth": dt.date(2014, 3, 2),
        "sex": Sex.FEMALE,
        "essential_needs": frozenset({Need.TRAUMA}),
        "desirable_needs": frozenset({Need.EDUCATION_SUPPORT}),
        "school_urn": SchoolUrn(107000),
        "wishes": frozenset({HouseholdFeature.PETS}),
    }
    values.update(changes)
    return Child(**values)  # type: ignore[arg-type]


def referral(
    referral_id: str = "R1", children: tuple[Child, ...] | None = None, **changes: object
) -> Referral:
    values: dict[str, object] = {
        "referral_id": ReferralId(referral_id),
        "children": children or (child("C1"),),
        "placement_kind": PlacementKind.SHORT_TERM,
        "start_date": dt.date(2026, 12, 1),
        "home_postcode": "LS7 3AA",
        "received_on": dt.date(2026, 11, 20),
    }
    values.update(changes)
    return Referral(**values)  # type: ignore[arg-type]


def looked_after(
    child_id: str = "C9", household_id: str | None = "H1", **changes: object
) -> LookedAfterChild:
    values: dict[str, object] = {
        "child_id": ChildId(child_id),
        "date_of_birth": dt.date(2012, 7, 14),
        "sex": Sex.MALE,
        "placement_type": PlacementType.IN_HOUSE_FOSTERING,
        "household_id": HouseholdId(household_id) if household_id else None,
        "placement_postcode": "LS6 2AB" if household_id else "",
        "home_postcode": "LS8 1AA",
        "placed_since": dt.date(2025, 1, 6),
    }
    values.update(changes)
    return LookedAfterChild(**values)  # type: ignore[arg-type]


def decision(referral_id: str = "R1", household_id: str = "H1", **changes: object) -> Decision:
    values: dict[str, object] = {
        "referral_id": ReferralId(referral_id),
        "household_id": HouseholdId(household_id),
        "decided_by": "officer.a",
        "decided_at": dt.datetime(2026, 11, 23, 10, 30),
        "shortlist_rank": 1,
    }
    values.update(changes)
    return Decision(**values)  # type: ignore[arg-type]
