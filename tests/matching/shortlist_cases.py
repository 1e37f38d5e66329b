"""Tiny synthetic cases for the shortlist tests: households placed at known miles from home.

Home is at grid (400000, 300000); a household "at 3.5 miles" sits 3.5 * 1609.344 m due east,
so straight-line distances are exact and hand-checkable. All data is synthetic.
"""

from __future__ import annotations

import datetime as dt

from matching.context import MatchContext, context_from_points
from matching.domain import (
    Child,
    GridPoint,
    Household,
    HouseholdId,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    SchoolUrn,
)
from sufficiency.domain import ChildId, Sex

START = dt.date(2026, 11, 30)
HOME = GridPoint(400000.0, 300000.0)
MILE_M = 1609.344
COUNCIL = "999"


def east(miles: float, north_miles: float = 0.0) -> GridPoint:
    """A point ``miles`` east (and ``north_miles`` north) of HOME."""
    return GridPoint(HOME.easting_m + miles * MILE_M, HOME.northing_m + north_miles * MILE_M)


def child(child_id: str, age: int, **fields) -> Child:
    """A child aged ``age`` on START (born a month after START's date ``age`` years earlier)."""
    born = dt.date(START.year - age - 1, 12, 31)
    return Child(ChildId(child_id), born, fields.pop("sex", Sex.FEMALE), **fields)


def referral(*children: Child, referral_id: str = "R1", **fields) -> Referral:
    return Referral(
        referral_id=ReferralId(referral_id),
        children=tuple(children),
        placement_kind=fields.pop("placement_kind", PlacementKind.LONG_TERM),
        start_date=fields.pop("start_date", START),
        home_postcode=fields.pop("home_postcode", "ZZ1 1ZZ"),
        received_on=fields.pop("received_on", START - dt.timedelta(days=7)),
        **fields,
    )


def household(household_id: str, **fields) -> Household:
    """An in-house household for ages 0-17, all kinds, 2 places, siblings up to 3."""
    provider = fields.pop("provider", ProviderType.IN_HOUSE)
    return Household(
        household_id=HouseholdId(household_id),
        name=f"Household {household_id}",
        provider=provider,
        postcode=fields.pop("postcode", "ZZ9 9ZZ"),
        approved_places=fields.pop("approved_places", 2),
        approved_age_min=fields.pop("approved_age_min", 0),
        approved_age_max=fields.pop("approved_age_max", 17),
        approved_kinds=fields.pop("approved_kinds", frozenset(PlacementKind)),
        max_sibling_group=fields.pop("max_sibling_group", 3),
        agency_name=fields.pop("agency_name", "Agency A" if provider == "agency" else ""),
        **fields,
    )


def context(
    households: list[Household],
    miles: dict[str, float | GridPoint],
    referrals: list[Referral] = (),
    *,
    out_of_area: set[str] = frozenset(),
    schools: dict[int, GridPoint] | None = None,
) -> MatchContext:
    """A context with each household at ``miles[id]`` east of HOME (or at a given point)."""
    points = {}
    for h in households:
        where = miles[h.household_id]
        point = where if isinstance(where, GridPoint) else east(where)
        points[h.household_id] = (point, "111" if h.household_id in out_of_area else COUNCIL)
    homes = {r.referral_id: HOME for r in referrals} or {ReferralId("R1"): HOME}
    school_points = {SchoolUrn(urn): p for urn, p in (schools or {}).items()}
    return context_from_points(households, points, homes, school_points)
