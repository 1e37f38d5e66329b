"""Turn a relaxation's optimum into a real allocation by giving virtual options real households.

A virtual option stands for a part's pruned candidates and uses no household, so the model
with virtual options is a relaxation (``matching.allocation_prune``). When its optimum uses
virtual options, each may still be swapped for a pruned candidate whose household is free
enough (every household rule holds with the parts already there) and which is worth exactly
the virtual option's objective coefficient. If every one is swapped and the tiers already
held still hold, the real allocation reaches the relaxation's optimum, which bounds the full
problem: it is optimal, with no re-solve. No solver here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from matching.allocation_checks import Part, household_violations
from matching.allocation_options import Block, Option, PartKey
from matching.allocation_prune import Pruning
from matching.allocation_types import candidate_tiers
from matching.domain import HouseholdId


class _Occupancy:
    """The parts placed so far in each household, and each referral's households."""

    def __init__(self, pruning: Pruning, real: Sequence[Option]):
        self.pruning = pruning
        self.parts: dict[HouseholdId, list[Part]] = defaultdict(list)
        self.homes: dict[int, set[HouseholdId]] = defaultdict(set)
        self.totals = [0] * 5
        for option in real:
            self.place(option.part_key, option.candidate)

    def place(self, key: PartKey, candidate) -> None:
        unit = self.pruning.instance.referrals[key[0]]
        self.parts[candidate.household_id].append((unit, frozenset(candidate.child_ids)))
        self.homes[key[0]].add(candidate.household_id)
        for tier, value in enumerate(candidate_tiers(candidate)):
            self.totals[tier] += value

    def fits(self, key: PartKey, candidate) -> bool:
        instance = self.pruning.instance
        if candidate.household_id in self.homes[key[0]]:
            return False  # parts of one referral go to different households
        trial = [
            *self.parts[candidate.household_id],
            (instance.referrals[key[0]], frozenset(candidate.child_ids)),
        ]
        return not household_violations(
            instance.household(candidate.household_id),
            trial,
            instance.usual_limit_children,
            instance.risk_age_gap_years,
        )


def repair(
    pruning: Pruning,
    options: Sequence[Option],
    selected: Sequence[int],
    coefficients: dict[int, int],
    block: Block,
    held: Sequence[tuple[int, int]],
) -> tuple[list[tuple[PartKey, int]], list[PartKey]]:
    """A pruned candidate for each virtual option selected, where one is free and worth as much.

    Parameters
    ----------
    pruning : the part lists the virtual options stand for.
    options, selected : the model's options and the relaxation optimum's chosen indices.
    coefficients : objective coefficient of each selected virtual option (by option index).
    block : the tiers being optimised (a swapped-in candidate must be worth the coefficient).
    held : (tier, value) pairs already proven, which the real allocation must still reach.

    Returns
    -------
    swaps : list of (PartKey, int)
        The part and candidate index replacing each virtual option that could be swapped.
    failed : list of PartKey
        Parts whose virtual option could not be swapped (all of them when, after the swaps,
        a held tier would fall short). The repair succeeded when this is empty.
    """
    real = [options[i] for i in selected if not options[i].is_virtual]
    occupancy = _Occupancy(pruning, real)
    candidates = pruning.instance.candidates
    swaps: list[tuple[PartKey, int]] = []
    failed: list[PartKey] = []
    for i in selected:
        if not options[i].is_virtual:
            continue
        key = options[i].part_key
        found = next(
            (
                index
                for index in pruning.parts[key].pruned()
                if block.value(candidate_tiers(candidates[index])) >= coefficients[i]
                and occupancy.fits(key, candidates[index])
            ),
            None,
        )
        if found is None:
            failed.append(key)
            continue
        occupancy.place(key, candidates[found])
        swaps.append((key, found))
    if any(occupancy.totals[tier] < value for tier, value in held):
        failed = [key for key, _ in swaps] + failed
    return swaps, failed
