"""The vectorised half of scoring: hard-rule failures, tiers and points for every household.

One call scores one option against the whole ``HouseholdTable`` with numpy; explanation
objects are built elsewhere (``matching.scoring.breakdown``), only for the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.context import MatchContext
from matching.domain import GridPoint, ProviderType, key_stage_for_age
from matching.household_table import FEATURE_BIT, NEED_BIT, PROVIDER_CODE, text_key
from matching.options import Option, connected_mask
from matching.policy import Policy
from matching.rules import failure_bits

METRES_PER_MILE = 1609.344


def tenths_of_mile(point: GridPoint, eastings_m: np.ndarray, northings_m: np.ndarray) -> np.ndarray:
    """Straight-line distances from ``point`` rounded to whole tenths of a mile (DfE method)."""
    miles = np.hypot(eastings_m - point.easting_m, northings_m - point.northing_m) / METRES_PER_MILE
    return np.rint(miles * 10).astype(np.int64)


#: Tier bits: a tier's bit is set when its priority is NOT met; tier = 1 + the bits.
TIER_SIBLINGS, TIER_NEAR, TIER_SCHOOL, TIER_CONNECTED = 8, 4, 2, 1
_IN_HOUSE_CODES = (PROVIDER_CODE[ProviderType.IN_HOUSE], PROVIDER_CODE[ProviderType.CONNECTED])


@dataclass(frozen=True, slots=True, eq=False)
class OptionScores:
    """Failures, tiers and points for one option over every household row (numpy columns)."""

    option: Option
    failures: np.ndarray  # bit i: fails ``rules.HARD_RULES[i]``
    distance_tenths: np.ndarray
    school_keep: np.ndarray  # children keeping their school
    connected: np.ndarray
    connected_offered: bool
    tier: np.ndarray
    points: dict[str, np.ndarray]  # component name -> points
    total: np.ndarray
    order: np.ndarray  # suitable rows, best first

    @property
    def suitable_count(self) -> int:
        return len(self.order)


def score_option(
    context: MatchContext, option: Option, policy: Policy, *, distances: dict | None = None
) -> OptionScores:
    """Score every household for one option, vectorised over the household table.

    ``distances`` may be a dict shared by the options of one referral, so the distances
    from its home and schools [tenths of a mile] are computed once.
    """
    table, weights, k = context.table, policy.weights, option.size
    distances = {} if distances is None else distances
    distance = _tenths_to(context, context.home_point(option.referral), distances)
    failures = failure_bits(table, option, policy)
    connected = connected_mask(table, option)
    offered = bool((connected & (failures == 0)).any())
    near = (distance <= policy.threshold_tenths) & table.in_area(policy.council_la_code)
    school_keep, school_count = _school_keep(context, option, policy, distances)
    siblings_ok = option.whole_group or not option.referral.is_sibling_group
    tier = (
        1
        + TIER_SIBLINGS * (not siblings_ok)
        + TIER_NEAR * ~near
        + TIER_SCHOOL * (school_keep < school_count)
        + TIER_CONNECTED * (offered & ~connected)
    )
    points = {
        "distance": -k
        * (
            weights.distance_per_tenth_mile * distance
            + weights.beyond_threshold * (distance > policy.threshold_tenths)
        ),
        **_preference_points(context, option, policy),
        "provider": k * weights.in_house * np.isin(table.provider, _IN_HOUSE_CODES),
        "cost": -k * weights.cost_per_10_gbp_week * table.cost_tens,
    }
    total = sum(points.values())
    rows = np.flatnonzero(failures == 0)
    order = rows[np.lexsort((table.id_rank[rows], -total[rows], -school_keep[rows], tier[rows]))]
    return OptionScores(
        option, failures, distance, school_keep, connected, offered, tier, points, total, order
    )


def _tenths_to(context: MatchContext, point: GridPoint, distances: dict) -> np.ndarray:
    key = (point.easting_m, point.northing_m)
    if key not in distances:
        distances[key] = tenths_of_mile(point, context.table.easting_m, context.table.northing_m)
    return distances[key]


def _school_keep(
    context: MatchContext, option: Option, policy: Policy, distances: dict
) -> tuple[np.ndarray, int]:
    """Per household, how many children stay within their school's limit; and how many could."""
    table = context.table
    keep = np.zeros(len(table), dtype=np.int64)
    count = 0
    for child in option.children:
        stage = key_stage_for_age(child.age_on(option.start))
        if child.school_urn is None or stage is None:
            continue
        count += 1
        point = context.school_point(child.school_urn)
        if point is None:
            continue  # not located: nobody can be shown to keep it
        keep += _tenths_to(context, point, distances) <= policy.school_limit_tenths(stage)
    return keep, count


def _preference_points(
    context: MatchContext, option: Option, policy: Policy
) -> dict[str, np.ndarray]:
    table, weights = context.table, policy.weights
    needs = np.zeros(len(table), dtype=np.int64)
    culture = np.zeros(len(table), dtype=np.int64)
    wishes = np.zeros(len(table), dtype=np.int64)
    for child in option.children:
        for need in child.desirable_needs:
            needs += (table.skills & NEED_BIT[need]) != 0
        for wish in child.wishes:
            wishes += (table.features & FEATURE_BIT[wish]) != 0
        if child.languages:
            speaks = np.zeros(len(table), dtype=np.int64)
            for language in {text_key(lang) for lang in child.languages}:
                speaks[table.speakers.get(language, np.empty(0, dtype=np.int64))] += 1
            culture += weights.language_match * (
                speaks == len({text_key(x) for x in child.languages})
            )
        for code, column, weight in (
            (table.code(child.religion), table.religion, weights.religion_match),
            (table.code(child.ethnicity), table.ethnicity, weights.ethnicity_match),
        ):
            if code >= 0:
                culture += weight * (column == code)
    return {
        "needs": weights.desirable_need_met * needs,
        "culture": culture,
        "wishes": weights.wish_met * wishes,
    }


def tier_number(siblings_ok: bool, near_ok: bool, school_ok: bool, connected_ok: bool) -> int:
    """Tier 1 (every priority met) to 16, ordering the priorities lexicographically."""
    return 1 + (
        TIER_SIBLINGS * (not siblings_ok)
        + TIER_NEAR * (not near_ok)
        + TIER_SCHOOL * (not school_ok)
        + TIER_CONNECTED * (not connected_ok)
    )
