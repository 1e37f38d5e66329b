"""Each hard rule: a feasible and an infeasible case, the exact reason, and the vectorised
mask agreeing with the scalar check."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from matching.domain import Need, PlacedChild, PlacementKind, ProviderType
from matching.options import Option, options_for
from matching.policy import Policy
from matching.rules import HARD_RULES, RULE_CODES, explain_failures, failure_bits
from sufficiency.domain import ChildId
from tests.matching.shortlist_cases import START, child, context, household, referral

POLICY = Policy()
TWO = referral(child("C1", 7), child("C2", 9))
ONE = referral(child("C1", 7))


def placed(child_id: str, age: int, **fields) -> PlacedChild:
    return PlacedChild(ChildId(child_id), dt.date(START.year - age - 1, 12, 31), **fields)


# (rule code, referral, feasible household, infeasible household, exact reason)
CASES = [
    (
        "age-range",
        TWO,
        household("OK"),
        household("NO", approved_age_min=8),
        "approved for ages 8-17, but on the start date C1 is 7",
    ),
    (
        "placement-kind",
        ONE,
        household("OK"),
        household("NO", approved_kinds=frozenset({PlacementKind.RESPITE})),
        "not approved for long-term placements (approved for: respite)",
    ),
    (
        "vacancies",
        TWO,
        household("OK"),
        household("NO", approved_places=1),
        "has 1 vacant place(s) but 2 are needed",
    ),
    (
        "usual-limit",
        TWO,
        household(
            "OK",
            approved_places=4,
            usual_limit_exemption=True,
            placed_children=(placed("P1", 5), placed("P2", 6)),
        ),
        household("NO", approved_places=4, placed_children=(placed("P1", 5), placed("P2", 6))),
        "would have 4 fostered children, over the usual limit of 3, and they would not all be "
        "siblings (no exemption)",
    ),
    (
        "essential-needs",
        referral(child("C1", 7, essential_needs=frozenset({Need.AUTISM, Need.TRAUMA}))),
        household("OK", skills=frozenset({Need.AUTISM, Need.TRAUMA})),
        household("NO", skills=frozenset({Need.TRAUMA})),
        "cannot meet essential need(s): autism",
    ),
    (
        "availability",
        ONE,
        household("OK", available_from=START),
        household("NO", available_from=START + dt.timedelta(days=1)),
        "is not available until 2026-12-01 (start date 2026-11-30)",
    ),
    ("availability", ONE, household("OK"), household("NO", on_hold=True), "is on hold"),
    (
        "availability",
        ONE,
        household("OK", deregistered_on=START + dt.timedelta(days=1)),
        household("NO", deregistered_on=START),
        "was deregistered on 2026-11-30",
    ),
    (
        "sibling-group-size",
        TWO,
        household("OK", max_sibling_group=2),
        household("NO", max_sibling_group=1),
        "is approved for sibling groups of up to 1; 2 children are to be placed together",
    ),
    (
        "compatibility",
        referral(child("C1", 12, poses_risk_to_younger=True)),
        household("OK", placed_children=(placed("P1", 9),)),
        household("NO", placed_children=(placed("P1", 8),)),
        "new child C1 poses a risk to younger children and placed child P1 is 4 years younger "
        "(limit 3)",
    ),
    (
        "compatibility",
        ONE,
        household("OK", placed_children=(placed("P1", 10, poses_risk_to_younger=True),)),
        household("NO", placed_children=(placed("P1", 11, poses_risk_to_younger=True),)),
        "placed child P1 poses a risk to younger children and new child C1 is 4 years younger "
        "(limit 3)",
    ),
    (
        "connected-carer",
        ONE,
        household(
            "OK", provider=ProviderType.CONNECTED, connected_child_ids=frozenset({ChildId("C1")})
        ),
        household(
            "NO", provider=ProviderType.CONNECTED, connected_child_ids=frozenset({ChildId("C7")})
        ),
        "is a connected (family and friends) carer for C7, not for C1",
    ),
]


@pytest.mark.parametrize(
    ("code", "ref", "good", "bad", "reason"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_rule_feasible_and_infeasible(code, ref, good, bad, reason) -> None:
    option = options_for(ref)[0]
    assert explain_failures(good, option, POLICY) == ()
    failures = explain_failures(bad, option, POLICY)
    assert [(f.code, f.reason) for f in failures] == [(code, reason)]
    ctx = context([good, bad], {"OK": 1.0, "NO": 1.0}, [ref])
    bit = 1 << RULE_CODES.index(code)
    assert failure_bits(ctx.table, option, POLICY).tolist() == [0, bit]


def test_every_rule_has_a_case_and_a_unique_code() -> None:
    assert len(set(RULE_CODES)) == len(HARD_RULES)
    assert {case[0] for case in CASES} == set(RULE_CODES)


def test_usual_limit_allows_siblings_of_the_same_referral() -> None:
    # 2 siblings of R1 already placed + 2 more of R1 = 4, over 3 but all siblings: allowed.
    home = household(
        "H",
        approved_places=4,
        placed_children=(placed("P1", 5, sibling_group="R1"), placed("P2", 6, sibling_group="R1")),
    )
    assert explain_failures(home, options_for(TWO)[0], POLICY) == ()
    ctx = context([home], {"H": 1.0}, [TWO])
    assert failure_bits(ctx.table, options_for(TWO)[0], POLICY).tolist() == [0]


def test_usual_limit_is_a_policy_setting() -> None:
    home = household("H", approved_places=4, placed_children=(placed("P1", 5), placed("P2", 6)))
    assert explain_failures(home, options_for(TWO)[0], Policy(usual_limit_children=4)) == ()


def test_compatibility_gap_is_a_policy_setting_and_exact_gap_passes() -> None:
    ref = referral(child("C1", 12, poses_risk_to_younger=True))
    home = household("H", placed_children=(placed("P1", 8),))  # 4 years younger
    assert explain_failures(home, options_for(ref)[0], Policy(risk_age_gap_years=4)) == ()
    assert explain_failures(home, options_for(ref)[0], Policy(risk_age_gap_years=3)) != ()


def test_referral_naming_a_connected_household_lets_it_take_the_children() -> None:
    ref = referral(child("C1", 7), connected_household_ids=frozenset({"K"}))
    kin = household("K", provider=ProviderType.CONNECTED)
    assert explain_failures(kin, options_for(ref)[0], POLICY) == ()


def test_a_household_failing_several_rules_gets_every_reason() -> None:
    bad = household("NO", approved_places=1, approved_age_max=4, on_hold=True)
    codes = [f.code for f in explain_failures(bad, options_for(TWO)[0], POLICY)]
    assert codes == ["age-range", "vacancies", "availability"]


def test_part_of_a_split_needs_only_its_own_places() -> None:
    ref = referral(child("C1", 7), child("C2", 9), allowed_splits=((("C1",), ("C2",)),))
    options = options_for(ref)
    assert [o.label for o in options] == ["whole group", "part 1 of split 1", "part 2 of split 1"]
    one_place = household("H", approved_places=1)
    assert [f.code for f in explain_failures(one_place, options[0], POLICY)] == ["vacancies"]
    assert explain_failures(one_place, options[1], POLICY) == ()


def test_mask_matches_scalar_on_mixed_households() -> None:
    homes = [
        household(
            f"H{i}",
            approved_places=1 + i % 3,
            approved_age_min=i % 9,
            on_hold=i % 5 == 0,
            max_sibling_group=1 + i % 2,
        )
        for i in range(30)
    ]
    ctx = context(homes, {h.household_id: 1.0 for h in homes}, [TWO])
    option: Option = options_for(TWO)[0]
    mask = failure_bits(ctx.table, option, POLICY)
    for row, home in enumerate(homes):
        expected = sum(
            1 << RULE_CODES.index(f.code) for f in explain_failures(home, option, POLICY)
        )
        assert int(mask[row]) == expected, home.household_id
    assert np.count_nonzero(mask == 0) > 0
