"""The solver-free checker: each rule's exact message, and tier counts recomputed from the instance."""

from __future__ import annotations

import dataclasses

import pytest

from matching.allocation_checks import check_allocation
from matching.allocation_types import TierCounts
from tests.matching.allocation_factory import cand, instance, room, unit

A, B, C = unit("A", 8), unit("B", 9, 10, 11), unit("C", 2)
RISKY = unit("D", 15, risky=(0,))
SPLIT = unit("S", 9, 11, splits=(((0,), (1,)),))


@pytest.mark.parametrize(
    ("households", "candidates", "message"),
    [
        (
            [room("H", 1)],
            [cand(A, "H"), cand(C, "H")],
            "household H: 2 children placed but 1 vacancies [VacancyCapacity]",
        ),
        (
            [room("H", 4)],
            [cand(A, "H"), cand(B, "H")],
            "household H: 4 fostered children, not all siblings, over the usual limit of 3 [UsualLimit]",
        ),
        (
            [room("H", 3, max_group=2)],
            [cand(B, "H")],
            "household H: sibling group of 3 from B exceeds its maximum of 2 [MaxSiblingGroup]",
        ),
        (
            [room("H", 2)],
            [cand(RISKY, "H"), cand(C, "H")],
            "household H: D and C may not be placed together (risk to a younger child) [Compatibility]",
        ),
        (
            [room("H", 2)],
            [cand(SPLIT, "H", (0,)), cand(SPLIT, "H", (1,))],
            "referral S: two parts in one household [SplitPartsApart]",
        ),
        (
            [room("H", 2), room("G", 2)],
            [cand(unit("S", 9, 11), "H", (0,))],
            "referral S: parts [['Sc0']] are not an allowed split [AllowedSplits]",
        ),
    ],
)
def test_each_rule_has_its_message(households, candidates, message) -> None:
    referrals = {
        c.referral_id: u
        for u in (A, B, C, RISKY, SPLIT, unit("S", 9, 11))
        for c in candidates
        if u.referral_id == c.referral_id
    }
    inst = instance(referrals.values(), households, candidates)
    assert message in check_allocation(inst, candidates).violations


def test_a_pairing_that_is_not_a_candidate_fails_the_hard_rules() -> None:
    inst = instance([A], [room("H"), room("G")], [cand(A, "H")])
    check = check_allocation(inst, [cand(A, "G")])
    assert check.violations == (
        "referral A: household G for children ['Ac0'] does not pass the hard rules (not a candidate) [HardRules]",
    )


def test_pins_and_forbids_are_checked() -> None:
    inst = instance(
        [A],
        [room("H"), room("G")],
        [cand(A, "H"), cand(A, "G")],
        pins=frozenset({("A", "G")}),
        forbids=frozenset({("A", "H")}),
    )
    assert check_allocation(inst, [cand(A, "H")]).violations == (
        "pin A:G is not honoured [Pin]",
        "forbidden pairing A:H is used [Forbid]",
    )


def test_tiers_are_recomputed_from_the_instance_not_the_claim() -> None:
    real = cand(B, "H", within=True, school=2, score=40)
    inst = instance([B, A], [room("H", 3), room("G")], [real, cand(A, "G", within=False, score=-7)])
    claimed = dataclasses.replace(real, score=999)
    check = check_allocation(inst, [claimed, cand(A, "G")])
    # B: 3 children, together, 3 within, 2 schools, 40 points; A: 1 child, 0 within, -7 points.
    assert check.ok
    assert check.tiers == TierCounts(4, 1, 3, 2, 33)
