"""Integer scores and tiers for every (referral, household, option), vectorised over households.

``score_option`` computes the hard-rule failures, tiers and weighted components for all
households at once (numpy); ``breakdown`` turns one row into a ``ScoreBreakdown`` that
explains itself. ``score_candidates`` feeds the allocator. No ranking presentation here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.context import MatchContext
from matching.domain import (
    Candidate,
    Household,
    HouseholdFeature,
    HouseholdId,
    Need,
    ProviderType,
    Referral,
    ReferralId,
    SchoolUrn,
    key_stage_for_age,
)
from matching.household_table import (
    FEATURE_BIT,
    household_feature_bits,
    text_key,
)
from matching.options import Option, options_for
from matching.policy import Policy
from matching.score_arrays import OptionScores, score_option, tenths_of_mile, tier_number
from sufficiency.domain import ChildId


@dataclass(frozen=True, slots=True)
class SchoolCheck:
    """Whether one child can keep their current school from this household."""

    child_id: ChildId
    school_urn: SchoolUrn
    key_stage: int
    distance_tenths: int | None  # household -> school [tenths of a mile]; None: not located
    limit_tenths: int  # the policy's limit for the child's key stage [tenths of a mile]

    @property
    def keeps_school(self) -> bool:
        return self.distance_tenths is not None and self.distance_tenths <= self.limit_tenths


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """The tier, every component and the integer total for one (referral, household, option).

    ``total`` is exactly the sum of the six ``*_points`` fields; ``matching.checks``
    recomputes each from the facts recorded here and the policy's weights.
    """

    referral_id: ReferralId
    household_id: HouseholdId
    child_ids: tuple[ChildId, ...]
    option_label: str  # "whole group" or "part p of split s"
    whole_group: bool
    group_size: int  # children in the whole referral
    provider: ProviderType
    tier: int  # 1 (all priorities met) to 16, see ``tier_number``
    siblings_together: bool  # the priority is met: whole group here, or a single child
    distance_tenths: int  # home -> household, straight line [tenths of a mile]
    threshold_tenths: int  # the policy's distance threshold [tenths of a mile]
    in_area: bool  # the household is inside the council's area
    schools: tuple[SchoolCheck, ...]  # children of school age with a recorded school
    connected: bool  # family and friends carer for these children
    connected_offered: bool  # a suitable connected carer exists for this option
    essential_needs: tuple[Need, ...]  # all met (a hard rule)
    desirable_met: tuple[tuple[ChildId, Need], ...]
    desirable_unmet: tuple[tuple[ChildId, Need], ...]
    language_matches: int  # children whose every language the household speaks
    religion_matches: int
    ethnicity_matches: int
    wishes_met: tuple[tuple[ChildId, HouseholdFeature], ...]
    wishes_unmet: tuple[tuple[ChildId, HouseholdFeature], ...]
    weekly_cost_gbp: float  # per child [GBP/week]
    distance_points: int
    needs_points: int
    culture_points: int
    wishes_points: int
    provider_points: int
    cost_points: int
    total: int  # [integer points]

    @property
    def places(self) -> int:
        return len(self.child_ids)

    @property
    def miles_from_home(self) -> float:
        return self.distance_tenths / 10

    @property
    def beyond_threshold(self) -> bool:
        return self.distance_tenths > self.threshold_tenths

    @property
    def children_keeping_school(self) -> int:
        return sum(check.keeps_school for check in self.schools)

    @property
    def children_within_threshold(self) -> int:
        """Children placed within the threshold AND inside the council's area (the tier)."""
        return self.places if (not self.beyond_threshold and self.in_area) else 0

    @property
    def components(self) -> dict[str, int]:
        return {
            "distance": self.distance_points,
            "needs": self.needs_points,
            "culture": self.culture_points,
            "wishes": self.wishes_points,
            "provider": self.provider_points,
            "cost": self.cost_points,
        }

    def as_candidate(self) -> Candidate:
        """The allocator's view of this option (``matching.domain.Candidate``)."""
        return Candidate(
            referral_id=self.referral_id,
            household_id=self.household_id,
            child_ids=self.child_ids,
            siblings_together=self.whole_group and self.group_size > 1,
            children_within_threshold=self.children_within_threshold,
            children_keeping_school=self.children_keeping_school,
            connected=self.connected,
            score=self.total,
        )


def breakdown(
    context: MatchContext, scores: OptionScores, row: int, policy: Policy
) -> ScoreBreakdown:
    """Explain one household row of ``scores`` (facts from the ``Household``, points from numpy)."""
    household = context.households[row]
    option = scores.option
    facts = preference_facts(household, option)
    points = {name: int(values[row]) for name, values in scores.points.items()}
    return ScoreBreakdown(
        referral_id=option.referral.referral_id,
        household_id=household.household_id,
        child_ids=option.child_ids,
        option_label=option.label,
        whole_group=option.whole_group,
        group_size=option.referral.size,
        provider=household.provider,
        tier=int(scores.tier[row]),
        siblings_together=option.whole_group or not option.referral.is_sibling_group,
        distance_tenths=int(scores.distance_tenths[row]),
        threshold_tenths=policy.threshold_tenths,
        in_area=bool(context.table.in_area(policy.council_la_code)[row]),
        schools=school_checks(context, household, option, policy),
        connected=bool(scores.connected[row]),
        connected_offered=scores.connected_offered,
        essential_needs=tuple(sorted({n for c in option.children for n in c.essential_needs})),
        weekly_cost_gbp=household.weekly_cost_gbp,
        distance_points=points["distance"],
        needs_points=points["needs"],
        culture_points=points["culture"],
        wishes_points=points["wishes"],
        provider_points=points["provider"],
        cost_points=points["cost"],
        total=int(scores.total[row]),
        **facts,
    )


def preference_facts(household: Household, option: Option) -> dict:
    """The preference facts for one household (scalar; ``checks`` re-derives points from them)."""
    features = household_feature_bits(household)
    speaks = {text_key(lang) for lang in household.languages}
    children = option.children
    return {
        "desirable_met": tuple(
            (c.child_id, n)
            for c in children
            for n in sorted(c.desirable_needs)
            if n in household.skills
        ),
        "desirable_unmet": tuple(
            (c.child_id, n)
            for c in children
            for n in sorted(c.desirable_needs)
            if n not in household.skills
        ),
        "language_matches": sum(
            bool(c.languages) and {text_key(x) for x in c.languages} <= speaks for c in children
        ),
        "religion_matches": sum(_same(c.religion, household.religion) for c in children),
        "ethnicity_matches": sum(_same(c.ethnicity, household.ethnicity) for c in children),
        "wishes_met": tuple(
            (c.child_id, w) for c in children for w in sorted(c.wishes) if features & FEATURE_BIT[w]
        ),
        "wishes_unmet": tuple(
            (c.child_id, w)
            for c in children
            for w in sorted(c.wishes)
            if not features & FEATURE_BIT[w]
        ),
    }


def _same(a: str, b: str) -> bool:
    return bool(text_key(a)) and text_key(a) == text_key(b)


def school_checks(
    context: MatchContext, household: Household, option: Option, policy: Policy
) -> tuple[SchoolCheck, ...]:
    """School continuity for each school-age child with a recorded school (scalar)."""
    row = context.table.index[household.household_id]
    east, north = context.table.easting_m[row : row + 1], context.table.northing_m[row : row + 1]
    checks = []
    for child in option.children:
        stage = key_stage_for_age(child.age_on(option.start))
        if child.school_urn is None or stage is None:
            continue
        point = context.school_point(child.school_urn)
        tenths = None if point is None else int(tenths_of_mile(point, east, north)[0])
        checks.append(
            SchoolCheck(
                child.child_id, child.school_urn, stage, tenths, policy.school_limit_tenths(stage)
            )
        )
    return tuple(checks)


def score_candidates(
    referrals: Referral | Sequence[Referral],
    households: Sequence[Household],
    context: MatchContext,
    policy: Policy,
    *,
    limit_per_option: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ScoreBreakdown]:
    """Score every suitable (referral, household, option), best first within each option.

    Parameters
    ----------
    referrals : one referral or several; every option (whole group, each allowed part).
    households : the households ``context`` was built from, in the same order.
    limit_per_option : keep only the best N households per option (None: all suitable).
    progress : called as ``progress(referrals_done, referrals_total)``.

    Returns
    -------
    list of ScoreBreakdown
        Only households passing every hard rule; ``.as_candidate()`` gives the allocator's unit.

    Raises
    ------
    ValueError
        If ``context`` was built from different households.
    """
    referrals = [referrals] if isinstance(referrals, Referral) else list(referrals)
    if not context.matches(households):
        raise ValueError("households: the matching context was built from different households")
    result: list[ScoreBreakdown] = []
    for done, referral in enumerate(referrals, start=1):
        distances: dict = {}  # shared by the referral's options
        for option in options_for(referral):
            scores = score_option(context, option, policy, distances=distances)
            rows = scores.order if limit_per_option is None else scores.order[:limit_per_option]
            result.extend(breakdown(context, scores, int(row), policy) for row in rows)
        if progress is not None:
            progress(done, len(referrals))
    return result


__all__ = [
    "ScoreBreakdown",
    "SchoolCheck",
    "OptionScores",
    "score_option",
    "breakdown",
    "score_candidates",
    "tier_number",
]
