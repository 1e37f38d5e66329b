"""Choosing households budget by budget: the optimiser's choice against the greedy one, replayed.

For N = 1, 2, ...: the greedy choice (``matching.recruit_greedy``) is found and replayed; the
CP-SAT coverage model (``matching.recruit_model``) is solved starting from it (the greedy's
households and placements are a solution of the model, given as a hint); when the optimiser
adds a different household, that is replayed too, and the better replay is kept. So at every
budget the list is at least as good as the greedy step from the same households, and each
step records which choice was used and the solver's proven ceiling. No files, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.domain import Candidate, Household
from matching.gaps import PastReferral
from matching.policy import Policy
from matching.recruit_greedy import Trial, greedy_choice, new_household, replay_with
from matching.recruit_model import BudgetStep, Cover, CoverageModel
from matching.recruit_profiles import Profile
from matching.recruit_prune import groups_at_once
from matching.recruit_replay import ReplayEffect

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ChosenStep:
    """The household added at one budget, how it was chosen, and the replay with it."""

    budget: int
    trial: Trial
    chosen_by: str
    """"optimiser and greedy" (the same household), "optimiser" or "greedy"."""
    solver: BudgetStep
    """The coverage model's own answer: its status, estimate and proven ceiling."""
    greedy_children: int | None
    """Children better placed in the replay with the greedy choice (None: none gained)."""
    optimiser_children: int | None
    """The same with the optimiser's choice (None: it found none in time)."""


@dataclass(frozen=True, slots=True)
class Search:
    """What every budget's choice is made from."""

    past: Sequence[PastReferral]
    unmet: Sequence[PastReferral]
    profiles: Sequence[Profile]
    profile_candidates: Sequence[Sequence[Candidate]]
    covers: Sequence[Cover]
    policy: Policy
    weekly_cost_gbp: float
    solver: tuple[float, int]
    """(time limit per solver stage [s], CP-SAT workers)."""


def _taken(search: Search, effect: ReplayEffect, profile_of: dict[str, int]) -> list[int]:
    """The coverage model's covers that a replay's placements use (a solution's ``taken``)."""
    position = {p.referral.referral_id: i for i, p in enumerate(search.unmet)}
    index = {(c.referral, c.profile): i for i, c in enumerate(search.covers)}
    found = (
        index.get((position[p.referral_id], profile_of[p.household_id])) for p in effect.placements
    )
    return sorted(i for i in found if i is not None)


def _solver_trial(search, step, keep, chosen, candidates, previous) -> Trial | None:
    """The optimiser's added household, replayed (None when it added none)."""
    added = [i for i, (a, b) in enumerate(zip(step.counts, keep, strict=False)) if a > b]
    if not added:
        return None
    extra = new_household(
        search.profiles,
        search.profile_candidates,
        added[0],
        len(chosen) + 1,
        search.weekly_cost_gbp,
    )
    effect = replay_with(
        search.past, chosen, candidates, previous, extra, search.policy, search.solver
    )
    return Trial(added[0], extra[0], extra[1], effect)


def _better(optimiser: Trial | None, greedy: Trial | None) -> tuple[Trial | None, str]:
    """The better replay of the two; a tie goes to the optimiser."""
    if optimiser is None or greedy is None:
        return (optimiser or greedy), ("optimiser" if optimiser else "greedy")
    if optimiser.profile == greedy.profile:
        return greedy, "optimiser and greedy"
    if optimiser.effect.objective >= greedy.effect.objective:
        return optimiser, "optimiser"
    return greedy, "greedy"


def choose_households(
    search: Search, budget: int, progress: Progress | None = None
) -> tuple[list[ChosenStep], BudgetStep | None]:
    """Budgets 1..``budget``, each adding one household; stops when neither choice places
    any further child better (a household that would only save money is not recommended).

    Returns the steps and, when the list stopped early, the coverage model's answer at the
    budget that gained nothing (its status tells "nothing more to gain" from "time ran out").
    """
    say = progress or (lambda message: None)
    places = [p.places for p in search.profiles]
    groups = [groups_at_once(p, search.policy.usual_limit_children) for p in search.profiles]
    keep, taken = [0] * len(places), []
    chosen: list[Household] = []
    candidates: list[Candidate] = []
    profile_of: dict[str, int] = {}
    previous: ReplayEffect | None = None
    steps: list[ChosenStep] = []
    for n in range(1, budget + 1):
        say(f"budget {n}: trying each profile's household in the replay (greedy choice)")
        args = (search.past, search.profiles, search.profile_candidates, chosen, candidates)
        greedy = greedy_choice(
            *args,
            previous,
            search.policy,
            weekly_cost_gbp=search.weekly_cost_gbp,
            solver=search.solver,
        )
        hint, hint_taken = list(keep), taken
        if greedy is not None:
            hint[greedy.profile] += 1
            profile_of[greedy.household.household_id] = greedy.profile
            hint_taken = _taken(search, greedy.effect, profile_of)
        say(f"budget {n}: solving the coverage model from the greedy choice")
        model = CoverageModel(search.unmet, places, search.covers, n, keep, groups)
        step = model.solve(
            time_limit_s=search.solver[0], workers=search.solver[1], hint=hint, taken=hint_taken
        )
        optimiser = None
        if step.counts and (greedy is None or step.counts != tuple(hint)):
            optimiser = _solver_trial(search, step, keep, chosen, candidates, previous)
        elif step.counts and greedy is not None:
            optimiser = greedy  # the optimiser kept the greedy choice
        best, by = _better(optimiser, greedy)
        before = previous.children_better_placed if previous else 0
        if best is None or best.effect.children_better_placed <= before:
            say(f"budget {n}: no household places any further child better; stopping")
            return steps, step
        steps.append(
            ChosenStep(
                n,
                best,
                by,
                step,
                greedy.effect.children_better_placed if greedy else None,
                optimiser.effect.children_better_placed if optimiser else None,
            )
        )
        say(f"budget {n}: {best.effect.children_better_placed} children better placed ({by})")
        chosen.append(best.household)
        candidates += best.candidates
        previous = best.effect
        profile_of[best.household.household_id] = best.profile
        keep[best.profile] += 1
        taken = _taken(search, best.effect, profile_of)
    return steps, None
