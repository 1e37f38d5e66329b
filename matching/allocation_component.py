"""Independent parts of an allocation instance: referrals linked by a shared candidate household.

Two referrals are in the same *component* when a chain of shared candidate households links
them. Components share no household, so the lexicographic optimum of the whole instance is
each component's optimum side by side (tier values add up, and a gain in one component can
never cost another). A what-if question about one referral (an explanation's forced pairing)
therefore only needs its own component re-solved. No solver here.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from matching.allocation_types import AllocationInstance
from matching.domain import HouseholdId, ReferralId


def component_of(instance: AllocationInstance, referral_id: ReferralId) -> AllocationInstance:
    """The sub-instance of the referrals linked to ``referral_id`` through shared households.

    Forbidden pairings do not link referrals (they can never be used); pins and forbids of the
    component's referrals are kept.
    """
    households_of: dict[ReferralId, set[HouseholdId]] = defaultdict(set)
    referrals_of: dict[HouseholdId, set[ReferralId]] = defaultdict(set)
    for candidate in instance.candidates:
        pairing = (candidate.referral_id, candidate.household_id)
        if pairing not in instance.forbids:
            households_of[candidate.referral_id].add(candidate.household_id)
            referrals_of[candidate.household_id].add(candidate.referral_id)
    referrals, households, frontier = {referral_id}, set(), [referral_id]
    while frontier:
        for household_id in households_of[frontier.pop()] - households:
            households.add(household_id)
            for other in referrals_of[household_id] - referrals:
                referrals.add(other)
                frontier.append(other)
    return dataclasses.replace(
        instance,
        referrals=tuple(u for u in instance.referrals if u.referral_id in referrals),
        households=tuple(h for h in instance.households if h.household_id in households),
        candidates=tuple(
            c
            for c in instance.candidates
            if c.referral_id in referrals and c.household_id in households
        ),
        pins=frozenset(p for p in instance.pins if p[0] in referrals),
        forbids=frozenset(f for f in instance.forbids if f[0] in referrals),
    )
