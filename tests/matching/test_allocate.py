"""allocate(): each tier in a hand-solvable case, explanations, and candidates equal to the shortlist's."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.allocate import allocate, allocate_instance
from matching.allocation_candidates import generate_candidates
from matching.allocation_component import component_of
from matching.context import context_from_points
from matching.domain import Child, GridPoint, Household, PlacementKind, ProviderType, Referral
from matching.policy import Policy
from matching.scoring import score_candidates
from sufficiency.domain import Sex
from sufficiency.errors import InputDataError
from tests.matching.allocation_factory import cand, instance, room, unit


def _pairs(result):
    return sorted((c.referral_id, c.household_id) for c in result.allocation)


def _run(inst, **kwargs):
    return allocate_instance(inst, time_limit_s=10, workers=1, **kwargs)


def test_tier_1_most_children_placed_before_sibling_groups() -> None:
    group, single = unit("G", 7, 9, received=2), unit("S", 8, received=1)
    # One home with 2 vacancies: the group (2 children) beats the single child (1).
    inst = instance(
        [group, single],
        [room("H", 2, max_group=2)],
        [cand(group, "H"), cand(single, "H", score=500)],
    )
    assert _pairs(_run(inst, explain=False)) == [("G", "H")]


def test_tier_3_children_within_the_threshold() -> None:
    a, b = unit("A", 8, received=1), unit("B", 9, received=2)
    cands = [
        cand(a, "H1", score=10),
        cand(a, "H2", score=5),
        cand(b, "H1", score=10),
        cand(b, "H2", within=False),
    ]
    result = _run(instance([a, b], [room("H1"), room("H2")], cands), explain=False)
    # A to H2 and B to H1 keeps both within 20 miles (2); greedy gives A H1 and B H2 (1).
    assert _pairs(result) == [("A", "H2"), ("B", "H1")]
    assert (
        result.tiers.children_within_threshold,
        result.greedy_tiers.children_within_threshold,
    ) == (2, 1)


def test_tier_4_children_keeping_their_school() -> None:
    a, b = unit("A", 8, received=1), unit("B", 9, received=2)
    cands = [
        cand(a, "H1", school=1, score=9),
        cand(a, "H2", school=1),
        cand(b, "H1", school=1),
        cand(b, "H2"),
    ]
    result = _run(instance([a, b], [room("H1"), room("H2")], cands), explain=False)
    assert _pairs(result) == [("A", "H2"), ("B", "H1")]
    assert result.gains.children_keeping_school == 1


def test_tier_5_weighted_score_and_every_tier_proven() -> None:
    a, b = unit("A", 8, received=1), unit("B", 9, received=2)
    cands = [
        cand(a, "H1", score=50),
        cand(a, "H2", score=40),
        cand(b, "H1", score=45),
        cand(b, "H2", score=10),
    ]
    result = _run(instance([a, b], [room("H1"), room("H2")], cands), explain=False)
    # A-H2 + B-H1 = 85 beats A-H1 + B-H2 = 60.
    assert _pairs(result) == [("A", "H2"), ("B", "H1")]
    assert result.status == "optimal"
    assert [o.status for o in result.tier_outcomes] == ["proven"] * 5
    assert result.tiers.score == 85 and result.greedy_tiers.score == 60


def test_explanation_names_the_displaced_referral_and_the_cost() -> None:
    a, b = unit("A", 8, received=1), unit("B", 9, received=2)
    cands = [
        cand(a, "H1", score=50),
        cand(a, "H2", score=40),
        cand(b, "H1", score=45),
        cand(b, "H2", score=10),
    ]
    result = _run(instance([a, b], [room("H1"), room("H2")], cands))
    assert result.explanation("A").text == (
        "A: placed with H2. Best household it did not get: H1 (score 50), which went to B. "
        "Giving it H1 would cost 25 points of score; B H1 -> H2."
    )
    assert result.explanation("A").outcome == "costs others"


def test_explanations_re_solve_only_the_referrals_linked_by_shared_households() -> None:
    a, b, c = unit("A", 8, received=1), unit("B", 9, received=2), unit("C", 7, received=3)
    cands = [
        cand(a, "H1", score=50),
        cand(a, "H2", score=40),
        cand(b, "H1", score=45),
        cand(b, "H2", score=10),
        cand(c, "H3", score=30),
        cand(c, "H4", score=20),
    ]
    inst = instance([a, b, c], [room(h) for h in ("H1", "H2", "H3", "H4")], cands)
    linked = component_of(inst, "A")
    assert [u.referral_id for u in linked.referrals] == ["A", "B"]
    assert [h.household_id for h in linked.households] == ["H1", "H2"]
    assert len(linked.candidates) == 4
    assert [u.referral_id for u in component_of(inst, "C").referrals] == ["C"]
    result = _run(inst)
    # C's component is untouched by forcing A into H1: the same cost and moves as alone.
    assert result.explanation("A").text == (
        "A: placed with H2. Best household it did not get: H1 (score 50), which went to B. "
        "Giving it H1 would cost 25 points of score; B H1 -> H2."
    )
    assert result.explanation("C").text == (
        "C: placed with H3. Best household it did not get: H4 (score 20). "
        "Giving it H4 would cost 10 points of score."
    )


def test_infeasible_pins_give_a_result_not_an_exception() -> None:
    a, b = unit("A", 8), unit("B", 9)
    inst = instance(
        [a, b], [room("H")], [cand(a, "H"), cand(b, "H")], pins=frozenset({("A", "H"), ("B", "H")})
    )
    result = _run(inst)
    assert result.status == "infeasible"
    assert result.allocation == () and result.explanations == ()
    assert "No allocation honours every pin: remove or change a pin and re-run." in result.messages


START = dt.date(2026, 11, 23)


def _child(child_id: str, age: int) -> Child:
    return Child(child_id, START.replace(year=START.year - age), Sex.FEMALE)


def _household(household_id: str, places: int) -> Household:
    return Household(
        household_id,
        household_id,
        ProviderType.IN_HOUSE,
        "",
        places,
        0,
        17,
        frozenset({PlacementKind.SHORT_TERM}),
        max_sibling_group=2,
    )


def _domain_case():
    referrals = [
        Referral(
            "R1", (_child("C1", 6), _child("C2", 8)), PlacementKind.SHORT_TERM, START, "", START
        ),
        Referral(
            "R2",
            (_child("C3", 10),),
            PlacementKind.SHORT_TERM,
            START,
            "",
            START - dt.timedelta(days=3),
        ),
    ]
    households = [_household("H1", 2), _household("H2", 1)]
    points = {"H1": (GridPoint(500_000, 200_000), ""), "H2": (GridPoint(510_000, 200_000), "")}
    homes = {"R1": GridPoint(500_000, 201_000), "R2": GridPoint(500_500, 200_000)}
    return referrals, households, context_from_points(households, points, homes)


def test_candidates_are_the_shortlists_scores() -> None:
    referrals, households, context = _domain_case()
    ours = generate_candidates(referrals, context, Policy())
    theirs = [b.as_candidate() for b in score_candidates(referrals, households, context, Policy())]
    assert sorted(ours, key=repr) == sorted(theirs, key=repr)


def test_allocate_end_to_end_keeps_the_siblings_together() -> None:
    referrals, households, context = _domain_case()
    result = allocate(referrals, households, context, Policy(), time_limit_s=10, workers=1)
    # R2 arrived first and greedy gives it H1 (nearest), leaving no home for the pair.
    assert sorted((c.referral_id, c.household_id) for c in result.greedy_allocation) == [
        ("R2", "H1")
    ]
    assert _pairs(result) == [("R1", "H1"), ("R2", "H2")]
    assert result.status == "optimal" and result.violations == ()
    assert {e.referral_id for e in result.explanations} == {"R1", "R2"}


def test_unknown_pins_are_input_errors() -> None:
    referrals, households, context = _domain_case()
    with pytest.raises(InputDataError) as error:
        allocate(
            referrals, households, context, Policy(), pins=[("R9", "H1")], forbids=[("R1", "H7")]
        )
    assert [str(e) for e in error.value.errors] == [
        "--pin, field \"referral\": not an open referral (got 'R9'; expected the id of an open referral)",
        "--forbid, field \"household\": unknown household (got 'H7'; expected the id of an approved household)",
    ]
