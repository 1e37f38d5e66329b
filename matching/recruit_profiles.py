"""Household profiles a council could recruit: where, approval age range, sibling room, skills.

Candidate profiles come from the unmet need (its home districts, its ages, group sizes and
needs); each profile becomes a hypothetical in-house ``Household`` the matching rules can
judge. Also the plain-English words for a profile. No solver and no geography look-ups here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matching.domain import Household, HouseholdId, Need, PlacementKind, ProviderType
from matching.gaps import PastReferral

#: Approval age ranges fostering panels commonly give [years, inclusive]: babies and
#: toddlers, younger children, primary to early secondary, teenagers.
AGE_RANGES: tuple[tuple[int, int], ...] = ((0, 4), (0, 10), (5, 12), (11, 17))
#: Kinds of placement a new general household is approved for.
APPROVED_KINDS = frozenset(
    {PlacementKind.EMERGENCY, PlacementKind.SHORT_TERM, PlacementKind.LONG_TERM}
)
#: Places of a general household (England's fostering households average under two places,
#: Ofsted "Fostering in England" 2023); it may take two children from one family.
GENERAL_PLACES = 2
#: Households approved for a sibling group this size or larger are kept for sibling groups
#: (the reason a council recruits them); they have as many places as their sibling room.
SIBLING_HOUSEHOLD_FROM = 3


@dataclass(frozen=True, slots=True)
class Profile:
    """A kind of household to recruit, anchored in one postcode district.

    ``postcode`` is a unit postcode near the district's centre (used only to measure
    distances). A general household has ``GENERAL_PLACES`` places and may take two siblings;
    a sibling household (room for ``SIBLING_HOUSEHOLD_FROM`` or more) has one place per
    child of its sibling room and takes sibling groups only.
    """

    district: str
    postcode: str
    age_min_years: int
    age_max_years: int
    max_sibling_group: int
    skills: frozenset[Need] = frozenset()

    def __post_init__(self) -> None:
        if not 0 <= self.age_min_years <= self.age_max_years <= 17:
            raise ValueError(
                f"age_min_years/age_max_years: {self.age_min_years}-{self.age_max_years} "
                "is not a range within 0-17"
            )
        if self.max_sibling_group < GENERAL_PLACES:
            raise ValueError(
                f"max_sibling_group: {self.max_sibling_group} must be at least {GENERAL_PLACES}"
            )

    @property
    def places(self) -> int:
        return self.max_sibling_group if self.for_sibling_groups else GENERAL_PLACES

    @property
    def for_sibling_groups(self) -> bool:
        return self.max_sibling_group >= SIBLING_HOUSEHOLD_FROM

    @property
    def kind(self) -> tuple[int, int, int, tuple[str, ...]]:
        """Everything but the place: profiles of one kind are one recruitment message."""
        return (
            self.age_min_years,
            self.age_max_years,
            self.max_sibling_group,
            tuple(sorted(self.skills)),
        )

    def household(
        self, household_id: str, weekly_cost_gbp: float, approved_on: dt.date | None = None
    ) -> Household:
        """The profile as an empty in-house household the matching rules can judge."""
        return Household(
            household_id=HouseholdId(household_id),
            name=f"New household {household_id} ({self.district})",
            provider=ProviderType.IN_HOUSE,
            postcode=self.postcode,
            approved_places=self.places,
            approved_age_min=self.age_min_years,
            approved_age_max=self.age_max_years,
            approved_kinds=APPROVED_KINDS,
            max_sibling_group=self.max_sibling_group,
            skills=self.skills,
            weekly_cost_gbp=weekly_cost_gbp,
            approved_on=approved_on,
        )

    def describe(self) -> str:
        """The kind of household in words, e.g. "approved for ages 11-17, skilled in teenagers"."""
        text = f"approved for ages {self.age_min_years}-{self.age_max_years}"
        if self.for_sibling_groups:
            text += f", able to take {self.max_sibling_group} siblings together"
        if self.skills:
            text += ", with skills in " + _join(sorted(str(s) for s in self.skills))
        return text


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def skill_sets(unmet: Sequence[PastReferral], limit: int) -> list[frozenset[Need]]:
    """The most common sets of essential needs among unmet referrals (by children), plus none."""
    counts: Counter[frozenset[Need]] = Counter()
    for past in unmet:
        needs = frozenset().union(*(c.essential_needs for c in past.referral.children))
        counts[needs] += past.children
    ranked = [needs for needs, _ in sorted(counts.items(), key=lambda kv: (-kv[1], sorted(kv[0])))]
    chosen = ranked[:limit]
    return chosen if frozenset() in chosen else [*chosen, frozenset()]


def candidate_profiles(
    unmet: Sequence[PastReferral],
    anchors: Mapping[str, str],
    *,
    age_ranges: Sequence[tuple[int, int]] = AGE_RANGES,
    max_districts: int = 6,
    max_skill_sets: int = 5,
) -> tuple[Profile, ...]:
    """Profiles to choose from: districts x approval ranges x sibling room x skill sets.

    Districts are the home districts with most unmet children that have an anchor postcode
    (in the council's area); sibling room is ``GENERAL_PLACES`` (a general household) or the
    size of each unmet sibling group of ``SIBLING_HOUSEHOLD_FROM`` or more; skill sets are the
    commonest sets of essential needs. A profile whose skills include a need no child in its
    age range has is dropped (the same profile without it does the same).
    """
    by_district: Counter[str] = Counter()
    for past in unmet:
        if past.district in anchors:
            by_district[past.district] += past.children
    districts = [
        d for d, _ in sorted(by_district.items(), key=lambda kv: (-kv[1], kv[0]))[:max_districts]
    ]
    rooms = sorted(
        {GENERAL_PLACES} | {p.children for p in unmet if p.children >= SIBLING_HOUSEHOLD_FROM}
    )
    profiles = []
    for skills in skill_sets(unmet, max_skill_sets):
        for low, high in age_ranges:
            if not _skills_fit(skills, low, high, unmet):
                continue
            for room in rooms:
                profiles.extend(Profile(d, anchors[d], low, high, room, skills) for d in districts)
    return tuple(profiles)


def _skills_fit(
    skills: frozenset[Need], low: int, high: int, unmet: Sequence[PastReferral]
) -> bool:
    """Whether some unmet child aged low-high needs every one of these skills' needs at all."""
    if not skills:
        return True
    needed: set[Need] = set()
    for past in unmet:
        for child in past.referral.children:
            if low <= child.age_on(past.referral.start_date) <= high:
                needed |= child.essential_needs
    return skills <= needed
