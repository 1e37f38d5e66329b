"""Replay the past with hypothetical households: which unmet referrals they would have taken.

The shortlist's hard rules and scores (``matching.allocation_candidates``) decide which new
household could take which past referral; a CP-SAT model then shares each household's places
over time, in the allocator's priority order. It adds no households and reads no files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from matching.allocation_candidates import generate_candidates
from matching.context import MatchContext, build_context
from matching.domain import Candidate, Household, HouseholdId, ReferralId
from matching.gaps import GapSource, PastReferral, Shortfall
from matching.policy import Policy
from matching.recruit_profiles import SIBLING_HOUSEHOLD_FROM
from matching.recruit_solve import first_priority_weight, maximise_in_order
from matching.recruit_time import day_span, interval_cliques
from sufficiency.domain import PlacementType

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]
#: Points per pound saved in the second tier, so that savings outweigh the score's distance
#: and culture points (a pound is worth 10 points; a tenth of a mile per child is 1).
POINTS_PER_GBP = 10


@dataclass(frozen=True, slots=True)
class ReplayPlacement:
    """A past referral the new households would have taken, and what that would have changed."""

    referral_id: ReferralId
    household_id: HouseholdId
    children: int
    fixed: frozenset[Shortfall]
    """The shortfalls of the actual placement this one would have avoided (all of them)."""
    agency_weeks: float
    """Child-weeks the children spent in agency foster care, avoided [weeks]."""
    residential_weeks: float
    """Child-weeks in children's homes, avoided [weeks]."""
    saved_gbp: int
    """Actual placements' cost minus the household's weekly cost for the same weeks [GBP]."""
    score: int
    """The shortlist's weighted score of the household for the referral [points]."""
    source: GapSource = GapSource.HISTORY
    """Where the referral's gap was found (an open referral of today, a decision, history)."""


@dataclass(frozen=True, slots=True)
class ReplayEffect:
    """The effect of adding households to the past: every placement and the totals."""

    household_ids: tuple[HouseholdId, ...]
    placements: tuple[ReplayPlacement, ...] = ()
    status: str = "optimal"
    """"optimal", "feasible" (time limit: best found), or "kept" (the previous, smaller set's
    replay was better than the solver found in time, and is still possible, so it is kept)."""

    @property
    def children_better_placed(self) -> int:
        """Children who would have lived with a new local in-house household [children]."""
        return sum(p.children for p in self.placements)

    @property
    def children_brought_within_20_miles(self) -> int:
        return sum(p.children for p in self.placements if Shortfall.OVER_20_MILES in p.fixed)

    @property
    def sibling_groups_kept_together(self) -> int:
        """Sibling groups that were split and would have lived together [groups]."""
        return sum(1 for p in self.placements if Shortfall.SPLIT in p.fixed)

    @property
    def open_referrals_placed(self) -> int:
        """Children of today's open referrals who would have a local in-house home [children]."""
        return sum(p.children for p in self.placements if p.source == GapSource.OPEN)

    @property
    def agency_weeks_avoided(self) -> float:
        return sum(p.agency_weeks for p in self.placements)

    @property
    def residential_weeks_avoided(self) -> float:
        return sum(p.residential_weeks for p in self.placements)

    @property
    def saved_gbp(self) -> int:
        return sum(p.saved_gbp for p in self.placements)

    @property
    def objective(self) -> tuple[int, int]:
        """(children better placed, pounds saved x POINTS_PER_GBP + score): compared in order."""
        return (
            self.children_better_placed,
            sum(p.saved_gbp * POINTS_PER_GBP + p.score for p in self.placements),
        )

    def household_of(self, referral_id: ReferralId) -> HouseholdId | None:
        for placement in self.placements:
            if placement.referral_id == referral_id:
                return placement.household_id
        return None


def replay_placement(past: PastReferral, household: Household, score: int) -> ReplayPlacement:
    """The effect of one past referral going to one new household (solver-free)."""
    weeks = past.weeks
    return ReplayPlacement(
        referral_id=past.referral.referral_id,
        household_id=household.household_id,
        children=past.children,
        fixed=past.shortfalls,
        agency_weeks=past.weeks_in(PlacementType.AGENCY_FOSTERING),
        residential_weeks=past.weeks_in(PlacementType.CHILDRENS_HOME),
        saved_gbp=round(past.cost_gbp - weeks * household.weekly_cost_gbp),
        score=score,
        source=past.source,
    )


def better_candidates(
    unmet: Sequence[PastReferral], context: MatchContext, policy: Policy
) -> list[Candidate]:
    """Candidates that keep the whole group together within the threshold, in the council's area.

    Each such candidate improves on the actual placement in every way it fell short: the new
    household is in-house, local, and takes the siblings together. A household approved for
    ``SIBLING_HOUSEHOLD_FROM`` or more siblings takes sibling groups only.
    """
    referrals = [p.referral for p in unmet]
    sizes = {r.referral_id: r.size for r in referrals}
    for_groups = {
        h.household_id for h in context.households if h.max_sibling_group >= SIBLING_HOUSEHOLD_FROM
    }
    return [
        c
        for c in generate_candidates(referrals, context, policy)
        if c.places_used == sizes[c.referral_id]
        and c.children_within_threshold == c.places_used
        and (c.places_used > 1 or c.household_id not in for_groups)
    ]


def _add_time_capacity(
    model: cp_model.CpModel,
    chosen: dict[int, cp_model.IntVar],
    candidates: list[Candidate],
    by_id: dict[ReferralId, PastReferral],
    households: dict[HouseholdId, Household],
    usual_limit: int,
) -> None:
    """A household's children at any time fit its places (and the usual limit, or one group at
    a time when it is approved above the usual limit for a large sibling group)."""
    by_household: dict[HouseholdId, list[int]] = {}
    for index, candidate in enumerate(candidates):
        by_household.setdefault(candidate.household_id, []).append(index)
    for household_id, indexes in by_household.items():
        household = households[household_id]
        one_group = household.approved_places > usual_limit and not household.usual_limit_exemption
        spans = [day_span(by_id[candidates[i].referral_id]) for i in indexes]
        for clique in interval_cliques(spans):
            active = [indexes[k] for k in clique]
            if sum(candidates[i].places_used for i in active) > household.approved_places:
                model.Add(
                    sum(candidates[i].places_used * chosen[i] for i in active)
                    <= household.approved_places
                )
            if one_group and len(active) > 1:
                model.AddAtMostOne(chosen[i] for i in active)


def replay(
    past: Sequence[PastReferral],
    households: Sequence[Household],
    policy: Policy,
    *,
    context: MatchContext | None = None,
    start_from: ReplayEffect | None = None,
    candidates: Sequence[Candidate] | None = None,
    time_limit_s: float = 10.0,
    workers: int = 1,
    progress: Progress | None = None,
) -> ReplayEffect:
    """Which unmet past referrals the new households would have taken, best first.

    Parameters
    ----------
    past : past referrals (``matching.gaps_history``); only unmet ones are replayed, the met
        ones keep their actual placements.
    households : the hypothetical new households, empty, approved from the window's start.
    policy : the shortlist policy (rules, weights, distance threshold, council area).
    context : located households and homes (built if None).
    start_from : the replay of a subset of ``households``; it is kept if the solver finds
        nothing better in time, so adding households never makes the replay worse.
    candidates : ``better_candidates`` for these households, when already known (the
        optimiser's, for households built from its profiles); found here if None.
    time_limit_s : per solver stage [s].
    workers : CP-SAT workers (one is fastest for these small models).

    Returns
    -------
    ReplayEffect
        Rules: a household takes a referral only if it passes every hard rule of the
        shortlist, is within the distance threshold in the council's area and keeps the
        siblings together; the children stay as long as they stayed in the actual placement;
        at any time a household holds no more children than its places. Priorities, in order:
        most children better placed; then most money saved (then the highest score).
    """
    say = progress or (lambda message: None)
    unmet = [p for p in past if p.unmet]
    ids = tuple(h.household_id for h in households)
    if not unmet or not households:
        return ReplayEffect(ids)
    if candidates is None:
        if context is None or not context.matches(households):
            context = build_context(households, [p.referral for p in unmet], schools={})
        candidates = better_candidates(unmet, context, policy)
    candidates = list(candidates)
    by_id = {p.referral.referral_id: p for p in unmet}
    by_household = {h.household_id: h for h in households}
    effects = [
        replay_placement(by_id[c.referral_id], by_household[c.household_id], c.score)
        for c in candidates
    ]
    say(
        f"replaying {len(unmet)} unmet referrals with {len(households)} new households "
        f"({len(candidates)} possible placements)"
    )
    effect = _optimise(
        candidates, effects, by_id, by_household, policy, start_from, time_limit_s, workers
    )
    effect = replace(effect, household_ids=ids)
    if start_from is not None and start_from.objective > effect.objective:
        return replace(start_from, household_ids=ids, status="kept")
    return effect


def _optimise(
    candidates, effects, by_id, by_household, policy, start_from, time_limit_s, workers
) -> ReplayEffect:
    """Most children better placed, then (holding that) most saved and score."""
    model = cp_model.CpModel()
    chosen = {i: model.NewBoolVar(f"x{i}") for i in range(len(candidates))}
    by_referral: dict[ReferralId, list[int]] = {}
    for i, candidate in enumerate(candidates):
        by_referral.setdefault(candidate.referral_id, []).append(i)
    # Each past referral goes to at most one new household, whole.
    for indexes in by_referral.values():
        model.AddAtMostOne(chosen[i] for i in indexes)
    _add_time_capacity(model, chosen, candidates, by_id, by_household, policy.usual_limit_children)
    if start_from is not None:
        before = {(p.referral_id, p.household_id) for p in start_from.placements}
        for i, c in enumerate(candidates):
            model.AddHint(chosen[i], int((c.referral_id, c.household_id) in before))
    values = [e.saved_gbp * POINTS_PER_GBP + e.score for e in effects]
    solver, outcome = maximise_in_order(
        model,
        sum(e.children * chosen[i] for i, e in enumerate(effects)),
        sum(v * chosen[i] for i, v in enumerate(values)),
        weight=first_priority_weight(
            (c.referral_id, v) for c, v in zip(candidates, values, strict=True)
        ),
        first_bound=sum(e.children for e in effects),
        variables=list(chosen.values()),
        time_limit_s=time_limit_s,
        workers=workers,
        what="replay",
        one_solve=False,
    )
    if solver is None:
        return ReplayEffect((), (), "unknown")
    picked = tuple(e for i, e in enumerate(effects) if solver.BooleanValue(chosen[i]))
    return ReplayEffect((), tuple(sorted(picked, key=lambda p: p.referral_id)), outcome.status)
