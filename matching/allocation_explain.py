"""Who was displaced and why: for each referral, the best household it did not get and the cost
to others of giving it that one, found by re-solving with the pairing forced in (pinned).

Uses the lexicographic solver; explains with ids and counts only (no names or postcodes).
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from matching.allocation_checks import fits_alone
from matching.allocation_component import component_of
from matching.allocation_result import Displacement, Explanation
from matching.allocation_solve import solve_lexicographic
from matching.allocation_types import (
    TIER_LABELS,
    AllocationInstance,
    ReferralUnit,
    TierCounts,
    candidate_tiers,
)
from matching.domain import Candidate, HouseholdId, ReferralId


def best_alternative(
    instance: AllocationInstance, unit: ReferralUnit, households: Iterable[HouseholdId]
) -> Candidate | None:
    """The referral's best-ranked usable candidate in a household it was not given."""
    taken = set(households)
    usable = [
        c
        for c in instance.candidates
        if c.referral_id == unit.referral_id
        and c.household_id not in taken
        and (c.referral_id, c.household_id) not in instance.forbids
        and fits_alone(
            instance.household(c.household_id), unit, c.places_used, instance.usual_limit_children
        )
    ]
    if not usable:
        return None
    return min(usable, key=lambda c: (tuple(-v for v in candidate_tiers(c)), c.household_id))


def _where(allocation: Sequence[Candidate]) -> dict[ReferralId, tuple[HouseholdId, ...]]:
    placed: dict[ReferralId, list[HouseholdId]] = defaultdict(list)
    for candidate in allocation:
        placed[candidate.referral_id].append(candidate.household_id)
    return {r: tuple(sorted(h)) for r, h in placed.items()}


def _cost_text(cost: TierCounts) -> str:
    parts = []
    for label, delta in zip(TIER_LABELS, cost.as_tuple(), strict=True):
        if label == "weighted score" and delta:
            parts.append(
                f"{-delta} points of score" if delta < 0 else f"{delta} points of score gained"
            )
        elif delta < 0:
            parts.append(f"{-delta} fewer {label}")
        elif delta > 0:
            parts.append(f"{delta} more {label}")
    return ", ".join(parts) if parts else "nothing on any tier"


def _moves_text(displaced: Sequence[Displacement]) -> str:
    moves = []
    for d in displaced[:5]:
        before = "/".join(d.households_before) or "not placed"
        after = "/".join(d.households_after) or "not placed"
        moves.append(f"{d.referral_id} {before} -> {after}")
    more = f" and {len(displaced) - 5} more" if len(displaced) > 5 else ""
    return "; ".join(moves) + more


def _forced(
    instance: AllocationInstance,
    allocation: Sequence[Candidate],
    pin: tuple[ReferralId, HouseholdId],
    **settings,
) -> tuple[Candidate, ...] | str:
    """The allocation re-solved with ``pin`` forced in, or the solver's status if none.

    Only the referral's component is re-solved (``matching.allocation_component``), hinted
    with the joint allocation there; everything outside it stays as it is.
    """
    component = component_of(dataclasses.replace(instance, pins=instance.pins | {pin}), pin[0])
    inside = {u.referral_id for u in component.referrals}
    hint = [c for c in allocation if c.referral_id in inside]
    outcome = solve_lexicographic(component, hint, **settings)
    honoured = pin in {(c.referral_id, c.household_id) for c in outcome.allocation}
    if outcome.status not in ("optimal", "feasible") or not honoured:
        # Without a solution in time the hint would come back unchanged: not an answer.
        return outcome.status if outcome.status == "infeasible" else "not evaluated"
    return (*(c for c in allocation if c.referral_id not in inside), *outcome.allocation)


def _explain_one(
    instance, unit, allocation, base, where, occupants, *, time_limit_s, workers, keep
) -> Explanation:
    mine = where.get(unit.referral_id, ())
    placed = f"{unit.referral_id}: " + (f"placed with {'/'.join(mine)}." if mine else "not placed.")
    alternative = best_alternative(instance, unit, mine)
    if alternative is None:
        text = f"{placed} No {'other ' if mine else ''}household passes the hard rules for it."
        return Explanation(unit.referral_id, mine, None, (), "no alternative", None, (), text)
    taken_by = tuple(
        sorted(r for r in occupants.get(alternative.household_id, ()) if r != unit.referral_id)
    )
    went = f", which went to {', '.join(taken_by)}" if taken_by else ""
    best = f"{alternative.household_id} (score {alternative.score})"
    head = f"{placed} Best household it did not get: {best}{went}."

    def answer(outcome, text, cost=None, displaced=()) -> Explanation:
        return Explanation(
            unit.referral_id, mine, alternative, taken_by, outcome, cost, displaced, text
        )

    pin = (unit.referral_id, alternative.household_id)
    forced = "not evaluated"
    if time_limit_s > 0:
        forced = _forced(
            instance, allocation, pin, time_limit_s=time_limit_s, workers=workers, keep=keep
        )
    if forced == "infeasible":
        pinned = "It cannot be given that household together with the pins in force."
        return answer("impossible", f"{head} {pinned}")
    if isinstance(forced, str):
        return answer("not evaluated", f"{head} The cost was not evaluated (time limit).")
    after = _where(forced)
    cost = TierCounts(*(a - b for a, b in zip(values_of(forced), base.as_tuple(), strict=True)))
    displaced = tuple(
        Displacement(r, where.get(r, ()), after.get(r, ()))
        for r in sorted(set(where) | set(after))
        if r != unit.referral_id and where.get(r, ()) != after.get(r, ())
    )
    text = f"{head} Giving it {alternative.household_id} would cost {_cost_text(cost)}"
    text += f"; {_moves_text(displaced)}." if displaced else "."
    return answer("free" if not any(cost.as_tuple()) else "costs others", text, cost, displaced)


def values_of(allocation) -> tuple[int, ...]:
    return TierCounts.from_candidates(allocation).as_tuple()


def explain_allocation(
    instance: AllocationInstance,
    allocation: Sequence[Candidate],
    *,
    referral_ids: Iterable[ReferralId] | None = None,
    time_limit_s: float = 30.0,
    workers: int = 4,
    keep: int = 20,
) -> tuple[Explanation, ...]:
    """Explain each referral (or those listed) against the joint ``allocation``.

    Each explanation re-solves the referral's component (the referrals linked to it through
    shared households) with the referral pinned to its best alternative, hinted with the joint
    allocation, sharing ``time_limit_s`` [s] between referrals; those left when it runs out
    are marked "not evaluated".
    """
    wanted = None if referral_ids is None else set(referral_ids)
    units = [u for u in instance.referrals if wanted is None or u.referral_id in wanted]
    where = _where(allocation)
    occupants: dict[HouseholdId, list[ReferralId]] = defaultdict(list)
    for candidate in allocation:
        occupants[candidate.household_id].append(candidate.referral_id)
    base = TierCounts.from_candidates(allocation)
    deadline = time.perf_counter() + time_limit_s
    explanations = []
    for done, unit in enumerate(units):
        share = (deadline - time.perf_counter()) / max(1, len(units) - done)
        explanations.append(
            _explain_one(
                instance,
                unit,
                allocation,
                base,
                where,
                occupants,
                time_limit_s=share,
                workers=workers,
                keep=keep,
            )
        )
    return tuple(explanations)
