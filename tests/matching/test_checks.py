"""The solver-free checker catches every kind of tampering with a score or a shortlist."""

from __future__ import annotations

import dataclasses

from matching.checks import (
    check_breakdown,
    check_shortlist,
    recompute_points,
    recompute_tier,
    recompute_total,
    validate_option,
)
from matching.domain import Need
from matching.policy import Policy
from matching.scoring import score_candidates
from matching.shortlist import rank
from tests.matching.shortlist_cases import COUNCIL, child, context, household, referral

POLICY = Policy(council_la_code=COUNCIL)
REF = referral(child("C1", 7, desirable_needs=frozenset({Need.TRAUMA})), child("C2", 9))
HOMES = [household("H1", skills=frozenset({Need.TRAUMA}), weekly_cost_gbp=400), household("H2")]
CTX = context(HOMES, {"H1": 3.5, "H2": 22.0}, [REF])


def items():
    return {b.household_id: b for b in score_candidates(REF, HOMES, CTX, POLICY)}


def test_recomputes_the_hand_checked_total() -> None:
    item = items()["H1"]
    # distance 2 x 35 = 70 lost; trauma met 40; both speak English 80; in-house 200;
    # cost 2 x 40 lost
    assert recompute_points(item, POLICY) == {
        "distance": -70,
        "needs": 40,
        "culture": 80,
        "wishes": 0,
        "provider": 200,
        "cost": -80,
    }
    assert recompute_total(item, POLICY) == item.total == 170
    assert recompute_tier(items()["H2"]) == 5  # 22 miles: beyond the threshold
    assert check_breakdown(item, REF, CTX, POLICY) == []


def test_catches_a_changed_total_component_or_tier() -> None:
    item = items()["H1"]
    assert check_breakdown(dataclasses.replace(item, total=171), REF, CTX, POLICY) == [
        "R1/H1 (whole group): total 171 is not the sum of its components"
    ]
    assert check_breakdown(
        dataclasses.replace(item, cost_points=-79, total=171), REF, CTX, POLICY
    ) == ["R1/H1 (whole group): cost points -79 but the components give -80"]
    assert check_breakdown(dataclasses.replace(item, tier=2), REF, CTX, POLICY) == [
        "R1/H1 (whole group): tier 2 but its priorities give 1"
    ]


def test_catches_a_wrong_distance_or_wrong_facts() -> None:
    item = items()["H1"]
    moved = dataclasses.replace(item, distance_tenths=30, distance_points=-60, total=180)
    assert check_breakdown(moved, REF, CTX, POLICY) == [
        "R1/H1 (whole group): 30 tenths of a mile recorded, 35 recomputed"
    ]
    fake = dataclasses.replace(
        item, desirable_met=(), desirable_unmet=(("C1", Need.TRAUMA),), needs_points=0, total=130
    )
    assert check_breakdown(fake, REF, CTX, POLICY) == [
        "R1/H1 (whole group): needs, culture or wishes differ from the household's record"
    ]


def test_catches_a_household_that_breaks_a_hard_rule() -> None:
    item = items()["H1"]
    full = [
        household("H1", approved_places=1, skills=frozenset({Need.TRAUMA}), weekly_cost_gbp=400),
        household("H2"),
    ]
    ctx = context(full, {"H1": 3.5, "H2": 22.0}, [REF])
    assert check_breakdown(item, REF, ctx, POLICY) == [
        "R1/H1 (whole group): breaks hard rule vacancies: has 1 vacant place(s) but 2 are needed"
    ]
    assert [f.code for f in validate_option(full[0], REF, ("C1", "C2"), POLICY)] == ["vacancies"]
    assert validate_option(full[0], REF, ("C1",), POLICY) == ()


def test_catches_a_shortlist_out_of_order() -> None:
    shortlist = rank(REF, HOMES, CTX, POLICY)
    assert check_shortlist(shortlist) == []
    ranked = shortlist.options[0]
    swapped = dataclasses.replace(
        ranked,
        entries=(
            dataclasses.replace(ranked.entries[1], rank=1),
            dataclasses.replace(ranked.entries[0], rank=2),
        ),
    )
    broken = dataclasses.replace(shortlist, options=(swapped,))
    assert check_shortlist(broken) == ["whole group: entries are not in tier-then-score order"]
