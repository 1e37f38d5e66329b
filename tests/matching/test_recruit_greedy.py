"""The optimiser against the greedy baseline: never worse, which one was kept, dominated
profiles, and what the plan says when the solver runs out of time."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matching.recruit_model as recruit_model
from matching.domain import Need
from matching.recruit import recommend_recruitment
from matching.recruit_greedy import greedy_choice, new_household
from matching.recruit_model import Cover
from matching.recruit_profiles import Profile, candidate_profiles
from matching.recruit_prune import dominated_profiles, groups_at_once
from matching.recruit_replay import ReplayEffect, replay
from tests.matching.recruit_cases import (
    ANCHORS,
    NEAR_AGENCY,
    POLICY,
    P,
    child,
    episode,
    planted_gap,
    rebuild,
)
from tests.matching.test_recruit import _history

D = dt.date


def full_greedy(past, budget: int) -> list[ReplayEffect]:
    """The bench's baseline, independently: at each step try EVERY candidate profile's
    household through the full replay and keep the largest gain."""
    from matching.recruit_model import build_covers

    unmet = [p for p in past if p.unmet]
    profiles = candidate_profiles(unmet, ANCHORS)
    profiles, _, by_profile = build_covers(unmet, profiles, POLICY, 500, lambda m: None)
    households, candidates, effects, effect = [], [], [], None
    for step in range(budget):
        best = None
        for index in range(len(profiles)):
            household, own = new_household(profiles, by_profile, index, step + 1, 500)
            tried = replay(
                past, [*households, household], POLICY, start_from=effect,
                candidates=[*candidates, *own],
            )  # fmt: skip
            if best is None or tried.objective > best[0].objective:
                best = (tried, household, own)
        before = effect.children_better_placed if effect else 0
        if best is None or best[0].children_better_placed <= before:
            break  # as the plan: a household must place a further child better
        effect, household, own = best
        households.append(household)
        candidates += own
        effects.append(effect)
    return effects


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(_history(), st.integers(1, 3))
def test_the_plan_is_never_worse_than_the_greedy(children, budget) -> None:
    past = rebuild(children)
    plan = recommend_recruitment(
        past, ANCHORS, POLICY, budget=budget, weekly_cost_gbp=500, time_limit_s=5
    )
    greedy = full_greedy(past, budget)
    ours = [s.effect.objective for s in plan.steps]
    for n, theirs in enumerate((e.objective for e in greedy), start=1):
        # A plan that stopped early stays at its last step (one more would gain nothing).
        mine = ours[min(n, len(ours)) - 1] if ours else (0, 0)
        assert mine >= theirs, f"budget {n}: plan {mine} < greedy {theirs}"
    for step in plan.steps:
        assert step.chosen_by in ("optimiser and greedy", "optimiser", "greedy")
        kept = max(x for x in (step.greedy_children, step.optimiser_children) if x is not None)
        assert step.effect.children_better_placed == kept


def test_each_budget_keeps_the_better_replay_of_the_two_choices() -> None:
    # The library's own greedy choice from the plan's households never beats the plan's step.
    past = rebuild(planted_gap())
    plan = recommend_recruitment(past, ANCHORS, POLICY, budget=3, weekly_cost_gbp=500)
    unmet = [p for p in past if p.unmet]
    profiles, _, by_profile = recruit_model.build_covers(
        unmet, candidate_profiles(unmet, ANCHORS), POLICY, 500, lambda m: None
    )
    previous, candidates = None, []
    for step in plan.steps:
        chosen = list(plan.households[: step.budget - 1])
        greedy = greedy_choice(
            past, profiles, by_profile, chosen, candidates, previous, POLICY,
            weekly_cost_gbp=500, solver=(5, 1),
        )  # fmt: skip
        assert step.effect.objective >= greedy.effect.objective
        previous = step.effect
        candidates += [
            dataclasses.replace(c, household_id=step.household.household_id)
            for c in by_profile[profiles.index(step.profile)]
        ]
    # The planted teenagers: both choose the same household and the solver proves it.
    first = plan.steps[0]
    assert (first.chosen_by, first.solver_status, first.bound_children) == (
        "optimiser and greedy",
        "optimal",
        6,
    )
    assert first.proven and plan.messages[-1].startswith("After 2 household(s)")


def _as_if_out_of_time(status: str):
    """CoverageModel.solve, but reporting the time limit: "feasible" keeps the answer and a
    ceiling 5 children above it; "unknown" has no answer and no ceiling."""
    real = recruit_model.CoverageModel.solve

    def solve(self, **kwargs):
        step = real(self, **kwargs)
        if status == "unknown":
            return recruit_model.BudgetStep(step.budget, (), 0, 0, "unknown")
        return dataclasses.replace(step, status=status, bound_children=step.children + 5)

    return solve


def test_time_limit_with_an_answer_is_reported_with_the_bound(monkeypatch) -> None:
    monkeypatch.setattr(recruit_model.CoverageModel, "solve", _as_if_out_of_time("feasible"))
    plan = recommend_recruitment(
        rebuild(planted_gap()), ANCHORS, POLICY, budget=2, weekly_cost_gbp=500, time_limit_s=3
    )
    assert [s.effect.children_better_placed for s in plan.steps] == [6, 8]
    assert [s.bound_children for s in plan.steps] == [11, 13]
    assert not any(s.proven for s in plan.steps)
    assert plan.messages == (
        "Time limit: the optimiser stopped at its 3 s limit without proving its choice best "
        "for 1 and 2 household(s); each of those is the better of its choice and the greedy "
        "choice in the replay; at 2 household(s) at most 13 children could be covered (the "
        "optimiser's proven bound), the plan places 8. A longer --time-limit may go further.",
    )


def test_time_limit_without_an_answer_keeps_the_greedy_choice(monkeypatch) -> None:
    monkeypatch.setattr(recruit_model.CoverageModel, "solve", _as_if_out_of_time("unknown"))
    plan = recommend_recruitment(
        rebuild(planted_gap()), ANCHORS, POLICY, budget=3, weekly_cost_gbp=500, time_limit_s=2
    )
    assert [(s.chosen_by, s.solver_status) for s in plan.steps] == [
        ("greedy", "unknown"),
        ("greedy", "unknown"),
    ]
    assert [s.effect.children_better_placed for s in plan.steps] == [6, 8]
    assert plan.messages == (
        "Time limit: the optimiser stopped at its 2 s limit without proving its choice best "
        "for 1 and 2 household(s); each of those is the better of its choice and the greedy "
        "choice in the replay. A longer --time-limit may go further.",
        "The optimiser found no better plan for 3 household(s) within 2 s, nor did the greedy "
        "choice: the list stops at 2. A longer --time-limit may go further.",
    )


def _cover(referral: int, profile: int, value: int = 10) -> Cover:
    return Cover(referral, profile, 1, value)


def test_dominated_profiles() -> None:
    general = Profile("N17", ANCHORS["N17"], 11, 17, 2)
    skilled = dataclasses.replace(general, skills=frozenset({Need.TEENAGERS}))
    room3 = Profile("N22", ANCHORS["N22"], 0, 10, 3)
    room4 = dataclasses.replace(room3, max_sibling_group=4)
    # general takes {0}; skilled takes {0, 1}: general is dominated (same places).
    assert dominated_profiles([general, skilled], [{0: 10}, {0: 10, 1: 5}], 3) == {0}
    # ... unless general is worth more for referral 0 (nearer): then both stay.
    assert dominated_profiles([general, skilled], [{0: 11}, {0: 10, 1: 5}], 3) == set()
    # Rooms for 3 and 4 siblings both hold one group at a time: the same referrals -> the
    # smaller room stays; a general household never stands in for a sibling household.
    assert groups_at_once(room3, 3) == groups_at_once(room4, 3) == 1
    assert groups_at_once(general, 3) is None
    assert dominated_profiles([room3, room4], [{2: 7}, {2: 7}], 3) == {1}
    assert dominated_profiles([general, room4], [{2: 7}, {2: 7}], 3) == set()
    # With a usual limit of 4, a room for 4 holds two pairs at once: not like a room for 3.
    assert dominated_profiles([room3, room4], [{2: 7}, {2: 7}], 4) == set()


def test_no_identical_profiles_are_both_dropped() -> None:
    a = Profile("N17", ANCHORS["N17"], 11, 17, 2)
    b = dataclasses.replace(a, district="N15", postcode=ANCHORS["N15"])
    assert dominated_profiles([a, b], [{0: 3}, {0: 3}], 3) == {1}


def test_a_sibling_household_for_three_holds_one_group_at_a_time() -> None:
    # Two pairs of siblings from N22 in agency care at the same time: one household with room
    # for 3 takes one pair (not both: 2 + 2 > 3 places); two such households take both.
    pairs = [
        child(
            f"{g}{i}", D(2019, 3, 1),
            episode(f"{g}{i}", D(2025, 9, 1), P.AGENCY_FOSTERING, home, NEAR_AGENCY,
                    ceased=D(2026, 1, 19)),
        )
        for g, home in (("A", "N22 5AA"), ("B", "N22 5AB"))
        for i in range(2)
    ]  # fmt: skip
    past = rebuild(pairs)
    room3 = Profile("N22", ANCHORS["N22"], 0, 10, 3)
    one = [room3.household("NEW-01", 500)]
    assert replay(past, one, POLICY).children_better_placed == 2
    two = [*one, room3.household("NEW-02", 500)]
    assert replay(past, two, POLICY).children_better_placed == 4
