"""The CP-SAT coverage model that picks household profiles for a recruitment budget.

Integer counts of households per profile; each unmet past referral is covered by at most one
profile that passes the matching rules for it; a profile's places are shared day by day.
Solved for budgets 1, 2, ... N, each keeping the households already chosen (a ranked list).
"""

from __future__ import annotations

import dataclasses
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
        usual_limit: int = 3,
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
        self._add_places_over_time(unmet, places, usual_limit)
        self.children = sum(c.children * self.take[i] for i, c in enumerate(self.covers))
        self.value = sum(c.value * self.take[i] for i, c in enumerate(self.covers))
        self.budget = budget

    def _add_places_over_time(
        self, unmet: Sequence[PastReferral], places: Sequence[int], usual_limit: int
    ) -> None:
        """At any time, a profile's children fit its households' places; a household with more
        places than the usual limit (a large sibling group's) holds one group at a time. Days,
        as the replay counts them (``day_span``): one row per maximal set there together."""
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
                if places[profile] > usual_limit:
                    self.model.Add(sum(self.take[i] for i in active) <= self.count[profile])

    def solve(
        self,
        *,
        time_limit_s: float,
        workers: int,
        hint: Sequence[int] = (),
        taken: Sequence[int] = (),
    ) -> BudgetStep:
        """Most children covered, then (holding that) the most value.

        ``hint``/``taken``: the previous budget's counts and covers, a complete solution of
        this budget too, so the solver starts from it (large gaps need this to find any
        solution in time).
        """
        for var, value in zip(self.count, hint, strict=False):
            self.model.AddHint(var, value)
        chosen = set(taken)
        if hint:
            for i, var in enumerate(self.take):
                self.model.AddHint(var, int(i in chosen))
        solver, status = maximise_in_order(
            self.model,
            self.children,
            self.value,
            weight=first_priority_weight((c.referral, c.value) for c in self.covers),
            first_bound=sum(c.children for c in self.covers),
            variables=[*self.count, *self.take],
            time_limit_s=time_limit_s,
            workers=workers,
            what="coverage model",
        )
        if solver is None:
            return BudgetStep(self.budget, (), 0, 0, status)
        counts = tuple(solver.Value(v) for v in self.count)
        children, value = round(solver.Value(self.children)), round(solver.Value(self.value))
        taken = tuple(i for i, var in enumerate(self.take) if solver.BooleanValue(var))
        return BudgetStep(self.budget, counts, children, value, status, taken)


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


def choose_profiles(
    unmet: Sequence[PastReferral],
    places: Sequence[int],
    covers: Sequence[Cover],
    budget: int,
    *,
    usual_limit: int = 3,
    time_limit_s: float = 10.0,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[BudgetStep]:
    """Budgets 1..``budget``, each adding to the last; stops early once a budget gains nothing.

    Rules: at most ``budget`` households; a referral covered at most once, by a profile that
    passed the matching rules for it; at any time a profile's children fit its places.
    Priorities: most children covered, then most pounds saved (x ``POINTS_PER_GBP``) + score.
    A budget with no solution in the time limit, or none better than the last budget's
    without a proof that none exists (or a model error), ends the list; it is appended with
    status "unknown" (or "model_invalid") and no counts, for the caller to say.
    """
    say = progress or (lambda message: None)
    steps: list[BudgetStep] = []
    keep, taken = [0] * len(places), ()
    for n in range(1, budget + 1):
        model = CoverageModel(unmet, places, covers, n, keep, usual_limit)
        step = model.solve(time_limit_s=time_limit_s, workers=workers, hint=keep, taken=taken)
        if step.status in ("unknown", "model_invalid"):
            say(f"budget {n}: no solution within {time_limit_s:.1f} s ({step.status}); stopping")
            steps.append(step)
            break
        if steps and (step.children, step.value) <= (steps[-1].children, steps[-1].value):
            if step.status != "optimal":  # only the time limit: gains may exist
                say(f"budget {n}: no gain found within {time_limit_s:.1f} s; stopping")
                steps.append(dataclasses.replace(step, counts=(), status="unknown"))
            else:
                say(f"budget {n}: no further gain; stopping")
            break
        say(f"budget {n}: {step.children} children covered ({step.status})")
        steps.append(step)
        keep, taken = list(step.counts), step.taken
    return steps


__all__ = [
    "POINTS_PER_GBP",
    "BudgetStep",
    "Cover",
    "CoverageModel",
    "choose_profiles",
    "month_starts",
]
