"""Scores by hand: every component, the 20-mile step, tiers, and the allocator's Candidate."""

from __future__ import annotations

import pytest

from matching.domain import Candidate, HouseholdFeature, Need, ProviderType
from matching.policy import Policy, Weights
from matching.scoring import score_candidates, tier_number
from tests.matching.shortlist_cases import COUNCIL, child, context, east, household, referral

POLICY = Policy(council_la_code=COUNCIL)


def only(breakdowns, household_id):
    return next(b for b in breakdowns if b.household_id == household_id)


def test_components_by_hand() -> None:
    kid = child(
        "C1",
        7,
        desirable_needs=frozenset({Need.TRAUMA, Need.AUTISM}),
        wishes=frozenset({HouseholdFeature.PETS, HouseholdFeature.GARDEN}),
        languages=frozenset({"English", "Polish"}),
        religion="Catholic",
        ethnicity="White Other",
    )
    ref = referral(kid)
    home = household(
        "H1",
        skills=frozenset({Need.TRAUMA}),
        features=frozenset({HouseholdFeature.PETS}),
        languages=frozenset({"english", "Polish "}),
        religion="catholic",
        weekly_cost_gbp=455.5,
    )
    (item,) = score_candidates(ref, [home], context([home], {"H1": 3.46}, [ref]), POLICY)
    assert item.distance_tenths == 35  # 3.46 miles -> 35 tenths
    assert item.distance_points == -35  # 1 child x 1 point x 35 tenths, no step
    assert item.needs_points == 40  # trauma met, autism not
    assert item.desirable_met == (("C1", Need.TRAUMA),)
    assert item.desirable_unmet == (("C1", Need.AUTISM),)
    assert (
        item.culture_points == 40 + 30
    )  # speaks English and Polish; same religion; ethnicity not recorded
    assert item.wishes_points == 20  # pets yes, garden no
    assert item.provider_points == 100
    assert item.cost_points == -45  # GBP 455.50 is 45 whole tens
    assert item.total == -35 + 40 + 70 + 20 + 100 - 45 == 150


def test_per_child_components_scale_with_the_group() -> None:
    ref = referral(child("C1", 7), child("C2", 9))
    home = household("H1", provider=ProviderType.AGENCY, weekly_cost_gbp=900)
    (item,) = score_candidates(ref, [home], context([home], {"H1": 2.0}, [ref]), POLICY)
    # distance 2 x 20; culture 2 x 40 (both speak English); agency 0; cost 2 x 90
    assert item.components == {
        "distance": -40,
        "needs": 0,
        "culture": 80,
        "wishes": 0,
        "provider": 0,
        "cost": -180,
    }
    assert item.total == -140


@pytest.mark.parametrize(
    ("miles", "points", "beyond"),
    [
        (20.0, -200, False),
        (20.04, -200, False),
        (20.06, -201 - 300, True),
        (25.0, -250 - 300, True),
    ],
)
def test_steep_step_beyond_twenty_miles(miles, points, beyond) -> None:
    ref = referral(child("C1", 7))
    home = household("H1")
    (item,) = score_candidates(ref, [home], context([home], {"H1": miles}, [ref]), POLICY)
    assert (item.distance_points, item.beyond_threshold) == (points, beyond)


def test_threshold_comes_from_the_policy() -> None:
    ref = referral(child("C1", 7))
    home = household("H1")
    (item,) = score_candidates(
        ref,
        [home],
        context([home], {"H1": 15.0}, [ref]),
        Policy(threshold_tenths=100, council_la_code=COUNCIL),
    )
    assert item.beyond_threshold and item.distance_points == -150 - 300


def test_weights_come_from_the_policy() -> None:
    ref = referral(child("C1", 7))
    home = household("H1", weekly_cost_gbp=100)
    policy = Policy(
        weights=Weights(
            distance_per_tenth_mile=2, language_match=0, in_house=7, cost_per_10_gbp_week=3
        )
    )
    (item,) = score_candidates(ref, [home], context([home], {"H1": 1.0}, [ref]), policy)
    assert item.components == {
        "distance": -20,
        "needs": 0,
        "culture": 0,
        "wishes": 0,
        "provider": 7,
        "cost": -30,
    }


def test_tier_numbers() -> None:
    assert tier_number(True, True, True, True) == 1
    assert tier_number(True, True, True, False) == 2
    assert tier_number(True, False, True, True) == 5
    assert tier_number(False, True, True, True) == 9
    assert tier_number(False, False, False, False) == 16


def test_out_of_area_and_school_set_the_tier() -> None:
    ref = referral(child("C1", 12, school_urn=100))  # key stage 3: limit 15 miles
    near = household("NEAR")
    far_school = household("FAR")
    outside = household("OUT")
    ctx = context(
        [near, far_school, outside],
        {"NEAR": 1.0, "FAR": -6.0, "OUT": 1.0},
        [ref],
        out_of_area={"OUT"},
        schools={100: east(10.0)},
    )
    items = {
        b.household_id: b for b in score_candidates(ref, [near, far_school, outside], ctx, POLICY)
    }
    assert items["NEAR"].tier == 1 and items["NEAR"].schools[0].distance_tenths == 90
    assert items["OUT"].tier == 5 and not items["OUT"].in_area
    assert items["FAR"].tier == 3 and items["FAR"].schools[0].distance_tenths == 160
    ks4 = referral(child("C1", 14, school_urn=100))  # key stage 4: limit 10 miles (stricter)
    ctx4 = context([near], {"NEAR": -6.0}, [ks4], schools={100: east(10.0)})
    (item,) = score_candidates(ks4, [near], ctx4, POLICY)
    assert item.schools[0].distance_tenths == 160 and item.schools[0].limit_tenths == 100
    assert item.tier == 3 and item.children_keeping_school == 0


def test_as_candidate() -> None:
    ref = referral(child("C1", 7), child("C2", 9))
    home = household("H1")
    (item,) = score_candidates(ref, [home], context([home], {"H1": 2.0}, [ref]), POLICY)
    assert item.as_candidate() == Candidate(
        referral_id="R1",
        household_id="H1",
        child_ids=("C1", "C2"),
        siblings_together=True,
        children_within_threshold=2,
        children_keeping_school=0,
        connected=False,
        score=item.total,
    )


def test_score_candidates_lists_every_option_and_skips_unsuitable() -> None:
    ref = referral(child("C1", 7), child("C2", 9), allowed_splits=((("C1",), ("C2",)),))
    big, small = household("BIG"), household("SMALL", approved_places=1)
    items = score_candidates(
        [ref], [big, small], context([big, small], {"BIG": 1.0, "SMALL": 2.0}, [ref]), POLICY
    )
    assert [(b.household_id, b.option_label) for b in items] == [
        ("BIG", "whole group"),
        ("BIG", "part 1 of split 1"),
        ("SMALL", "part 1 of split 1"),
        ("BIG", "part 2 of split 1"),
        ("SMALL", "part 2 of split 1"),
    ]
    assert not items[1].as_candidate().siblings_together and items[1].tier == 9
    limited = score_candidates(
        [ref],
        [big, small],
        context([big, small], {"BIG": 1.0, "SMALL": 2.0}, [ref]),
        POLICY,
        limit_per_option=1,
    )
    assert len(limited) == 3


def test_score_candidates_reports_progress_and_refuses_other_households() -> None:
    ref = referral(child("C1", 7))
    home = household("H1")
    ctx = context([home], {"H1": 1.0}, [ref])
    seen = []
    score_candidates(
        [ref], [home], ctx, POLICY, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(1, 1)]
    with pytest.raises(ValueError, match="built from different households"):
        score_candidates([ref], [household("H2")], ctx, POLICY)
