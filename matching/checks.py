"""Solver-free checks: recompute every score from its components and re-validate hard rules.

Independent of the numpy hot path: distances are recomputed with ``math.hypot`` and rules
with each rule's scalar ``explain``. Returns lists of problems (empty = consistent); it never
changes a score or a shortlist.
"""

from __future__ import annotations

import math

from matching.context import MatchContext
from matching.domain import Household, ProviderType, Referral
from matching.household_table import cost_tens
from matching.options import Option
from matching.policy import Policy
from matching.rules import RuleFailure, explain_failures
from matching.scoring import ScoreBreakdown, preference_facts, school_checks, tier_number
from matching.shortlist import Shortlist
from sufficiency.domain import ChildId

_MILES_PER_METRE = 1 / 1609.344
_IN_HOUSE = (ProviderType.IN_HOUSE, ProviderType.CONNECTED)


def recompute_points(item: ScoreBreakdown, policy: Policy) -> dict[str, int]:
    """Each weighted component from the facts recorded in the breakdown [integer points]."""
    w, k = policy.weights, item.places
    return {
        "distance": -k
        * (
            w.distance_per_tenth_mile * item.distance_tenths
            + w.beyond_threshold * item.beyond_threshold
        ),
        "needs": w.desirable_need_met * len(item.desirable_met),
        "culture": (
            w.language_match * item.language_matches
            + w.religion_match * item.religion_matches
            + w.ethnicity_match * item.ethnicity_matches
        ),
        "wishes": w.wish_met * len(item.wishes_met),
        "provider": k * w.in_house if item.provider in _IN_HOUSE else 0,
        "cost": -k * w.cost_per_10_gbp_week * cost_tens(item.weekly_cost_gbp),
    }


def recompute_total(item: ScoreBreakdown, policy: Policy) -> int:
    """The score the breakdown should have: the sum of the recomputed components."""
    return sum(recompute_points(item, policy).values())


def recompute_tier(item: ScoreBreakdown) -> int:
    """The tier from the recorded priorities (see ``matching.scoring.tier_number``)."""
    return tier_number(
        siblings_ok=item.siblings_together,
        near_ok=not item.beyond_threshold and item.in_area,
        school_ok=all(check.keeps_school for check in item.schools),
        connected_ok=item.connected or not item.connected_offered,
    )


def validate_option(
    household: Household, referral: Referral, child_ids: tuple[ChildId, ...], policy: Policy
) -> tuple[RuleFailure, ...]:
    """Every hard rule the household fails for placing ``child_ids`` of the referral."""
    whole = set(child_ids) == {c.child_id for c in referral.children}
    label = "whole group" if whole else "part"
    return explain_failures(household, Option(referral, tuple(child_ids), label, whole), policy)


def check_breakdown(
    item: ScoreBreakdown, referral: Referral, context: MatchContext, policy: Policy
) -> list[str]:
    """Every inconsistency between a breakdown and an independent recomputation."""
    where = f"{item.referral_id}/{item.household_id} ({item.option_label})"
    household = context.household(item.household_id)
    option = Option(referral, item.child_ids, item.option_label, item.whole_group)
    problems = [
        f"{where}: breaks hard rule {f.code}: {f.reason}"
        for f in explain_failures(household, option, policy)
    ]
    expected = recompute_points(item, policy)
    for name, points in item.components.items():
        if points != expected[name]:
            problems.append(
                f"{where}: {name} points {points} but the components give {expected[name]}"
            )
    if item.total != sum(item.components.values()):
        problems.append(f"{where}: total {item.total} is not the sum of its components")
    if item.tier != recompute_tier(item):
        problems.append(f"{where}: tier {item.tier} but its priorities give {recompute_tier(item)}")
    tenths = _distance_tenths(context, referral, household)
    if abs(tenths - item.distance_tenths) > 1:
        problems.append(
            f"{where}: {item.distance_tenths} tenths of a mile recorded, {tenths} recomputed"
        )
    facts = preference_facts(household, option)
    if any(getattr(item, name) != value for name, value in facts.items()):
        problems.append(f"{where}: needs, culture or wishes differ from the household's record")
    if item.schools != school_checks(context, household, option, policy):
        problems.append(f"{where}: school distances differ from a recomputation")
    return problems


def _distance_tenths(context: MatchContext, referral: Referral, household: Household) -> int:
    home = context.home_point(referral)
    row = context.table.index[household.household_id]
    east, north = float(context.table.easting_m[row]), float(context.table.northing_m[row])
    return round(math.hypot(east - home.easting_m, north - home.northing_m) * _MILES_PER_METRE * 10)


def _sort_key(item: ScoreBreakdown, id_rank: int) -> tuple:
    return (item.tier, -item.children_keeping_school, -item.total, id_rank)


def check_shortlist(shortlist: Shortlist) -> list[str]:
    """Re-validate a whole shortlist: every entry, its order, and every "not suitable" claim."""
    context, policy, referral = shortlist.context, shortlist.policy, shortlist.referral
    problems: list[str] = []
    for index, ranked in enumerate(shortlist.options):
        keys = []
        for position, entry in enumerate(ranked.entries, start=1):
            item = entry.breakdown
            if entry.rank != position:
                problems.append(f"{item.household_id}: rank {entry.rank} at position {position}")
            problems += check_breakdown(item, referral, context, policy)
            keys.append(
                _sort_key(item, int(context.table.id_rank[context.table.index[item.household_id]]))
            )
        if keys != sorted(keys):
            problems.append(f"{ranked.option.label}: entries are not in tier-then-score order")
        for unsuitable in shortlist.not_suitable(index):
            if not unsuitable.failures:
                problems.append(
                    f"{unsuitable.household_id}: listed as not suitable without a failed rule"
                )
    return problems
