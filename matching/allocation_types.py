"""Instance and result types for the joint allocation: tier counts, referral and household facts.

Pure frozen dataclasses shared by the model, the greedy baseline and the solver-free checker.
No solver, scoring or file access here: candidates arrive already scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from matching.domain import Candidate, ChildId, Household, HouseholdId, Referral, ReferralId
from sufficiency.domain import age_on

#: The allocator's tiers, best first: each is maximised, then held while the next is optimised.
TIER_NAMES = (
    "children_placed",
    "sibling_groups_together",
    "children_within_threshold",
    "children_keeping_school",
    "score",
)
#: Plain-English labels of the tiers, in the same order (used in messages and the CLI).
TIER_LABELS = (
    "children placed",
    "sibling groups kept together",
    "children within the distance threshold",
    "children keeping their school",
    "weighted score",
)


def candidate_tiers(candidate: Candidate) -> tuple[int, int, int, int, int]:
    """A candidate's contribution to each tier, in ``TIER_NAMES`` order [children, groups, points]."""
    return (
        candidate.places_used,
        int(candidate.siblings_together),
        candidate.children_within_threshold,
        candidate.children_keeping_school,
        candidate.score,
    )


@dataclass(frozen=True, slots=True)
class TierCounts:
    """The value of an allocation on each tier (higher is better on every one)."""

    children_placed: int = 0
    """Children given a household [children]."""
    sibling_groups_together: int = 0
    """Sibling groups (referrals of two or more children) placed whole in one household."""
    children_within_threshold: int = 0
    """Children placed no further than the policy's distance threshold from home [children]."""
    children_keeping_school: int = 0
    """Children placed close enough to keep attending their current school [children]."""
    score: int = 0
    """Sum of the placed candidates' weighted scores [integer points]."""

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return (
            self.children_placed,
            self.sibling_groups_together,
            self.children_within_threshold,
            self.children_keeping_school,
            self.score,
        )

    @classmethod
    def from_candidates(cls, candidates: Iterable[Candidate]) -> TierCounts:
        """Sum the tier contributions of the placed candidates."""
        totals = [0, 0, 0, 0, 0]
        for candidate in candidates:
            for index, value in enumerate(candidate_tiers(candidate)):
                totals[index] += value
        return cls(*totals)

    def as_dict(self) -> dict[str, int]:
        return dict(zip(TIER_NAMES, self.as_tuple(), strict=True))


Mode = tuple[frozenset[ChildId], ...]
"""One way to place a referral: its parts, each going to one household (one part = together)."""


@dataclass(frozen=True, slots=True)
class ReferralUnit:
    """What the cross-referral rules need to know about one referral (ids and dates only).

    ``modes[0]`` is the whole group together; further modes are the care plan's allowed
    splits, each a tuple of parts going to different households.
    """

    referral_id: ReferralId
    received_on: dt.date
    start_date: dt.date
    births: tuple[tuple[ChildId, dt.date], ...]
    """Each child's id and date of birth (ages are taken on the later of two start dates)."""
    risky_child_ids: frozenset[ChildId] = frozenset()
    modes: tuple[Mode, ...] = ()

    def __post_init__(self) -> None:
        if not self.births:
            raise ValueError(f"births: referral {self.referral_id} has no children")
        everyone = frozenset(child for child, _ in self.births)
        if not self.modes:
            object.__setattr__(self, "modes", ((everyone,),))
        if self.modes[0] != (everyone,):
            raise ValueError(f"modes: the first mode of {self.referral_id} must be the whole group")
        for mode in self.modes:
            if sorted(c for part in mode for c in part) != sorted(everyone):
                raise ValueError(
                    f"modes: {mode} does not share out every child of {self.referral_id}"
                )

    @property
    def size(self) -> int:
        return len(self.births)

    def ages_on(self, day: dt.date) -> dict[ChildId, int]:
        """Each child's whole years of age on ``day`` (0 before birth)."""
        return {child: age_on(born, max(day, born)) for child, born in self.births}

    @classmethod
    def from_referral(cls, referral: Referral) -> ReferralUnit:
        """Dates of birth, risk flags and the allowed modes of a referral."""
        whole = (frozenset(c.child_id for c in referral.children),)
        splits = tuple(
            tuple(frozenset(part) for part in split) for split in referral.allowed_splits
        )
        return cls(
            referral_id=referral.referral_id,
            received_on=referral.received_on,
            start_date=referral.start_date,
            births=tuple((c.child_id, c.date_of_birth) for c in referral.children),
            risky_child_ids=frozenset(
                c.child_id for c in referral.children if c.poses_risk_to_younger
            ),
            modes=(whole, *(split for split in splits if split != whole)),
        )


@dataclass(frozen=True, slots=True)
class HouseholdRoom:
    """A household's room for new children, as the cross-referral rules see it."""

    household_id: HouseholdId
    vacancies: int
    """Approved places minus children already placed [children]."""
    placed_count: int = 0
    """Fostered children already living there [children]."""
    placed_sibling_group: str = ""
    """The referral id every placed child shares as sibling group (empty if none or mixed):
    that referral's children are their siblings for the usual limit."""
    usual_limit_exempt: bool = False
    """The council has exempted the household from the usual limit of fostered children."""
    max_sibling_group: int = 1
    """Largest sibling group the household is approved to take together [children]."""

    def __post_init__(self) -> None:
        if self.vacancies < 0 or self.placed_count < 0:
            raise ValueError(f"vacancies: household {self.household_id} has a negative count")

    @classmethod
    def from_household(cls, household: Household) -> HouseholdRoom:
        """Vacancies, children placed and the exemption (placed children's own rules are the shortlist's)."""
        return cls(
            household_id=household.household_id,
            vacancies=household.vacancies,
            placed_count=len(household.placed_children),
            placed_sibling_group=_common_group(household),
            usual_limit_exempt=household.usual_limit_exemption,
            max_sibling_group=household.max_sibling_group,
        )


def _common_group(household: Household) -> str:
    groups = {child.sibling_group for child in household.placed_children}
    return groups.pop() if len(groups) == 1 else ""


Pairing = tuple[ReferralId, HouseholdId]


@dataclass(frozen=True, slots=True)
class AllocationInstance:
    """Everything the allocator optimises over: referrals, households and scored candidates.

    ``candidates`` are the (referral part, household) options that pass the single-referral
    hard rules. ``pins`` must be honoured (the referral gets that household for one of its
    parts); ``forbids`` must not be used.
    """

    referrals: tuple[ReferralUnit, ...]
    households: tuple[HouseholdRoom, ...]
    candidates: tuple[Candidate, ...]
    usual_limit_children: int = 3
    risk_age_gap_years: int = 3
    pins: frozenset[Pairing] = frozenset()
    forbids: frozenset[Pairing] = frozenset()
    referral_index: dict[ReferralId, int] = field(init=False, compare=False, repr=False)
    household_index: dict[HouseholdId, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        referral_index = {r.referral_id: i for i, r in enumerate(self.referrals)}
        household_index = {h.household_id: i for i, h in enumerate(self.households)}
        if len(referral_index) != len(self.referrals):
            raise ValueError("referrals: referral ids repeat")
        if len(household_index) != len(self.households):
            raise ValueError("households: household ids repeat")
        for candidate in self.candidates:
            if candidate.referral_id not in referral_index:
                raise ValueError(f"candidates: unknown referral {candidate.referral_id}")
            if candidate.household_id not in household_index:
                raise ValueError(f"candidates: unknown household {candidate.household_id}")
        object.__setattr__(self, "referral_index", referral_index)
        object.__setattr__(self, "household_index", household_index)

    def referral(self, referral_id: ReferralId) -> ReferralUnit:
        return self.referrals[self.referral_index[referral_id]]

    def household(self, household_id: HouseholdId) -> HouseholdRoom:
        return self.households[self.household_index[household_id]]
