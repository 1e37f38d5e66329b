"""Today's casework: open referrals, households adjusted to fit them, and past decisions.

Picks children already looked after for the cases that describe a move, offers a connected
carer where a case says so, keeps hard cases impossible and feasible ones possible, and
records decisions for recent placements with households (officer ids, ranks and reasons).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.domain import (
    Child,
    Decision,
    Household,
    HouseholdId,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    ReferralStatus,
)
from sufficiency.demo.builder import Built, CurrentPlacement
from sufficiency.demo.referral_cases import CASES
from sufficiency.demo.referrals import (
    build_referrals,
    connected_household,
    make_impossible,
    make_possible,
)
from sufficiency.domain import ChildId, PlacementType, age_on

_P = PlacementType
OFFICERS = ("officer-014", "officer-027", "officer-031")
RECENT_DAYS = 150  # placements this recent get a recorded decision
DECISIONS = 5


@dataclass(frozen=True, slots=True)
class Casework:
    referrals: tuple[Referral, ...]
    decisions: tuple[Decision, ...]
    households: tuple[Household, ...]
    hard_case_referral_ids: tuple[ReferralId, ...]
    feasible_case_referral_ids: tuple[ReferralId, ...]


def _existing(
    built: Built, as_of: dt.date, rng: np.random.Generator
) -> dict[int, tuple[str, dt.date, str]]:
    """Children in care for the cases describing a move: same age and sex, no sibling group."""
    chosen: dict[int, tuple[str, dt.date, str]] = {}
    taken: set[str] = set()
    for index, case in enumerate(CASES):
        if not case.existing:
            continue
        start = as_of + dt.timedelta(days=case.start_in_days)
        sex = case.sexes[:1]
        fits = [
            p
            for p in built.current.values()
            if p.child_id not in taken
            and not p.sibling_group
            and not p.uasc
            and age_on(built.persons[p.child_id].date_of_birth, start) == case.ages[0]
            and (not sex or built.persons[p.child_id].sex.value[0] == sex)
        ]
        if not fits:
            continue
        pick = fits[int(rng.integers(len(fits)))]
        taken.add(pick.child_id)
        chosen[index] = (
            pick.child_id,
            built.persons[pick.child_id].date_of_birth,
            pick.home_postcode,
        )
    return chosen


def _recent(built: Built, as_of: dt.date) -> list[list[CurrentPlacement]]:
    """Recent placements with in-house or agency households, children placed together grouped."""
    groups: dict[tuple, list[CurrentPlacement]] = {}
    for placement in sorted(built.current.values(), key=lambda p: p.child_id):
        if (
            placement.household_id
            and placement.placement_type != _P.KINSHIP_FOSTERING
            and (as_of - placement.placed_since).days <= RECENT_DAYS
        ):
            groups.setdefault((placement.household_id, placement.placed_since), []).append(
                placement
            )
    return sorted(groups.values(), key=lambda g: (g[0].placed_since, g[0].child_id), reverse=True)[
        :DECISIONS
    ]


def _placed_child(built: Built, placement: CurrentPlacement) -> Child:
    person = built.persons[placement.child_id]
    return Child(
        ChildId(placement.child_id),
        person.date_of_birth,
        person.sex,
        school_urn=placement.school_urn,
        ethnicity=person.ethnicity,
        poses_risk_to_younger=placement.poses_risk_to_younger,
    )


def _adjust(
    referrals: list[Referral], built: Built, as_of: dt.date, rng: np.random.Generator
) -> list[Household]:
    """Offer the connected carers, then keep feasible cases possible and hard ones impossible."""
    households = list(built.households)
    number = 1 + max(int(h.household_id[2:]) for h in households if h.household_id.startswith("CC"))
    for index, case in enumerate(CASES):
        if case.connected:
            carer = connected_household(referrals[index], number, built.geography, as_of, rng)
            households.append(carer)
            referrals[index] = _with_connected(referrals[index], carer)
    for index, case in enumerate(CASES):
        if case.feasible:
            households = make_possible(referrals[index], households, rng)
    for index, case in enumerate(CASES):
        if case.hard:
            households = make_impossible(referrals[index], households)
    return households


def _past(
    built: Built, households: list[Household], as_of: dt.date, rng: np.random.Generator
) -> tuple[list[Decision], list[Referral]]:
    """Decisions for the most recent placements with households, and the referrals they answer."""
    recent = _recent(built, as_of)
    by_id = {h.household_id: h for h in households}
    facts = [([p.child_id for p in group], str(group[0].household_id), group[0].placed_since,
              max(p.distance_miles for p in group),
              not built.geography.is_home(by_id[group[0].household_id].postcode))
             for group in recent]  # fmt: skip
    decisions = decisions_for(facts, rng)
    placed = [
        placed_referral(decision, tuple(_placed_child(built, p) for p in group),
                        group[0].home_postcode, group[0].placed_since, _kind(group[0]))
        for decision, group in zip(decisions, recent, strict=True)
    ]  # fmt: skip
    return decisions, placed


def build_casework(
    built: Built, as_of: dt.date, new_ids: list[str], rng: np.random.Generator
) -> Casework:
    """Referrals, decisions and the final households (see the module docstring for the rules)."""
    ethnicities = sorted({p.ethnicity for p in built.persons.values() if p.ethnicity})
    existing = _existing(built, as_of, rng)
    drawn = [ethnicities[int(i)] for i in rng.integers(len(ethnicities), size=len(CASES))]
    referrals = build_referrals(as_of, built.geography, existing, new_ids, drawn, rng)
    households = _adjust(referrals, built, as_of, rng)
    decisions, placed = _past(built, households, as_of, rng)
    return Casework(
        referrals=tuple(referrals + placed),
        decisions=tuple(decisions),
        households=tuple(households),
        hard_case_referral_ids=tuple(
            referrals[i].referral_id for i, c in enumerate(CASES) if c.hard
        ),
        feasible_case_referral_ids=tuple(
            referrals[i].referral_id for i, c in enumerate(CASES) if c.feasible
        ),
    )


def _kind(placement: CurrentPlacement) -> PlacementKind:
    return (
        PlacementKind.LONG_TERM
        if placement.placement_code in {"U4", "U1"}
        else PlacementKind.SHORT_TERM
    )


def _with_connected(referral: Referral, carer: Household) -> Referral:
    from dataclasses import replace

    if carer.provider != ProviderType.CONNECTED:
        return referral
    return replace(referral, connected_household_ids=frozenset({carer.household_id}))


def decisions_for(
    recent: list[tuple[list[str], str, dt.date, float, bool]], rng: np.random.Generator
) -> list[Decision]:
    """The officers' decisions for recent placements with households.

    ``recent``: (child ids, household id, placed since, distance [miles], household outside
    the borough).
    """
    decisions: list[Decision] = []
    for number, (child_ids, household_id, since, miles, outside) in enumerate(recent, start=1):
        rank = 1 if rng.random() < 0.6 else 2
        reasons = []
        if rank != 1:
            reasons.append(
                "first-ranked household declined after meeting the child's social worker"
            )
        if miles > 20:
            reasons.append("no suitable vacancy within 20 miles on the day")
        if outside:
            reasons.append("no household inside the borough with a vacancy met the child's needs")
        decisions.append(
            Decision(
                referral_id=ReferralId(f"R{since.year}-P{number:02d}"),
                household_id=HouseholdId(household_id),
                decided_by=OFFICERS[number % len(OFFICERS)],
                decided_at=dt.datetime.combine(since - dt.timedelta(days=1), dt.time(16, 30)),
                reason="; ".join(reasons),
                child_ids=tuple(ChildId(c) for c in child_ids),
                shortlist_rank=rank,
                beyond_threshold=miles > 20,
                out_of_area=outside,
            )
        )
    return decisions


def placed_referral(
    decision: Decision, children: tuple[Child, ...], home: str, since: dt.date, kind: PlacementKind
) -> Referral:
    """The referral a past decision answered (status placed)."""
    return Referral(
        ReferralId(decision.referral_id),
        children,
        kind,
        since,
        home,
        since - dt.timedelta(days=2),
        status=ReferralStatus.PLACED,
        notes="Placed; see the recorded decision",
    )
