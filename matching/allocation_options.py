"""The allocator's 0/1 options: a candidate used as one part of one way of placing a referral.

Also the exact lexicographic weights that let two tiers be optimised in one solve. Pure Python:
no solver here (``matching.model`` builds the CP-SAT model over these options).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from matching.allocation_types import AllocationInstance, candidate_tiers
from matching.domain import Candidate, ChildId, HouseholdId

PartKey = tuple[int, int, int]
"""(referral index, mode index, part index): one part of one way of placing a referral."""

Tiers = tuple[int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Option:
    """One 0/1 decision: a candidate used as a given part, or a stand-in for pruned candidates.

    A *virtual* option (``candidate is None``) is the relaxation used to bound pruning: it
    carries the best value of each tier over the pruned candidates of its part and uses no
    household, so a model with it can only do better than the full model.
    """

    part_key: PartKey
    tiers: Tiers
    candidate: Candidate | None = None

    @property
    def is_virtual(self) -> bool:
        return self.candidate is None

    @property
    def household_id(self) -> HouseholdId | None:
        return None if self.candidate is None else self.candidate.household_id

    @property
    def size(self) -> int:
        return len(self.candidate.child_ids) if self.candidate is not None else 0


@dataclass(frozen=True, slots=True)
class Block:
    """Tiers optimised together in one solve, with weights that make the sum lexicographic.

    ``weights[k]`` multiplies tier ``tiers[k]``. Each weight exceeds the largest value the
    weighted tiers after it can reach together (all are counts, never negative), so any gain on
    an earlier tier outweighs every change on the later ones: maximising the weighted sum is
    maximising the tiers in order, exactly.
    """

    tiers: tuple[int, ...]
    weights: tuple[int, ...]

    def value(self, tiers: Sequence[int]) -> int:
        """The block's objective for one option's (or an allocation's) tier values."""
        return sum(w * tiers[t] for t, w in zip(self.tiers, self.weights, strict=True))

    def split(self, bound: int, values: Sequence[int]) -> list[int]:
        """Per-tier upper bounds from a bound on the weighted sum, given the values reached.

        The first tier's bound is ``bound // weight``; each later tier's holds for allocations
        equal to ``values`` on the tiers before it in the block.
        """
        bounds, rest = [], bound
        for tier, weight in zip(self.tiers, self.weights, strict=True):
            bounds.append(rest // weight)
            rest -= weight * values[tier]
        return bounds


def tier_blocks(instance: AllocationInstance) -> tuple[Block, ...]:
    """Children placed alone (its model is the hardest: measured faster on its own); sibling
    groups together, within the threshold and schools kept in one weighted solve; the score
    alone (it can be negative, so it is never weighted under another tier)."""
    children = sum(unit.size for unit in instance.referrals)
    weight = children + 1  # more than any count of children or groups can reach
    return (
        Block((0,), (1,)),
        Block((1, 2, 3), (weight * weight, weight, 1)),
        Block((4,), (1,)),
    )


def part_lookup(
    instance: AllocationInstance,
) -> list[dict[frozenset[ChildId], list[tuple[int, int]]]]:
    """For each referral: children of a part -> every (mode, part) it appears as."""
    lookup: list[dict[frozenset[ChildId], list[tuple[int, int]]]] = []
    for unit in instance.referrals:
        parts: dict[frozenset[ChildId], list[tuple[int, int]]] = defaultdict(list)
        for mode_index, mode in enumerate(unit.modes):
            for part_index, part in enumerate(mode):
                parts[part].append((mode_index, part_index))
        lookup.append(parts)
    return lookup


def build_options(
    instance: AllocationInstance,
    candidate_indices: Iterable[int],
    virtual: Mapping[PartKey, Tiers] | None = None,
) -> list[Option]:
    """Options for the kept candidates (one per mode their children form a part of), virtuals."""
    lookup = part_lookup(instance)
    options: list[Option] = []
    for index in candidate_indices:
        candidate = instance.candidates[index]
        referral_index = instance.referral_index[candidate.referral_id]
        for mode, part in lookup[referral_index].get(frozenset(candidate.child_ids), ()):
            options.append(
                Option((referral_index, mode, part), candidate_tiers(candidate), candidate)
            )
    for key, tiers in sorted((virtual or {}).items()):
        options.append(Option(key, tiers))
    return options


def option_key(option: Option) -> tuple:
    """A stable identity for an option across rebuilt models (for hints)."""
    candidate = option.candidate
    if candidate is None:
        return ("virtual", option.part_key)
    return (
        candidate.referral_id,
        candidate.household_id,
        tuple(sorted(candidate.child_ids)),
        option.part_key[1],
    )
