"""Ways to place a referral: the whole group, or each part of a split the care plan allows.

Also who counts as connected (family and friends) to an option's children. No scores or
rules here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.domain import Child, Household, Referral
from matching.household_table import HouseholdTable
from sufficiency.domain import ChildId


@dataclass(frozen=True, slots=True)
class Option:
    """One way to place a referral: the whole group, or one part of an allowed split."""

    referral: Referral
    child_ids: tuple[ChildId, ...]
    label: str  # "whole group" or e.g. "part 2 of split 1"
    whole_group: bool

    @property
    def children(self) -> tuple[Child, ...]:
        return tuple(self.referral.child(c) for c in self.child_ids)

    @property
    def size(self) -> int:
        return len(self.child_ids)

    @property
    def start(self) -> dt.date:
        return self.referral.start_date

    def ages(self) -> list[int]:
        """Each child's whole years of age on the start date, in ``child_ids`` order."""
        return [child.age_on(self.start) for child in self.children]


def options_for(referral: Referral) -> tuple[Option, ...]:
    """The whole group first, then each distinct part of each allowed split, in order."""
    whole = tuple(c.child_id for c in referral.children)
    options = [Option(referral, whole, "whole group", True)]
    seen = {tuple(sorted(whole))}
    for s, split in enumerate(referral.allowed_splits, start=1):
        for p, part in enumerate(split, start=1):
            if tuple(sorted(part)) not in seen:
                seen.add(tuple(sorted(part)))
                options.append(Option(referral, tuple(part), f"part {p} of split {s}", False))
    return tuple(options)


def connected_mask(table: HouseholdTable, option: Option) -> np.ndarray:
    """Households connected to every child of the option, or offered by the referral."""
    mask = np.zeros(len(table), dtype=bool)
    rows = [table.index[h] for h in option.referral.connected_household_ids if h in table.index]
    mask[rows] = True
    counts = np.zeros(len(table), dtype=np.int32)
    for child_id in option.child_ids:
        counts[table.connected_rows.get(child_id, np.empty(0, dtype=np.int64))] += 1
    return mask | (counts == option.size)


def is_connected(household: Household, option: Option) -> bool:
    """Scalar twin of ``connected_mask`` for one household."""
    return (
        household.household_id in option.referral.connected_household_ids
        or set(option.child_ids) <= household.connected_child_ids
    )
