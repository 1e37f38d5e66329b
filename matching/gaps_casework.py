"""Gaps from casework: recorded decisions that fell short, and open referrals of today that no
household can take well (the allocator's answer), as past referrals beside the SSDA903 history.

Pure over domain objects (referrals, decisions, households) and a ``MatchContext``, which the
caller builds from any store or files (it is built here through ``matching.geo`` if None).
``merge_sources`` drops casework the history already holds. No files, no clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from matching.allocate import allocate
from matching.context import MatchContext, build_context
from matching.domain import Decision, Household, HouseholdId, ProviderType, Referral
from matching.gaps_types import GapSource, PastPlacement, PastReferral, Shortfall, district_of
from matching.policy import Policy
from sufficiency.domain import ChildId, PlacementType

METRES_PER_MILE = 1609.344
#: The placement type a household's provider gives (connected carers are family: kinship).
PROVIDER_PLACEMENT = {
    ProviderType.IN_HOUSE: PlacementType.IN_HOUSE_FOSTERING,
    ProviderType.AGENCY: PlacementType.AGENCY_FOSTERING,
    ProviderType.CONNECTED: PlacementType.KINSHIP_FOSTERING,
}
#: A history placement of the same child starting this close to a casework referral's start is
#: the same placement (the 903 start date and the requested start can differ by days) [days].
SAME_PLACEMENT_WITHIN_DAYS = 14


@dataclass(frozen=True, slots=True)
class _Where:
    """A child's household, as the gap analysis needs it."""

    household: Household | None
    distance_miles: float | None
    in_area: bool | None


def _locate(
    context: MatchContext, referral: Referral, household_id: HouseholdId | None, policy: Policy
) -> _Where:
    row = context.table.index.get(household_id) if household_id else None
    if row is None:
        return _Where(None, None, None)
    home = context.home_point(referral)
    east, north = context.table.easting_m[row], context.table.northing_m[row]
    miles = math.hypot(east - home.easting_m, north - home.northing_m) / METRES_PER_MILE
    in_area = bool(context.table.in_area(policy.council_la_code)[row])
    return _Where(context.households[row], miles, in_area)


def _placements(
    referral: Referral,
    where: Mapping[ChildId, _Where],
    started: dt.date,
    unit_costs_gbp: Mapping[PlacementType, float],
) -> tuple[PastPlacement, ...]:
    placements = []
    for child in referral.children:
        found = where.get(child.child_id, _Where(None, None, None))
        kind = PROVIDER_PLACEMENT[found.household.provider] if found.household else None
        cost = found.household.weekly_cost_gbp if found.household else 0.0
        if not cost and kind is not None:
            cost = float(unit_costs_gbp.get(kind, 0.0))
        placements.append(
            PastPlacement(child.child_id, kind, found.distance_miles, started, None, cost)
        )
    return tuple(placements)


def _shortfalls(
    referral: Referral, where: Mapping[ChildId, _Where], policy: Policy
) -> set[Shortfall]:
    found: set[Shortfall] = set()
    for item in where.values():
        if item.household is not None and item.household.provider == ProviderType.AGENCY:
            found.add(Shortfall.AGENCY)
        if item.distance_miles is not None and item.distance_miles > policy.threshold_miles:
            found.add(Shortfall.OVER_20_MILES)
        if item.in_area is False:
            found.add(Shortfall.OUT_OF_AREA)
    homes = {item.household.household_id for item in where.values() if item.household}
    if referral.is_sibling_group and len(homes) > 1:
        found.add(Shortfall.SPLIT)
    return found


def _latest_per_child(referral: Referral, decisions: Sequence[Decision]) -> dict[ChildId, Decision]:
    """Each child's household by the referral's latest decision naming them (all, if none do)."""
    chosen: dict[ChildId, Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.decided_at):
        for child_id in decision.child_ids or tuple(c.child_id for c in referral.children):
            chosen[child_id] = decision
    return chosen


def decision_gaps(
    referrals: Iterable[Referral],
    decisions: Iterable[Decision],
    households: Sequence[Household],
    policy: Policy,
    *,
    as_of: dt.date,
    unit_costs_gbp: Mapping[PlacementType, float],
    since: dt.date | None = None,
    context: MatchContext | None = None,
) -> tuple[PastReferral, ...]:
    """Each decided referral as a past referral, with the shortfalls of the households chosen.

    Rules: a decision falls short when the chosen household is an agency's, more than the
    policy's threshold (20 miles) from home or outside the council's area (measured, or as the
    decision recorded), or when a sibling group went to more than one household or some of
    its children are in no decision. Referrals decided only to connected (family and friends)
    carers are left out: a recruited household would not replace family. Decisions made after
    ``as_of``, for referrals not given, or for referrals starting before ``since`` are ignored.
    A child's placement starts on the referral's start date and is still open on ``as_of``.

    Parameters
    ----------
    households : the households decisions name (an unknown one is judged on the flags only).
    unit_costs_gbp : cost of a week per placement type, for households without their own
        weekly cost [GBP/week].
    context : households and referral homes located (built through ``matching.geo`` if None).
    """
    by_id = {r.referral_id: r for r in referrals}
    grouped: dict[str, list[Decision]] = {}
    for decision in decisions:
        referral = by_id.get(decision.referral_id)
        if referral is None or decision.decided_at.date() > as_of:
            continue
        if since is not None and referral.start_date < since:
            continue
        grouped.setdefault(decision.referral_id, []).append(decision)
    if context is None or not context.matches(households):
        context = build_context(households, [by_id[r] for r in grouped], schools={})
    found = [
        _decided(by_id[referral_id], items, context, policy, as_of, unit_costs_gbp)
        for referral_id, items in sorted(grouped.items())
    ]
    return tuple(p for p in found if p is not None)


def _decided(referral, decisions, context, policy, as_of, unit_costs_gbp) -> PastReferral | None:
    """One decided referral as a past referral (None: decided to family and friends only)."""
    per_child = _latest_per_child(referral, decisions)
    where = {
        child_id: _locate(context, referral, decision.household_id, policy)
        for child_id, decision in per_child.items()
    }
    known = [w.household for w in where.values() if w.household is not None]
    if known and all(h.provider == ProviderType.CONNECTED for h in known):
        return None
    shortfalls = _shortfalls(referral, where, policy)
    if any(d.beyond_threshold for d in per_child.values()):
        shortfalls.add(Shortfall.OVER_20_MILES)
    if any(d.out_of_area for d in per_child.values()):
        shortfalls.add(Shortfall.OUT_OF_AREA)
    if referral.is_sibling_group and len(per_child) < referral.size:
        shortfalls.add(Shortfall.SPLIT)
    placements = _placements(referral, where, referral.start_date, unit_costs_gbp)
    return _past(referral, placements, shortfalls, as_of, GapSource.DECISION)


def open_referral_gaps(
    referrals: Iterable[Referral],
    households: Sequence[Household],
    policy: Policy,
    *,
    as_of: dt.date,
    unit_costs_gbp: Mapping[PlacementType, float],
    context: MatchContext | None = None,
    time_limit_s: float = 10.0,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> tuple[PastReferral, ...]:
    """Today's open referrals, each with where the allocator would place its children now.

    The open referrals are allocated together to the households' vacancies
    (``matching.allocate``: the shortlist's hard rules and scores, shared vacancies, siblings
    together where possible). A referral falls short when a child would get no household, go
    to an agency household, beyond the threshold or outside the council's area, or apart from
    brothers and sisters. The placement starts on the later of its start date and ``as_of``
    and has cost nothing yet. Met referrals are returned too (no shortfalls).
    """
    open_referrals = [r for r in referrals if r.status == "open"]
    if not open_referrals:
        return ()
    if context is None or not context.matches(households):
        context = build_context(households, open_referrals, schools={})
    result = allocate(
        open_referrals,
        households,
        context,
        policy,
        explain=False,
        time_limit_s=time_limit_s,
        workers=workers,
        progress=progress,
    )
    placed = result.allocation
    if result.status not in ("optimal", "feasible"):
        placed = (
            result.greedy_allocation
        )  # nothing from the solver in time: first come first served
    found = []
    for referral in open_referrals:
        where = {
            child_id: _locate(context, referral, candidate.household_id, policy)
            for candidate in placed
            if candidate.referral_id == referral.referral_id
            for child_id in candidate.child_ids
        }
        shortfalls = _shortfalls(referral, where, policy)
        if len(where) < referral.size:
            shortfalls.add(Shortfall.NO_HOUSEHOLD)
        start = max(referral.start_date, as_of)
        placements = _placements(referral, where, start, unit_costs_gbp)
        found.append(_past(referral, placements, shortfalls, as_of, GapSource.OPEN))
    return tuple(found)


def _past(referral, placements, shortfalls, as_of, source) -> PastReferral:
    return PastReferral(
        referral=referral,
        district=district_of(referral.home_postcode),
        placements=placements,
        shortfalls=frozenset(shortfalls),
        as_of=as_of,
        source=source,
    )


def merge_sources(
    history: Sequence[PastReferral], casework: Iterable[PastReferral]
) -> tuple[tuple[PastReferral, ...], tuple[str, ...]]:
    """The history plus the casework it does not already hold, and what was left out.

    A casework referral is the history's when one of its children has a history placement
    starting within ``SAME_PLACEMENT_WITHIN_DAYS`` of it (the history keeps its actual
    dates, length and cost); it is also left out when its id is already taken.
    """
    starts: dict[ChildId, list[dt.date]] = {}
    for past in history:
        for child in past.referral.children:
            starts.setdefault(child.child_id, []).append(past.referral.start_date)
    kept, ids = list(history), {p.referral.referral_id for p in history}
    dropped: dict[GapSource, int] = {}
    clashes: list[str] = []
    for item in casework:
        start = item.referral.start_date
        if any(
            abs((day - start).days) <= SAME_PLACEMENT_WITHIN_DAYS
            for child in item.referral.children
            for day in starts.get(child.child_id, ())
        ):
            dropped[item.source] = dropped.get(item.source, 0) + 1
            continue
        if item.referral.referral_id in ids:
            clashes.append(str(item.referral.referral_id))
            continue
        ids.add(item.referral.referral_id)
        kept.append(item)
    messages = [
        f"{count} {SOURCE_WORDS[source]} already in the SSDA903 history: counted once, from it"
        for source, count in sorted(dropped.items())
    ]
    if clashes:
        messages.append(f"left out, their ids already used: {', '.join(sorted(clashes))}")
    merged = sorted(kept, key=lambda p: (p.referral.start_date, p.referral.referral_id))
    return tuple(merged), tuple(messages)


SOURCE_WORDS = {
    GapSource.HISTORY: "placement(s) in the history",
    GapSource.DECISION: "recorded decision(s)",
    GapSource.OPEN: "open referral(s)",
}
