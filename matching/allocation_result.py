"""What ``allocate`` returns: the joint allocation, the greedy baseline, and who was displaced why.

Frozen result types with a JSON-ready ``as_dict``. No solving or formatting for the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.allocation_prune import PruningSummary
from matching.allocation_solve import TierOutcome
from matching.allocation_types import TIER_NAMES, TierCounts
from matching.domain import Candidate, HouseholdId, ReferralId


@dataclass(frozen=True, slots=True)
class Displacement:
    """Another referral whose placement would change if an alternative were forced in."""

    referral_id: ReferralId
    households_before: tuple[HouseholdId, ...]
    """Where it is placed in the joint allocation (empty: not placed)."""
    households_after: tuple[HouseholdId, ...]
    """Where it would be placed instead (empty: it would not be placed)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """For one referral: where it goes, the best household it did not get, and at what cost."""

    referral_id: ReferralId
    households: tuple[HouseholdId, ...]
    """Its household(s) in the joint allocation (empty: not placed)."""
    alternative: Candidate | None
    """The best-ranked candidate in a household it did not get (None: it had no other)."""
    alternative_taken_by: tuple[ReferralId, ...]
    """Referrals placed in the alternative household in the joint allocation."""
    outcome: str
    """"no alternative", "free" (forcing it in costs nothing on any tier), "costs others",
    "impossible" (no allocation honours it with the pins) or "not evaluated" (time limit)."""
    cost: TierCounts | None
    """Forced-in allocation minus the joint allocation, per tier (negative: lost)."""
    displaced: tuple[Displacement, ...]
    """Other referrals that would move or lose their placement."""
    text: str
    """The explanation in one or two plain-English sentences (ids only)."""


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """The joint allocation of open referrals and, in the same result, the greedy baseline."""

    status: str
    """"optimal" (every tier proven), "feasible" (a tier has a gap: see ``tier_outcomes``),
    "infeasible" (the pins cannot all be honoured), "unknown" (no solution in the time
    limit) or "model_invalid" (a bug, logged)."""
    allocation: tuple[Candidate, ...]
    """The chosen (referral part, household) pairings."""
    tiers: TierCounts
    """The joint allocation's tier counts, recomputed by the solver-free checker."""
    tier_outcomes: tuple[TierOutcome, ...]
    """Per tier: value, proven bound, status and time."""
    greedy_allocation: tuple[Candidate, ...]
    """First come, first served, in order of date received (same rules and scores)."""
    greedy_tiers: TierCounts
    violations: tuple[str, ...]
    """Rules the joint allocation breaks according to the checker (always empty unless a bug)."""
    greedy_violations: tuple[str, ...]
    explanations: tuple[Explanation, ...]
    unplaced: tuple[ReferralId, ...]
    """Open referrals given no household."""
    pruning: PruningSummary
    messages: tuple[str, ...]
    """Plain-English notes: gaps, time limits, pins that cannot be honoured."""
    seconds: float
    """Wall time of the whole allocation, explanations included [s]."""

    @property
    def gains(self) -> TierCounts:
        """Joint minus greedy on each tier (positive: what joint allocation gained)."""
        return TierCounts(
            *(
                a - b
                for a, b in zip(self.tiers.as_tuple(), self.greedy_tiers.as_tuple(), strict=True)
            )
        )

    def explanation(self, referral_id: ReferralId) -> Explanation:
        for item in self.explanations:
            if item.referral_id == referral_id:
                return item
        raise KeyError(referral_id)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (ids, counts and scores only: no names, dates of birth or postcodes)."""
        return {
            "ok": self.status in ("optimal", "feasible"),
            "status": self.status,
            "tiers": self.tiers.as_dict(),
            "greedy_tiers": self.greedy_tiers.as_dict(),
            "gains": self.gains.as_dict(),
            "tier_outcomes": [
                {
                    "tier": o.name,
                    "value": o.value,
                    "bound": o.bound,
                    "status": o.status,
                    "gap": round(o.gap, 6),
                    "seconds": round(o.seconds, 3),
                    "solves": o.solves,
                }
                for o in self.tier_outcomes
            ],
            "allocation": [_candidate_dict(c) for c in self.allocation],
            "greedy_allocation": [_candidate_dict(c) for c in self.greedy_allocation],
            "unplaced": list(self.unplaced),
            "explanations": [_explanation_dict(e) for e in self.explanations],
            "violations": list(self.violations),
            "greedy_violations": list(self.greedy_violations),
            "pruning": {
                "candidates": self.pruning.candidates,
                "options_modelled": self.pruning.options_modelled,
                "parts": self.pruning.parts,
                "parts_complete": self.pruning.parts_complete,
                "excluded": self.pruning.excluded,
            },
            "messages": list(self.messages),
            "seconds": round(self.seconds, 3),
        }


def _candidate_dict(candidate: Candidate) -> dict[str, object]:
    return {
        "referral_id": candidate.referral_id,
        "household_id": candidate.household_id,
        "child_ids": list(candidate.child_ids),
        "siblings_together": candidate.siblings_together,
        "children_within_threshold": candidate.children_within_threshold,
        "children_keeping_school": candidate.children_keeping_school,
        "connected": candidate.connected,
        "score": candidate.score,
    }


def _explanation_dict(item: Explanation) -> dict[str, object]:
    return {
        "referral_id": item.referral_id,
        "households": list(item.households),
        "alternative": None if item.alternative is None else _candidate_dict(item.alternative),
        "alternative_taken_by": list(item.alternative_taken_by),
        "outcome": item.outcome,
        "cost": None if item.cost is None else item.cost.as_dict(),
        "displaced": [
            {
                "referral_id": d.referral_id,
                "households_before": list(d.households_before),
                "households_after": list(d.households_after),
            }
            for d in item.displaced
        ],
        "text": item.text,
    }


__all__ = ["AllocationResult", "Displacement", "Explanation", "TIER_NAMES"]
