"""Solver-free validation of any allocation: the hard rules, the household rules, the tier counts.

Re-checks an allocation (from the solver, the greedy baseline or an officer) without OR-Tools
and recomputes its tier counts and score from the instance's own candidates. It does not
re-score candidates: single-referral rules are those the candidates were generated under.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matching.allocation_types import AllocationInstance, HouseholdRoom, ReferralUnit, TierCounts
from matching.domain import Candidate, ChildId, HouseholdId, ReferralId

Part = tuple[ReferralUnit, frozenset[ChildId]]


@dataclass(frozen=True, slots=True)
class AllocationCheck:
    """The checker's verdict: every rule broken (empty when valid) and the recomputed tiers."""

    violations: tuple[str, ...]
    tiers: TierCounts

    @property
    def ok(self) -> bool:
        return not self.violations


def fits_alone(
    room: HouseholdRoom, unit: ReferralUnit, size: int, usual_limit_children: int
) -> bool:
    """Whether one part of ``size`` children of ``unit`` fits an otherwise untouched household."""
    if size > room.vacancies or (size > 1 and size > room.max_sibling_group):
        return False
    return room.placed_count + size <= usual_limit_children or all_siblings(room, [unit])


def all_siblings(room: HouseholdRoom, units: Sequence[ReferralUnit]) -> bool:
    """Whether the household's children would all be siblings (or it is exempt from the limit).

    A referral's children are siblings of each other, and of placed children whose sibling
    group is that referral; children of different referrals are not siblings.
    """
    if room.usual_limit_exempt:
        return True
    referrals = {unit.referral_id for unit in units}
    if len(referrals) > 1:
        return False
    return room.placed_count == 0 or not referrals or room.placed_sibling_group in referrals


def parts_conflict(a: Part, b: Part, risk_age_gap_years: int) -> bool:
    """Whether children of two referrals may not live together: a child posing a risk to
    younger children would share the home with one more than ``risk_age_gap_years`` younger
    (ages on the later of the two start dates, when both would live there)."""
    day = max(a[0].start_date, b[0].start_date)
    for (unit_1, part_1), (unit_2, part_2) in ((a, b), (b, a)):
        risky = part_1 & unit_1.risky_child_ids
        if not risky:
            continue
        ages_1, ages_2 = unit_1.ages_on(day), unit_2.ages_on(day)
        if max(ages_1[c] for c in risky) - min(ages_2[c] for c in part_2) > risk_age_gap_years:
            return True
    return False


def household_violations(
    room: HouseholdRoom, parts: Sequence[Part], usual_limit_children: int, risk_age_gap_years: int
) -> list[str]:
    """Every household rule the new parts break together (empty when they all fit)."""
    where = f"household {room.household_id}"
    problems: list[str] = []
    new_children = sum(len(part) for _, part in parts)
    # Vacancies are shared by every referral placed in the household.
    if new_children > room.vacancies:
        problems.append(
            f"{where}: {new_children} children placed but {room.vacancies} vacancies [VacancyCapacity]"
        )
    # The usual limit of fostered children applies unless all of them are siblings or exempt.
    total = room.placed_count + new_children
    if (
        parts
        and total > usual_limit_children
        and not all_siblings(room, [unit for unit, _ in parts])
    ):
        problems.append(
            f"{where}: {total} fostered children, not all siblings, over the usual limit of "
            f"{usual_limit_children} [UsualLimit]"
        )
    # A sibling group larger than the household's approval cannot go there.
    for unit, part in parts:
        if len(part) > 1 and len(part) > room.max_sibling_group:
            problems.append(
                f"{where}: sibling group of {len(part)} from {unit.referral_id} exceeds its "
                f"maximum of {room.max_sibling_group} [MaxSiblingGroup]"
            )
    # Children of different referrals placed together must be compatible.
    for i, first in enumerate(parts):
        for second in parts[i + 1 :]:
            if first[0].referral_id != second[0].referral_id and parts_conflict(
                first, second, risk_age_gap_years
            ):
                problems.append(
                    f"{where}: {first[0].referral_id} and {second[0].referral_id} may not be placed "
                    f"together (risk to a younger child) [Compatibility]"
                )
    return problems


def _referral_violations(unit: ReferralUnit, placed: Sequence[Candidate]) -> list[str]:
    where = f"referral {unit.referral_id}"
    problems: list[str] = []
    parts = [frozenset(c.child_ids) for c in placed]
    children = [child for part in parts for child in part]
    if len(children) != len(set(children)):
        problems.append(f"{where}: a child is placed more than once [OneHouseholdPerChild]")
    # The parts placed must come from one mode: the whole group, or one allowed split.
    if not any(set(parts) <= set(mode) for mode in unit.modes):
        problems.append(
            f"{where}: parts {sorted(sorted(p) for p in parts)} are not an allowed split [AllowedSplits]"
        )
    # The parts of a split go to different households (one household would be "together").
    households = [c.household_id for c in placed]
    if len(households) != len(set(households)):
        problems.append(f"{where}: two parts in one household [SplitPartsApart]")
    return problems


def _pin_violations(
    instance: AllocationInstance, used: set[tuple[ReferralId, HouseholdId]]
) -> list[str]:
    problems = [
        f"pin {r}:{h} is not honoured [Pin]" for r, h in sorted(instance.pins) if (r, h) not in used
    ]
    problems += [
        f"forbidden pairing {r}:{h} is used [Forbid]"
        for r, h in sorted(instance.forbids)
        if (r, h) in used
    ]
    return problems


def check_allocation(
    instance: AllocationInstance, allocation: Iterable[Candidate]
) -> AllocationCheck:
    """Validate an allocation against every hard rule and recompute its tier counts.

    Parameters
    ----------
    instance : AllocationInstance
        Referrals, households, candidates passing the single-referral rules, pins and forbids.
    allocation : iterable of Candidate
        The chosen (referral part, household) pairings; their own score fields are ignored and
        the instance's candidate with the same referral, household and children is used.

    Returns
    -------
    AllocationCheck
        ``violations`` names each broken rule (referral or household id, rule name in
        brackets); ``tiers`` are recomputed from the instance's candidates.
    """
    known = {
        (c.referral_id, c.household_id, frozenset(c.child_ids)): c for c in instance.candidates
    }
    problems: list[str] = []
    chosen: list[Candidate] = []
    for proposed in allocation:
        key = (proposed.referral_id, proposed.household_id, frozenset(proposed.child_ids))
        if key not in known:
            problems.append(
                f"referral {proposed.referral_id}: household {proposed.household_id} for children "
                f"{sorted(proposed.child_ids)} does not pass the hard rules (not a candidate) [HardRules]"
            )
            continue
        chosen.append(known[key])
    by_referral: dict[ReferralId, list[Candidate]] = defaultdict(list)
    by_household: dict[HouseholdId, list[Part]] = defaultdict(list)
    for candidate in chosen:
        unit = instance.referral(candidate.referral_id)
        by_referral[candidate.referral_id].append(candidate)
        by_household[candidate.household_id].append((unit, frozenset(candidate.child_ids)))
    for referral_id, placed in sorted(by_referral.items()):
        problems += _referral_violations(instance.referral(referral_id), placed)
    for household_id, parts in sorted(by_household.items()):
        room = instance.household(household_id)
        problems += household_violations(
            room, parts, instance.usual_limit_children, instance.risk_age_gap_years
        )
    problems += _pin_violations(instance, {(c.referral_id, c.household_id) for c in chosen})
    return AllocationCheck(tuple(problems), TierCounts.from_candidates(chosen))
