"""First come, first served: arrival order, the same rules, and the case joint allocation fixes."""

from __future__ import annotations

from matching.allocation_checks import check_allocation
from matching.allocation_solve import solve_lexicographic
from matching.greedy import allocate_greedy, arrival_order
from tests.matching.allocation_factory import cand, instance, room, unit


def test_first_received_takes_the_best_household_and_splits_a_later_sibling_group() -> None:
    early = unit("A", 8, received=1)
    siblings = unit("B", 9, 11, received=2, splits=(((0,), (1,)),))
    cands = [
        cand(early, "H1", score=100),
        cand(early, "H2", score=50),
        cand(siblings, "H1", score=80),
        cand(siblings, "H2", (0,), score=10),
        cand(siblings, "H3", (1,), score=10),
    ]
    inst = instance([siblings, early], [room("H1", 2), room("H2"), room("H3")], cands)
    greedy = allocate_greedy(inst)
    assert [(c.referral_id, c.household_id) for c in greedy] == [
        ("A", "H1"),
        ("B", "H2"),
        ("B", "H3"),
    ]
    greedy_tiers = check_allocation(inst, greedy).tiers
    joint = solve_lexicographic(inst, greedy, time_limit_s=5, workers=1)
    joint_tiers = check_allocation(inst, joint.allocation).tiers
    # Both place 3 children; joint keeps the siblings together (1 against 0) by moving A to H2.
    assert (greedy_tiers.children_placed, greedy_tiers.sibling_groups_together) == (3, 0)
    assert (joint_tiers.children_placed, joint_tiers.sibling_groups_together) == (3, 1)
    assert joint_tiers.score == 50 + 80


def test_arrival_order_puts_pins_first_then_date_then_id() -> None:
    a, b, c = unit("A", 8, received=3), unit("B", 8, received=1), unit("C", 8, received=1)
    inst = instance([a, b, c], [room("H")], [cand(a, "H")], pins=frozenset({("A", "H")}))
    assert [u.referral_id for u in arrival_order(inst)] == ["A", "B", "C"]


def test_greedy_respects_the_household_rules_and_forbids() -> None:
    older, baby = unit("A", 15, risky=(0,), received=1), unit("B", 2, received=2)
    cands = [cand(older, "H"), cand(baby, "H"), cand(baby, "G", score=-5)]
    inst = instance(
        [older, baby], [room("H", 2), room("G")], cands, forbids=frozenset({("B", "G")})
    )
    greedy = allocate_greedy(inst)
    assert [(c.referral_id, c.household_id) for c in greedy] == [("A", "H")]
    assert check_allocation(inst, greedy).ok
