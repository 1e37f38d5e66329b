"""The CP-SAT coverage model that picks household profiles for a recruitment budget.

Integer counts of households per profile; each unmet past referral is covered by at most one
profile that passes the matching rules for it; a profile's places are shared day by day.
Solved one budget at a time (``matching.recruit_steps``), keeping the households already chosen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matching.context import build_context
from matching.domain import Candidate
from matching.gaps import PastReferral
from matching.policy import Policy
from matching.recruit_profiles import Profile
from matching.recruit_replay import POINTS_PER_GBP, better_candidates, replay_placement
from matching.recruit_solve import first_priority_weight, maximise_in_order
from matching.recruit_time import day_span, interval_cliques

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Cover:
    """Profile ``profile`` could take past referral ``referral`` (index into the unmet list)."""

    referral: int
    profile: int
    children: int
    value: int
    """Pounds saved x ``POINTS_PER_GBP`` + the shortlist score [points]."""


@dataclass(frozen=True, slots=True)
class BudgetStep:
    """The optimiser's choice at one budget: profile counts and its own estimate of the effect."""

    budget: int
    counts: tuple[int, ...]
    """Households of each profile (profile order) [households]."""
    children: int
    """Children the coverage model expects the households to take [children]."""
    value: int
    status: str
    taken: tuple[int, ...] = ()
    """The covers chosen (indices), the next budget's starting point."""
    bound_children: int | None = None
    """Proven ceiling on the children any choice at this budget could cover, the earlier
    households kept (None when the solver proved nothing) [children]."""


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First day of every calendar month from ``first``'s to ``last``'s."""
    day, months = dt.date(first.year, first.month, 1), []
    while day <= last:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


class CoverageModel:
    """Profiles x unmet referrals for one budget, keeping the households already chosen."""

    def __init__(
        self,
        unmet: Sequence[PastReferral],
        places: Sequence[int],
        covers: Sequence[Cover],
        budget: int,
        keep: Sequence[int],
        groups: Sequence[int | None] = (),
    ) -> None:
        self.model = cp_model.CpModel()
        self.covers = list(covers)
        self.count = [self.model.NewIntVar(low, budget, f"n{p}") for p, low in enumerate(keep)]
        self.take = [self.model.NewBoolVar(f"y{i}") for i in range(len(self.covers))]
        # The budget: households recruited, of every profile together (those chosen stay).
        self.model.Add(sum(self.count) <= budget)
        # Each past referral goes to at most one profile, whole.
        by_referral: dict[int, list[int]] = {}
        for i, cover in enumerate(self.covers):
            by_referral.setdefault(cover.referral, []).append(i)
        for indexes in by_referral.values():
            self.model.AddAtMostOne(self.take[i] for i in indexes)
        # Only a profile with a household can take anyone (implied by the places; tightens the LP).
        for i, cover in enumerate(self.covers):
            self.model.Add(self.take[i] <= self.count[cover.profile])
        self._add_places_over_time(unmet, places, groups or [None] * len(places))
        self.children = sum(c.children * self.take[i] for i, c in enumerate(self.covers))
        self.value = sum(c.value * self.take[i] for i, c in enumerate(self.covers))
        self.budget = budget

    def _add_places_over_time(
        self, unmet: Sequence[PastReferral], places: Sequence[int], groups: Sequence[int | None]
    ) -> None:
        """At any time, a profile's children fit its households' places; a sibling household
        holds at most ``groups`` sibling groups at a time (``recruit_prune.groups_at_once``).
        Days, as the replay counts them (``day_span``): one row per maximal set there together."""
        by_profile: dict[int, list[int]] = {}
        for i, cover in enumerate(self.covers):
            by_profile.setdefault(cover.profile, []).append(i)
        for profile, indexes in by_profile.items():
            spans = [day_span(unmet[self.covers[i].referral]) for i in indexes]
            for clique in interval_cliques(spans):
                if len(clique) < 2:
                    continue  # one referral fits its profile's places (the rules checked it)
                active = [indexes[k] for k in clique]
                used = sum(self.covers[i].children * self.take[i] for i in active)
                self.model.Add(used <= places[profile] * self.count[profile])
                if groups[profile] is not None:
                    self.model.Add(
                        sum(self.take[i] for i in active) <= groups[profile] * self.count[profile]
                    )

    def solve(
        self,
        *,
        time_limit_s: float,
        workers: int,
        hint: Sequence[int] = (),
        taken: Sequence[int] = (),
    ) -> BudgetStep:
        """Most children covered, then (holding that) the most value.

        ``hint``/``taken``: counts and covers of a complete solution of this budget (the
        greedy choice, or the previous budget's), so the solver starts from it and never
        reports less.
        """
        for var, value in zip(self.count, hint, strict=False):
            self.model.AddHint(var, value)
        chosen = set(taken)
        if hint:
            for i, var in enumerate(self.take):
                self.model.AddHint(var, int(i in chosen))
        lowest: dict[int, int] = {}  # each referral's least value: the value's floor
        for cover in self.covers:
            lowest[cover.referral] = min(lowest.get(cover.referral, 0), cover.value)
        solver, outcome = maximise_in_order(
            self.model,
            self.children,
            self.value,
            weight=first_priority_weight((c.referral, c.value) for c in self.covers),
            first_bound=sum(c.children for c in self.covers),
            variables=[*self.count, *self.take],
            time_limit_s=time_limit_s,
            workers=workers,
            what="coverage model",
            second_floor=sum(lowest.values()),
        )
        if solver is None:
            return BudgetStep(self.budget, (), 0, 0, outcome.status, (), outcome.first_bound)
        counts = tuple(solver.Value(v) for v in self.count)
        children, value = round(solver.Value(self.children)), round(solver.Value(self.value))
        taken = tuple(i for i, var in enumerate(self.take) if solver.BooleanValue(var))
        return BudgetStep(
            self.budget, counts, children, value, outcome.status, taken, outcome.first_bound
        )


def _dedupe(
    profiles: Sequence[Profile], eligible: Sequence[frozenset[str]], scores: Sequence[int]
) -> list[int]:
    """One profile per (sibling room, referrals it can take): the fewest skills, then the
    narrowest age range (so the words ask for no more than the need requires), then the
    district with the best total score over those referrals (nearest to them)."""
    best: dict[tuple, tuple] = {}
    for index, profile in enumerate(profiles):
        if not eligible[index]:
            continue
        key = (profile.max_sibling_group, eligible[index])
        rank = (
            len(profile.skills),
            profile.age_max_years - profile.age_min_years,
            -scores[index],
            index,
        )
        if key not in best or rank < best[key]:
            best[key] = rank
    return sorted(rank[-1] for rank in best.values())


def build_covers(
    unmet: Sequence[PastReferral],
    profiles: Sequence[Profile],
    policy: Policy,
    weekly_cost_gbp: float,
    say: Callable[[str], None],
) -> tuple[list[Profile], list[Cover], list[list[Candidate]]]:
    """Which profiles could take which unmet referrals, by the shortlist's rules and scores.

    Returns the profiles kept (one per sibling room and set of referrals it can take), their
    covers, valued like the replay (``replay_placement``), and each kept profile's
    ``better_candidates`` (household id ``P<index>``), which the replay reuses.
    """
    prototypes = [p.household(f"P{i:04d}", weekly_cost_gbp) for i, p in enumerate(profiles)]
    say(f"checking {len(profiles)} candidate profiles against {len(unmet)} unmet referrals")
    context = build_context(prototypes, [p.referral for p in unmet], schools={})
    candidates = better_candidates(unmet, context, policy)
    position = {p.referral.referral_id: i for i, p in enumerate(unmet)}
    eligible: list[set[str]] = [set() for _ in profiles]
    scores = [0] * len(profiles)
    for candidate in candidates:
        eligible[int(candidate.household_id[1:])].add(candidate.referral_id)
        scores[int(candidate.household_id[1:])] += candidate.score
    kept = _dedupe(profiles, [frozenset(e) for e in eligible], scores)
    new_index = {old: new for new, old in enumerate(kept)}
    covers = []
    by_profile: list[list[Candidate]] = [[] for _ in kept]
    for candidate in candidates:
        old = int(candidate.household_id[1:])
        if old in new_index:
            by_profile[new_index[old]].append(candidate)
            past = unmet[position[candidate.referral_id]]
            effect = replay_placement(past, prototypes[old], candidate.score)
            covers.append(
                Cover(
                    position[candidate.referral_id],
                    new_index[old],
                    past.children,
                    effect.saved_gbp * POINTS_PER_GBP + effect.score,
                )
            )
    return [profiles[i] for i in kept], covers, by_profile


__all__ = [
    "POINTS_PER_GBP",
    "BudgetStep",
    "Cover",
    "CoverageModel",
    "month_starts",
]
