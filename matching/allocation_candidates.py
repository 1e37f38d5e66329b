"""Candidate generation for the allocator: the shortlist's vectorised rules and scores, as Candidates.

Scores every (referral part, household) with ``matching.score_arrays.score_option`` (numpy over
the household table) and keeps every pairing passing all hard rules, with the same fields as
``ScoreBreakdown.as_candidate()``. It builds no explanations (the shortlist does that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from matching.allocation_types import AllocationInstance, HouseholdRoom, Pairing, ReferralUnit
from matching.context import MatchContext
from matching.domain import Candidate, Household, HouseholdId, Referral
from matching.options import options_for
from matching.policy import Policy
from matching.score_arrays import score_option


def generate_candidates(
    referrals: Sequence[Referral],
    context: MatchContext,
    policy: Policy,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Candidate]:
    """Every suitable (referral part, household) pairing, scored like the shortlist.

    Parameters
    ----------
    referrals : the referrals to allocate (each option: whole group, then each allowed part).
    context : households, homes and schools located once (``matching.context``).
    policy : weights, distance threshold and rule settings.
    progress : called as ``progress(referrals_done, referrals_total)``.

    Returns
    -------
    list of Candidate
        ``children_within_threshold`` counts the children when the household is within the
        threshold and inside the council's area (as ``ScoreBreakdown``); ``score`` is the
        integer total [points].
    """
    table = context.table
    in_area = table.in_area(policy.council_la_code)
    ids = np.array(table.household_ids, dtype=object)
    candidates: list[Candidate] = []
    for done, referral in enumerate(referrals, start=1):
        for option in options_for(referral):
            scores = score_option(context, option, policy)
            rows = scores.order
            near = (scores.distance_tenths[rows] <= policy.threshold_tenths) & in_area[rows]
            together = option.whole_group and referral.is_sibling_group
            for household_id, is_near, keep, connected, total in zip(
                ids[rows].tolist(),
                near.tolist(),
                scores.school_keep[rows].tolist(),
                scores.connected[rows].tolist(),
                scores.total[rows].tolist(),
                strict=True,
            ):
                candidates.append(
                    Candidate(
                        referral_id=referral.referral_id,
                        household_id=household_id,
                        child_ids=option.child_ids,
                        siblings_together=together,
                        children_within_threshold=option.size if is_near else 0,
                        children_keeping_school=int(keep),
                        connected=bool(connected),
                        score=int(total),
                    )
                )
        if progress is not None:
            progress(done, len(referrals))
    return candidates


def build_instance(
    referrals: Sequence[Referral],
    households: Sequence[Household],
    candidates: Sequence[Candidate],
    policy: Policy,
    *,
    pins: Sequence[Pairing] = (),
    forbids: Sequence[Pairing] = (),
) -> AllocationInstance:
    """The allocator's instance: referral and household facts, candidates, pins and forbids."""
    return AllocationInstance(
        referrals=tuple(ReferralUnit.from_referral(r) for r in referrals),
        households=tuple(HouseholdRoom.from_household(h) for h in households),
        candidates=tuple(candidates),
        usual_limit_children=policy.usual_limit_children,
        risk_age_gap_years=policy.risk_age_gap_years,
        pins=frozenset(pins),
        forbids=frozenset(forbids),
    )


def household_ids(households: Sequence[Household]) -> set[HouseholdId]:
    return {h.household_id for h in households}
