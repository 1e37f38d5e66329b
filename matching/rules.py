"""The hard rules of matching: a household that fails one is not ranked for that option.

Each rule is one class with a stable ``code``, a vectorised ``fails`` over the household
table (the ranking hot path) and a scalar ``explain`` over one ``Household`` (the plain-English
reason, and an independent re-check used by ``matching.checks``). No scoring here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.domain import Household, ProviderType
from matching.household_table import KIND_BIT, NEED_BIT, PROVIDER_CODE, HouseholdTable, bits
from matching.options import Option, connected_mask, is_connected
from matching.policy import Policy


def _ages_on(year: np.ndarray, monthday: np.ndarray, day: dt.date) -> np.ndarray:
    """Whole years of age on ``day`` for dates of birth given as year and month*100+day."""
    return day.year - year - ((day.month * 100 + day.day) < monthday)


class AgeRange:
    """Every child must be within the household's approved age range on the start date."""

    code = "age-range"
    title = "approved age range"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        ages = option.ages()
        return (table.age_min > min(ages)) | (table.age_max < max(ages))

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        low, high = household.approved_age_min, household.approved_age_max
        outside = [
            f"{c.child_id} is {c.age_on(option.start)}"
            for c in option.children
            if not low <= c.age_on(option.start) <= high
        ]
        if outside:
            return f"approved for ages {low}-{high}, but on the start date {'; '.join(outside)}"
        return None


class PlacementKindApproved:
    """The household must be approved for the kind of placement asked for."""

    code = "placement-kind"
    title = "placement kind"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        return (table.kinds & KIND_BIT[option.referral.placement_kind]) == 0

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        kind = option.referral.placement_kind
        if kind in household.approved_kinds:
            return None
        approved = ", ".join(sorted(household.approved_kinds)) or "none"
        return f"not approved for {kind} placements (approved for: {approved})"


class VacancyCapacity:
    """The household needs a vacant place for every child in the group (or the part)."""

    code = "vacancies"
    title = "enough vacancies"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        return table.vacancies < option.size

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        if household.vacancies >= option.size:
            return None
        return f"has {household.vacancies} vacant place(s) but {option.size} are needed"


class UsualLimit:
    """No more than the usual limit of fostered children (three), unless all are siblings.

    Children already placed count as siblings of the new ones when they were placed from
    the same referral (their ``sibling_group`` is the referral id). An exemption lifts it.
    """

    code = "usual-limit"
    title = "usual limit of fostered children"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        over = table.placed_count + option.size > policy.usual_limit_children
        all_siblings = (table.placed_count == 0) | (
            table.common_sibling_group == option.referral.referral_id
        )
        return over & ~all_siblings & ~table.exempt

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        total = len(household.placed_children) + option.size
        siblings = all(
            c.sibling_group == option.referral.referral_id for c in household.placed_children
        )
        if total <= policy.usual_limit_children or siblings or household.usual_limit_exemption:
            return None
        return (
            f"would have {total} fostered children, over the usual limit of "
            f"{policy.usual_limit_children}, and they would not all be siblings (no exemption)"
        )


class EssentialNeedsMet:
    """The household's skills must cover every essential need of every child placed."""

    code = "essential-needs"
    title = "essential needs"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        needed = bits((n for c in option.children for n in c.essential_needs), NEED_BIT)
        return (table.skills & needed) != needed

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        needed = {n for c in option.children for n in c.essential_needs}
        unmet = sorted(needed - household.skills)
        return f"cannot meet essential need(s): {', '.join(unmet)}" if unmet else None


class AvailableByStart:
    """The household must be approved, not deregistered, not on hold and free by the start."""

    code = "availability"
    title = "available by the start date"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        start = option.start.toordinal()
        return (
            table.on_hold
            | (table.available_ord > start)
            | (table.approved_ord > start)
            | (table.deregistered_ord <= start)
        )

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        start = option.start
        if household.on_hold:
            return "is on hold"
        if household.approved_on is not None and household.approved_on > start:
            return f"is not approved until {household.approved_on.isoformat()}"
        if household.deregistered_on is not None and household.deregistered_on <= start:
            return f"was deregistered on {household.deregistered_on.isoformat()}"
        if household.available_from is not None and household.available_from > start:
            return (
                f"is not available until {household.available_from.isoformat()} "
                f"(start date {start.isoformat()})"
            )
        return None


class SiblingGroupSize:
    """A group of two or more must be within the household's approved sibling-group size."""

    code = "sibling-group-size"
    title = "sibling group size"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        if option.size < 2:
            return np.zeros(len(table), dtype=bool)
        return table.max_sibling_group < option.size

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        if option.size < 2 or household.max_sibling_group >= option.size:
            return None
        return (
            f"is approved for sibling groups of up to {household.max_sibling_group}; "
            f"{option.size} children are to be placed together"
        )


class CompatibleWithPlaced:
    """A child posing a risk to younger children is not placed with one much younger.

    Checked both ways against the children already living there: a new child who poses a
    risk must not be more than ``risk_age_gap_years`` older than any placed child, and a
    placed child who poses a risk must not be that much older than any new child. Siblings
    in the referral are not checked against each other (the care plan decided that).
    """

    code = "compatibility"
    title = "compatibility with children already placed"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        fail = np.zeros(len(table), dtype=bool)
        if table.placed_household.size == 0:
            return fail
        placed_ages = _ages_on(table.placed_birth_year, table.placed_birth_monthday, option.start)
        ages = option.ages()
        gap = policy.risk_age_gap_years
        risky_ages = [
            a for a, c in zip(ages, option.children, strict=True) if c.poses_risk_to_younger
        ]
        bad = table.placed_risky & (placed_ages - min(ages) > gap)
        if risky_ages:
            bad |= max(risky_ages) - placed_ages > gap
        fail[table.placed_household[bad]] = True
        return fail

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        gap = policy.risk_age_gap_years
        for placed in household.placed_children:
            placed_age = _age(placed.date_of_birth, option.start)
            for child in option.children:
                age = child.age_on(option.start)
                if child.poses_risk_to_younger and age - placed_age > gap:
                    return (
                        f"new child {child.child_id} poses a risk to younger children and "
                        f"placed child {placed.child_id} is {age - placed_age} years younger "
                        f"(limit {gap})"
                    )
                if placed.poses_risk_to_younger and placed_age - age > gap:
                    return (
                        f"placed child {placed.child_id} poses a risk to younger children and "
                        f"new child {child.child_id} is {placed_age - age} years younger "
                        f"(limit {gap})"
                    )
        return None


def _age(date_of_birth: dt.date, day: dt.date) -> int:
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


class ConnectedCarerFor:
    """A connected (family and friends) carer may only take the children they are connected to.

    They qualify when every child placed is among their ``connected_child_ids``, or when the
    referral names them among its ``connected_household_ids``.
    """

    code = "connected-carer"
    title = "connected carer for these children"

    def fails(self, table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
        return (table.provider == PROVIDER_CODE[ProviderType.CONNECTED]) & ~connected_mask(
            table, option
        )

    def explain(self, household: Household, option: Option, policy: Policy) -> str | None:
        if household.provider != ProviderType.CONNECTED or is_connected(household, option):
            return None
        others = ", ".join(sorted(household.connected_child_ids)) or "no named children"
        missing = ", ".join(c for c in option.child_ids if c not in household.connected_child_ids)
        return f"is a connected (family and friends) carer for {others}, not for {missing}"


#: Every hard rule, in the order reasons are listed. Position ``i`` is bit ``1 << i``.
HARD_RULES = (
    AgeRange(),
    PlacementKindApproved(),
    VacancyCapacity(),
    UsualLimit(),
    EssentialNeedsMet(),
    AvailableByStart(),
    SiblingGroupSize(),
    CompatibleWithPlaced(),
    ConnectedCarerFor(),
)
RULE_CODES = tuple(rule.code for rule in HARD_RULES)


def failure_bits(table: HouseholdTable, option: Option, policy: Policy) -> np.ndarray:
    """One integer per household: bit ``i`` set when it fails ``HARD_RULES[i]`` for the option."""
    result = np.zeros(len(table), dtype=np.int64)
    for i, rule in enumerate(HARD_RULES):
        result |= rule.fails(table, option, policy).astype(np.int64) << i
    return result


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """One hard rule a household fails for an option, with its plain-English reason."""

    code: str
    title: str
    reason: str


def explain_failures(
    household: Household, option: Option, policy: Policy
) -> tuple[RuleFailure, ...]:
    """Every hard rule the household fails for the option (scalar, independent of the table)."""
    failures = []
    for rule in HARD_RULES:
        reason = rule.explain(household, option, policy)
        if reason is not None:
            failures.append(RuleFailure(rule.code, rule.title, reason))
    return tuple(failures)
