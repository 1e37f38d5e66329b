"""Ways to place a referral: the whole group, or each part of a split the care plan allows.

Pure: no households, scores or rules here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matching.domain import Child, Referral
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
