"""First-come-first-served allocation: the baseline the joint allocation is compared with.

Referrals are taken in the order they were received; each gets the best household still
free for it under the same hard rules, household rules and scores as the optimiser. Pinned
referrals go first (an officer has already decided them). No solver here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from matching.allocation_checks import Part, household_violations
from matching.allocation_types import AllocationInstance, ReferralUnit, candidate_tiers
from matching.domain import Candidate, ChildId, HouseholdId


def arrival_order(instance: AllocationInstance) -> list[ReferralUnit]:
    """Pinned referrals first, then by date received, then by referral id."""
    pinned = {referral_id for referral_id, _ in instance.pins}
    return sorted(
        instance.referrals,
        key=lambda unit: (unit.referral_id not in pinned, unit.received_on, unit.referral_id),
    )


def _ranked_by_part(
    instance: AllocationInstance,
) -> dict[tuple[str, frozenset[ChildId]], list[Candidate]]:
    ranked: dict[tuple[str, frozenset[ChildId]], list[Candidate]] = defaultdict(list)
    for candidate in instance.candidates:
        if (candidate.referral_id, candidate.household_id) not in instance.forbids:
            ranked[(candidate.referral_id, frozenset(candidate.child_ids))].append(candidate)
    for candidates in ranked.values():
        candidates.sort(key=lambda c: (tuple(-v for v in candidate_tiers(c)), c.household_id))
    return ranked


def _place_mode(
    instance: AllocationInstance,
    unit: ReferralUnit,
    mode: Sequence[frozenset[ChildId]],
    ranked: dict[tuple[str, frozenset[ChildId]], list[Candidate]],
    occupied: dict[HouseholdId, list[Part]],
) -> list[Candidate]:
    """Each part of the mode (largest first) takes its best household that still fits."""
    pinned = {h for r, h in instance.pins if r == unit.referral_id}
    chosen: list[Candidate] = []
    for part in sorted(mode, key=lambda p: (-len(p), sorted(p))):
        options = ranked.get((unit.referral_id, part), [])
        # An officer's pin is tried before the ranking.
        options = [c for c in options if c.household_id in pinned] + options
        used = {c.household_id for c in chosen}
        for candidate in options:
            if candidate.household_id in used:
                continue
            room = instance.household(candidate.household_id)
            trial = [*occupied[candidate.household_id], (unit, part)]
            if not household_violations(
                room, trial, instance.usual_limit_children, instance.risk_age_gap_years
            ):
                chosen.append(candidate)
                break
    return chosen


def allocate_greedy(instance: AllocationInstance) -> tuple[Candidate, ...]:
    """Place referrals one at a time in arrival order, each in its best free household.

    For a referral whose care plan allows splits, the way (together or one split) placing the
    most children with the best tiers is taken, as an officer working down the list would.

    Returns
    -------
    tuple of Candidate
        The chosen (referral part, household) pairings; check them with
        ``matching.allocation_checks.check_allocation``.
    """
    ranked = _ranked_by_part(instance)
    occupied: dict[HouseholdId, list[Part]] = defaultdict(list)
    allocation: list[Candidate] = []
    for unit in arrival_order(instance):
        best: list[Candidate] = []
        best_value: tuple[int, ...] = (0,) * 5
        for mode in unit.modes:
            chosen = _place_mode(instance, unit, mode, ranked, occupied)
            value = (
                tuple(
                    sum(values)
                    for values in zip(*(candidate_tiers(c) for c in chosen), strict=True)
                )
                or (0,) * 5
            )
            if chosen and (not best or value > best_value):
                best, best_value = chosen, value
        for candidate in best:
            occupied[candidate.household_id].append((unit, frozenset(candidate.child_ids)))
        allocation.extend(best)
    return tuple(allocation)
