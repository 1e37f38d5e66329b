"""Open referrals, a connected carer offered for one, and the households adjusted around them.

Turns ``referral_cases.CASES`` into ``Referral``s placed in the borough's geography, then
adjusts households so that hard cases stay impossible and feasible cases stay possible
under the plain rules in ``could_take`` (a solver-free screen, not the matching engine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np

from matching.domain import (
    Child,
    Household,
    HouseholdId,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    SchoolUrn,
)
from sufficiency.demo.geography import Geography, school_phase_for_age
from sufficiency.demo.referral_cases import CASES, Case
from sufficiency.domain import ChildId, Sex, age_on


def could_take(household: Household, referral: Referral, child_ids: tuple[ChildId, ...]) -> bool:
    """Whether a household passes the plain hard rules for some children of a referral.

    Rules: approved and active on the start date; enough vacancies and sibling-group room;
    within the usual limit of three unless exempt; approved for the kind; every child's age
    in range and essential needs in its skills; connected carers only for their children;
    a child who poses a risk to younger children only where none is younger.
    """
    children = [referral.child(c) for c in child_ids]
    start = referral.start_date
    active = (
        household.deregistered_on is None
        and not household.on_hold
        and (household.available_from is None or household.available_from <= start)
    )
    room = (
        household.vacancies >= len(children)
        and household.max_sibling_group >= len(children)
        and (household.usual_limit_exemption or len(household.placed_children) + len(children) <= 3)
    )
    fits = referral.placement_kind in household.approved_kinds and all(
        household.approved_age_min <= c.age_on(start) <= household.approved_age_max
        and c.essential_needs <= household.skills
        for c in children
    )
    connected = (
        household.provider != ProviderType.CONNECTED
        or set(child_ids) <= household.connected_child_ids
    )
    youngest_placed = min((p.date_of_birth for p in household.placed_children), default=None)
    safe = not any(
        c.poses_risk_to_younger
        and youngest_placed is not None
        and youngest_placed > c.date_of_birth
        for c in children
    )
    return active and room and fits and connected and safe


def takers(referral: Referral, households: list[Household]) -> list[HouseholdId]:
    """Households that could take the whole referral together."""
    ids = tuple(c.child_id for c in referral.children)
    return [h.household_id for h in households if could_take(h, referral, ids)]


def _child(
    case: Case,
    index: int,
    child_id: str,
    home: str,
    ethnicity: str,
    as_of: dt.date,
    start: dt.date,
    geography: Geography,
    rng: np.random.Generator,
    born: dt.date | None = None,
) -> Child:
    age = case.ages[index]
    if born is None:
        born = start - dt.timedelta(days=age * 365 + int(rng.integers(20, 340)))
        if age == 0:
            born = as_of - dt.timedelta(days=int(rng.integers(1, 25)))
    sex_code = (case.sexes[index : index + 1] or " ").strip() or (
        "m" if rng.random() < 0.55 else "f"
    )
    needs = case.per_child_needs[index] if case.per_child_needs else case.needs
    phase = school_phase_for_age(age_on(born, as_of))
    school = geography.nearest_school(home, phase, rng) if phase and not case.uasc else None
    return Child(
        child_id=ChildId(child_id),
        date_of_birth=born,
        sex=Sex.MALE if sex_code == "m" else Sex.FEMALE,
        essential_needs=needs,
        desirable_needs=case.desirable - needs,
        school_urn=SchoolUrn(school.urn) if school else None,
        languages=frozenset({"English", *case.languages})
        if not case.uasc
        else frozenset(case.languages),
        religion=case.religion,
        ethnicity=ethnicity,
        wishes=case.wishes,
        poses_risk_to_younger=case.risk_to_younger,
    )


def build_referrals(
    as_of: dt.date,
    geography: Geography,
    existing: dict[int, tuple[str, dt.date, str]],
    new_ids: list[str],
    ethnicities: list[str],
    rng: np.random.Generator,
) -> list[Referral]:
    """One open referral per case; ``existing``: case index -> (child id, birth date, home)."""
    referrals = []
    ids = iter(new_ids)
    for number, case in enumerate(CASES, start=1):
        received = as_of - dt.timedelta(days=case.received_days_ago)
        start = max(as_of, received + dt.timedelta(days=case.start_in_days))
        child_id, born, home = existing.get(number - 1, ("", None, ""))
        home = home or geography.home_postcode(rng)
        ethnicity = "" if case.uasc else ethnicities[number % len(ethnicities)]
        children = tuple(
            _child(
                case,
                i,
                child_id if child_id and i == 0 else next(ids),
                home,
                ethnicity or "OOTH",
                as_of,
                start,
                geography,
                rng,
                born if i == 0 else None,
            )
            for i in range(len(case.ages))
        )
        splits = tuple(
            tuple(tuple(children[i].child_id for i in part) for part in split)
            for split in case.splits
        )
        referrals.append(
            Referral(
                referral_id=ReferralId(f"R{as_of.year}-{number:03d}"),
                children=children,
                placement_kind=case.kind,
                start_date=start,
                home_postcode=home,
                received_on=received,
                allowed_splits=splits,
                notes=case.notes,
            )
        )
    return referrals


def connected_household(
    referral: Referral, number: int, geography: Geography, as_of: dt.date, rng: np.random.Generator
) -> Household:
    """A family-and-friends household assessed for the referral's children (temporary approval)."""
    ages = [c.age_on(referral.start_date) for c in referral.children]
    postcode = geography.near_home_postcode(referral.home_postcode, rng, max_miles=2.0)
    return Household(
        household_id=HouseholdId(f"CC{number:03d}"),
        name=f"Connected household CC{number:03d} ({postcode.split()[0]})",
        provider=ProviderType.CONNECTED,
        postcode=postcode,
        approved_places=len(ages),
        approved_age_min=min(ages),
        approved_age_max=max(ages),
        approved_kinds=frozenset(
            {PlacementKind.SHORT_TERM, PlacementKind.EMERGENCY, PlacementKind.LONG_TERM}
        ),
        max_sibling_group=len(ages),
        languages=frozenset({"English"}),
        weekly_cost_gbp=380.0,
        connected_child_ids=frozenset(c.child_id for c in referral.children),
        approved_on=as_of - dt.timedelta(days=3),
    )


def make_possible(
    referral: Referral, households: list[Household], rng: np.random.Generator
) -> list[Household]:
    """Widen one vacant household's approval so a feasible case has at least one taker."""
    if takers(referral, households):
        return households
    ages = [c.age_on(referral.start_date) for c in referral.children]
    needs = frozenset().union(*(c.essential_needs for c in referral.children))
    room = [
        i
        for i, h in enumerate(households)
        if h.provider != ProviderType.CONNECTED
        and h.deregistered_on is None
        and not h.on_hold
        and h.available_from is None
        and not h.placed_children
        and h.approved_places >= len(ages)
    ]
    if not room:
        room = [
            i
            for i, h in enumerate(households)
            if h.provider == ProviderType.IN_HOUSE
            and h.deregistered_on is None
            and not h.placed_children
        ]
    index = room[int(rng.integers(len(room)))]
    host = households[index]
    widened = replace(
        host,
        approved_places=max(host.approved_places, len(ages)),
        approved_age_min=min(host.approved_age_min, *ages),
        approved_age_max=max(host.approved_age_max, *ages),
        approved_kinds=host.approved_kinds | {referral.placement_kind},
        max_sibling_group=max(host.max_sibling_group, len(ages)),
        skills=host.skills | needs,
    )
    return [*households[:index], widened, *households[index + 1 :]]


def make_impossible(referral: Referral, households: list[Household]) -> list[Household]:
    """Remove a needed skill (or a place) from any household that could take a hard case whole."""
    result = list(households)
    able = set(takers(referral, result))  # each household is judged on its own
    for index, household in enumerate(result):
        if household.household_id not in able:
            continue
        needs = sorted(frozenset().union(*(c.essential_needs for c in referral.children)))
        if needs:
            result[index] = replace(household, skills=household.skills - {needs[-1]})
        else:
            result[index] = replace(
                household, max_sibling_group=min(household.max_sibling_group, referral.size - 1)
            )
    return result
