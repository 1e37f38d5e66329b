"""Recruitment optimiser and replay: planted gap, rules over time, checker, monotonicity."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.domain import Need
from matching.gaps import Shortfall
from matching.recruit import recommend_recruitment
from matching.recruit_checks import check_replay
from matching.recruit_model import month_starts
from matching.recruit_profiles import Profile, candidate_profiles
from matching.recruit_replay import replay
from tests.matching.recruit_cases import (
    ANCHORS,
    NEAR_AGENCY,
    POLICY,
    P,
    child,
    episode,
    planted_gap,
    rebuild,
    teenager_in_agency,
)

D = dt.date
TEEN = Profile("N17", ANCHORS["N17"], 11, 17, 2, frozenset())
YOUNG = Profile("N22", ANCHORS["N22"], 0, 10, 2, frozenset())


def test_planted_gap_is_the_first_recommendation() -> None:
    plan = recommend_recruitment(
        rebuild(planted_gap()),
        ANCHORS,
        POLICY,
        budget=3,
        weekly_cost_gbp=500,
        area_name="Haringey",
        time_limit_s=5,
    )
    first = plan.targets[0]
    assert first.text == "1 household approved for ages 11-17, with skills in teenagers near N17"
    assert plan.steps[0].effect.children_better_placed == 6
    # Six 10-week agency placements at GBP 800 instead of GBP 500 a week: 6 x 10 x 300 = 18,000.
    assert plan.steps[0].effect.saved_gbp == 18000
    assert plan.steps[0].effect.agency_weeks_avoided == 60


def test_diminishing_returns_and_a_stop_when_nothing_more_is_gained() -> None:
    plan = recommend_recruitment(
        rebuild(planted_gap()),
        ANCHORS,
        POLICY,
        budget=5,
        weekly_cost_gbp=500,
        area_name="Haringey",
        time_limit_s=5,
    )
    # Household 1 takes the six teenagers one after another; household 2 the two 6-year-olds
    # together (both at once: its two places); a third would take nobody.
    assert [s.effect.children_better_placed for s in plan.steps] == [6, 8]
    assert plan.messages == (
        "After 2 household(s), one more would not have placed any further child better "
        "in the replayed years.",
    )
    assert [t.text for t in plan.targets] == [
        "1 household approved for ages 11-17, with skills in teenagers near N17",
        "1 household approved for ages 5-12 near N22",  # the narrowest range taking both
    ]


def test_no_unmet_need_recommends_nothing() -> None:
    met = [c for c in planted_gap() if c.child_id.startswith("Y")]
    plan = recommend_recruitment(rebuild(met), ANCHORS, POLICY, budget=3)
    assert plan.steps == () and plan.messages == (
        "no unmet need in the history: nothing to recruit for",
    )


def test_places_are_shared_over_time() -> None:
    # Three teenagers at once (overlapping 10 weeks): a two-place household takes two of them;
    # three teenagers one after another: it takes all three.
    homes = ("N17 0AB", "N17 0AE", "N17 0AG")  # different homes: not one sibling group
    same_time = [teenager_in_agency(i, home, D(2025, 3, 3), 10) for i, home in enumerate(homes)]
    in_turn = [
        teenager_in_agency(i, "N17 0AB", D(2025, 3, 3) + dt.timedelta(weeks=11 * i), 10)
        for i in range(3)
    ]
    household = TEEN.household("NEW-01", 500)
    teen_skills = dataclasses.replace(household, skills=frozenset({Need.TEENAGERS}))
    assert replay(rebuild(same_time), [teen_skills], POLICY).children_better_placed == 2
    assert replay(rebuild(in_turn), [teen_skills], POLICY).children_better_placed == 3


@pytest.mark.parametrize(
    ("household", "placed", "reason"),
    [
        (TEEN.household("NEW-01", 500), 0, "no teenagers skill: the essential need is not met"),
        (
            dataclasses.replace(YOUNG, skills=frozenset({Need.TEENAGERS})).household("NEW-01", 500),
            0,
            "approved for 0-10: a 14-year-old is out of range",
        ),
        (
            dataclasses.replace(TEEN, skills=frozenset({Need.TEENAGERS})).household("NEW-01", 500),
            1,
            "suitable",
        ),
    ],
)
def test_replay_uses_the_shortlist_rules(household, placed: int, reason: str) -> None:
    past = rebuild([teenager_in_agency(0, "N17 0AB", D(2025, 3, 3), 10)])
    assert replay(past, [household], POLICY).children_better_placed == placed, reason


def test_sibling_households_take_sibling_groups_only() -> None:
    single = rebuild(
        [
            child(
                "Z1",
                D(2019, 3, 1),
                episode(
                    "Z1",
                    D(2025, 9, 1),
                    P.AGENCY_FOSTERING,
                    "N22 5AA",
                    NEAR_AGENCY,
                    ceased=D(2025, 10, 6),
                ),
            )
        ]
    )
    sibling_household = Profile("N22", ANCHORS["N22"], 0, 10, 3).household("NEW-01", 500)
    assert replay(single, [sibling_household], POLICY).children_better_placed == 0


def test_split_siblings_are_kept_together() -> None:
    split = [
        child(
            c,
            D(2018, 4, 1),
            episode(
                c, D(2025, 9, 1), P.IN_HOUSE_FOSTERING, "N17 0AE", where, ceased=D(2025, 12, 1)
            ),
        )
        for c, where in (("S1", "N15 3AA"), ("S2", "N8 0AA"))
    ]
    effect = replay(rebuild(split), [YOUNG.household("NEW-01", 500)], POLICY)
    assert (
        effect.children_better_placed,
        effect.sibling_groups_kept_together,
        effect.saved_gbp,
    ) == (2, 1, 0)


def test_checker_accepts_the_replay_and_catches_tampering() -> None:
    past = rebuild(planted_gap())
    households = [
        dataclasses.replace(TEEN, skills=frozenset({Need.TEENAGERS})).household("NEW-01", 500),
        YOUNG.household("NEW-02", 500),
    ]
    effect = replay(past, households, POLICY)
    assert check_replay(past, households, effect, POLICY) == []
    teen = next(p for p in effect.placements if p.household_id == "NEW-01")
    moved = dataclasses.replace(teen, household_id="NEW-02")
    tampered = dataclasses.replace(effect, placements=(*effect.placements, moved))
    problems = check_replay(past, households, tampered, POLICY)
    assert f"{teen.referral_id}: placed twice" in problems
    assert any(
        p.startswith(f"{teen.referral_id} in NEW-02: approved for ages 0-10") for p in problems
    ), problems


def test_candidate_profiles_follow_the_need() -> None:
    unmet = [p for p in rebuild(planted_gap()) if p.unmet]
    profiles = candidate_profiles(unmet, ANCHORS)
    assert {p.district for p in profiles} == {"N17", "N22"}  # N8's need was met
    assert {p.skills for p in profiles} == {frozenset({Need.TEENAGERS}), frozenset()}
    assert {p.max_sibling_group for p in profiles} == {2}  # no group of three or more
    assert not any(p.skills and p.age_max_years < 13 for p in profiles)


def test_month_starts() -> None:
    assert month_starts(D(2025, 11, 20), D(2026, 2, 1)) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]


# --- property: adding households never makes the replay worse ---------------------------------

_AGES = st.integers(0, 17)
_HOMES = st.sampled_from(["N17 0AB", "N17 0AE", "N22 5AA", "N8 0AA"])
_WHERE = st.sampled_from(
    [
        (P.AGENCY_FOSTERING, NEAR_AGENCY),
        (P.CHILDRENS_HOME, "N22 5AB"),
        (P.IN_HOUSE_FOSTERING, "CB2 1TN"),
    ]
)


@st.composite
def _history(draw):
    children = []
    for i in range(draw(st.integers(1, 7))):
        age, home, (kind, where) = draw(_AGES), draw(_HOMES), draw(_WHERE)
        start = D(2025, 1, 6) + dt.timedelta(days=draw(st.integers(0, 500)))
        weeks = draw(st.integers(1, 40))
        born = D(start.year - age - 1, 12, 1) if age else start - dt.timedelta(days=30)
        ceased = start + dt.timedelta(weeks=weeks)
        children.append(
            child(
                f"C{i}",
                born,
                episode(f"C{i}", start, kind, home, where, ceased=min(ceased, D(2026, 11, 1))),
            )
        )
    return children


@st.composite
def _profile(draw):
    district = draw(st.sampled_from(sorted(ANCHORS)))
    low, high = draw(st.sampled_from([(0, 4), (0, 10), (5, 12), (11, 17)]))
    skills = draw(
        st.sampled_from(
            [
                frozenset(),
                frozenset({Need.TEENAGERS}),
                frozenset({Need.TEENAGERS, Need.CHALLENGING_BEHAVIOUR}),
            ]
        )
    )
    return Profile(district, ANCHORS[district], low, high, draw(st.sampled_from([2, 2, 3])), skills)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_history(), st.lists(_profile(), min_size=1, max_size=3), _profile())
def test_adding_a_household_never_makes_the_replay_worse(children, profiles, extra) -> None:
    past = rebuild(children)
    households = [p.household(f"NEW-{i:02d}", 500) for i, p in enumerate(profiles)]
    before = replay(past, households, POLICY)
    after = replay(past, [*households, extra.household("NEW-99", 500)], POLICY, start_from=before)
    assert after.objective >= before.objective
    assert after.children_better_placed >= before.children_better_placed
    assert check_replay(past, [*households, extra.household("NEW-99", 500)], after, POLICY) == []
    assert all(p.fixed and Shortfall(next(iter(p.fixed))) for p in after.placements)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_history())
def test_recommended_households_never_make_the_replay_worse(children) -> None:
    plan = recommend_recruitment(
        rebuild(children), ANCHORS, POLICY, budget=3, weekly_cost_gbp=500, time_limit_s=5
    )
    objectives = [s.effect.objective for s in plan.steps]
    assert objectives == sorted(objectives)
    for step in plan.steps:
        assert check_replay(plan.past, plan.households[: step.budget], step.effect, POLICY) == []
