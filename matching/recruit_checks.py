"""Solver-free check of a replay: every placement passes the rules, fits in time, and adds up.

Re-validates each replayed placement with the shortlist's scalar rule code
(``matching.rules.explain_failures``), re-measures the distance with ``math.hypot``, re-counts
each household's children day by day and recomputes every total. It never calls the solver.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matching.context import MatchContext, build_context
from matching.domain import Household
from matching.gaps import PastReferral
from matching.options import options_for
from matching.policy import Policy
from matching.recruit_profiles import SIBLING_HOUSEHOLD_FROM
from matching.recruit_replay import ReplayEffect, replay_placement
from matching.rules import explain_failures

METRES_PER_MILE = 1609.344


def _within_threshold(
    context: MatchContext, past: PastReferral, household: Household, policy: Policy
) -> bool:
    home = context.home_point(past.referral)
    row = context.table.index[household.household_id]
    miles = (
        math.hypot(
            context.table.easting_m[row] - home.easting_m,
            context.table.northing_m[row] - home.northing_m,
        )
        / METRES_PER_MILE
    )
    in_area = bool(context.table.in_area(policy.council_la_code)[row])
    return round(miles * 10) <= policy.threshold_tenths and in_area


def _placement_problems(
    past: PastReferral, household: Household, context: MatchContext, policy: Policy
) -> list[str]:
    rid, hid = past.referral.referral_id, household.household_id
    problems = [
        f"{rid} in {hid}: {f.reason}"
        for f in explain_failures(household, options_for(past.referral)[0], policy)
    ]
    if not _within_threshold(context, past, household, policy):
        problems.append(
            f"{rid} in {hid}: beyond the distance threshold or outside the council's area"
        )
    if household.max_sibling_group >= SIBLING_HOUSEHOLD_FROM and past.children < 2:
        problems.append(f"{rid} in {hid}: a sibling household given a single child")
    return problems


def _capacity_problems(
    effect: ReplayEffect, by_id: dict, households: dict, usual_limit: int
) -> list[str]:
    """On every day a placement starts, each household's children fit its places (a placement
    still open on the as-of date, or not made yet, goes on holding its places)."""
    problems = []
    for household_id, household in households.items():
        mine = [by_id[p.referral_id] for p in effect.placements if p.household_id == household_id]
        for day in sorted({p.referral.start_date for p in mine}):
            there = [
                p
                for p in mine
                if p.referral.start_date <= day
                and (day < p.ends_on or day == p.referral.start_date or p.still_open)
            ]
            children = sum(p.children for p in there)
            if children > household.approved_places:
                problems.append(
                    f"{household_id} on {day}: {children} children in "
                    f"{household.approved_places} places"
                )
            if (
                household.approved_places > usual_limit
                and len(there) > 1
                and not household.usual_limit_exemption
            ):
                problems.append(
                    f"{household_id} on {day}: {len(there)} groups at once above the usual limit"
                )
    return problems


def check_replay(
    past: Sequence[PastReferral],
    households: Sequence[Household],
    effect: ReplayEffect,
    policy: Policy,
    context: MatchContext | None = None,
) -> list[str]:
    """Every rule the replay breaks and every total that does not add up ([] when sound)."""
    by_id = {p.referral.referral_id: p for p in past if p.unmet}
    by_household = {h.household_id: h for h in households}
    if context is None or not context.matches(households):
        referrals = [p.referral for p in by_id.values()]
        context = build_context(households, referrals, schools={})
    problems: list[str] = []
    seen: set[str] = set()
    for placement in effect.placements:
        past_referral = by_id.get(placement.referral_id)
        household = by_household.get(placement.household_id)
        if past_referral is None or household is None:
            problems.append(
                f"{placement.referral_id} in {placement.household_id}: "
                "unknown unmet referral or household"
            )
            continue
        if placement.referral_id in seen:
            problems.append(f"{placement.referral_id}: placed twice")
        seen.add(placement.referral_id)
        problems += _placement_problems(past_referral, household, context, policy)
        expected = replay_placement(past_referral, household, placement.score)
        if (expected.saved_gbp, expected.children, expected.fixed) != (
            placement.saved_gbp,
            placement.children,
            placement.fixed,
        ):
            problems.append(f"{placement.referral_id}: its effect does not recompute")
    problems += _capacity_problems(effect, by_id, by_household, policy.usual_limit_children)
    return problems
