"""Synthetic regional pools of open referrals and fostering households for the allocation bench.

Seeded (``rng``) and fictional: ids only, grid points instead of postcodes; roughly a third of
households with a vacancy, a quarter of carers with an agency. Note: ``_referral`` draws a
group size (78% one child) but then adds the siblings' ages as a set that always includes the
eldest, so most "single" draws become pairs: 16-19% of referrals are single children,
68-73% pairs and 11-12% groups of three or more. Kept as is so that benchmark figures stay
comparable across versions; it makes the pools harder than a typical market (sibling groups
compete for the few households with two or more vacancies).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.context import MatchContext, context_from_points
from matching.domain import (
    Child,
    GridPoint,
    Household,
    HouseholdFeature,
    HouseholdId,
    Need,
    PlacedChild,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    SchoolUrn,
)
from sufficiency.domain import ChildId, Sex

AS_OF = dt.date(2026, 11, 23)
_NEEDS = list(Need)
_COMMON_NEEDS = [
    Need.TRAUMA,
    Need.TEENAGERS,
    Need.BABY_CARE,
    Need.CHALLENGING_BEHAVIOUR,
    Need.EDUCATION_SUPPORT,
    Need.MENTAL_HEALTH,
    Need.AUTISM,
    Need.LEARNING_DISABILITY,
]
_KINDS = [PlacementKind.EMERGENCY, PlacementKind.SHORT_TERM, PlacementKind.LONG_TERM]


@dataclass(frozen=True)
class Pool:
    """Referrals, households and their located points, ready for ``allocate``."""

    referrals: tuple[Referral, ...]
    households: tuple[Household, ...]
    context: MatchContext


def _birth(rng: np.random.Generator, age: int) -> dt.date:
    return AS_OF - dt.timedelta(days=int(age * 365.25 + rng.integers(30, 330)))


def _towns(rng: np.random.Generator, count: int, side_m: float) -> np.ndarray:
    return rng.uniform(0, side_m, size=(count, 2)) + np.array([400_000.0, 250_000.0])


def _near(rng: np.random.Generator, towns: np.ndarray, spread_m: float) -> GridPoint:
    town = towns[rng.integers(len(towns))]
    east, north = town + rng.normal(0, spread_m, 2)
    return GridPoint(float(east), float(north))


def _household(rng: np.random.Generator, index: int, vacancy_share: float) -> Household:
    agency = rng.random() < 0.25
    places = int(rng.choice([1, 2, 3, 4], p=[0.45, 0.35, 0.17, 0.03]))
    vacant = int(rng.integers(1, places + 1)) if rng.random() < vacancy_share else 0
    low = int(rng.choice([0, 0, 2, 5, 8, 11]))
    high = int(min(17, low + rng.choice([4, 8, 12, 17])))
    placed = tuple(
        PlacedChild(
            ChildId(f"P{index}-{k}"),
            _birth(rng, int(rng.integers(low, high + 1))),
            poses_risk_to_younger=bool(rng.random() < 0.03),
        )
        for k in range(places - vacant)
    )
    return Household(
        household_id=HouseholdId(f"H{index:05d}"),
        name=f"Household {index}",
        provider=ProviderType.AGENCY if agency else ProviderType.IN_HOUSE,
        postcode="",
        approved_places=places,
        approved_age_min=low,
        approved_age_max=high,
        approved_kinds=frozenset(k for k in _KINDS if rng.random() < 0.7)
        or frozenset({PlacementKind.SHORT_TERM}),
        max_sibling_group=int(rng.choice([1, 2, 3, 4], p=[0.3, 0.4, 0.25, 0.05])),
        skills=frozenset(rng.choice(_NEEDS, size=int(rng.integers(2, 7)), replace=False).tolist()),
        features=frozenset(f for f in HouseholdFeature if rng.random() < 0.25),
        placed_children=placed,
        weekly_cost_gbp=float(rng.uniform(850, 1250) if agency else rng.uniform(350, 550)),
        agency_name="Synthetic Fostering Ltd" if agency else "",
    )


def _child(
    rng: np.random.Generator, referral: int, k: int, age: int, school: SchoolUrn | None
) -> Child:
    needs = rng.choice(
        _COMMON_NEEDS, size=int(rng.choice([0, 1, 2], p=[0.5, 0.4, 0.1])), replace=False
    )
    wanted = rng.choice(_COMMON_NEEDS, size=int(rng.integers(0, 3)), replace=False)
    return Child(
        child_id=ChildId(f"R{referral:05d}-{k}"),
        date_of_birth=_birth(rng, age),
        sex=Sex.FEMALE if rng.random() < 0.5 else Sex.MALE,
        essential_needs=frozenset(needs.tolist()),
        desirable_needs=frozenset(n for n in wanted.tolist() if n not in needs),
        school_urn=school if age >= 5 else None,
        wishes=frozenset(f for f in HouseholdFeature if rng.random() < 0.1),
        poses_risk_to_younger=bool(age >= 12 and rng.random() < 0.05),
    )


def _referral(rng: np.random.Generator, index: int, school: SchoolUrn) -> Referral:
    size = int(rng.choice([1, 2, 3, 4], p=[0.78, 0.15, 0.05, 0.02]))
    eldest = int(rng.integers(0, 18))
    ages = sorted(
        {max(0, eldest - int(g)) for g in rng.integers(0, 6, size=size)} | {eldest}, reverse=True
    )
    children = tuple(_child(rng, index, k, age, school) for k, age in enumerate(ages))
    ids = [c.child_id for c in children]
    splits = (((ids[0],), tuple(ids[1:])),) if len(ids) >= 3 and rng.random() < 0.5 else ()
    return Referral(
        referral_id=ReferralId(f"R{index:05d}"),
        children=children,
        placement_kind=_KINDS[int(rng.choice(3, p=[0.2, 0.6, 0.2]))],
        start_date=AS_OF + dt.timedelta(days=int(rng.integers(0, 15))),
        home_postcode="",
        received_on=AS_OF - dt.timedelta(days=int(rng.integers(0, 28))),
        allowed_splits=splits,
    )


def build_pool(
    referral_count: int,
    household_count: int,
    *,
    seed: int = 2026,
    side_m: float = 110_000.0,
    vacancy_share: float = 0.35,
) -> Pool:
    """A seeded regional pool over a square of ``side_m`` metres with towns as clusters."""
    rng = np.random.default_rng(seed)
    towns = _towns(rng, max(6, household_count // 150), side_m)
    households = tuple(_household(rng, i, vacancy_share) for i in range(household_count))
    points = {h.household_id: (_near(rng, towns, 4_000.0), "") for h in households}
    referrals, homes, schools = [], {}, {}
    for i in range(referral_count):
        home = _near(rng, towns, 5_000.0)
        urn = SchoolUrn(100_000 + i)
        schools[urn] = GridPoint(
            home.easting_m + rng.normal(0, 2_000), home.northing_m + rng.normal(0, 2_000)
        )
        referral = _referral(rng, i, urn)
        referrals.append(referral)
        homes[referral.referral_id] = home
    context = context_from_points(households, points, homes, schools)
    return Pool(tuple(referrals), households, context)
