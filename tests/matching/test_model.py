"""The CP-SAT model: each rule feasible and infeasible in a tiny case, agreement with brute force,
and the pruning proofs (a repair that works, an unsafe pruning detected)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import allocation_blocks, allocation_primal
from matching.allocation_checks import check_allocation
from matching.allocation_options import tier_blocks
from matching.allocation_prune import Pruning
from matching.allocation_solve import solve_lexicographic
from matching.model import AllocationModel, build_options
from tests.matching.allocation_factory import cand, instance, room, unit


def _best(inst, tier=0):
    model = AllocationModel(inst, build_options(inst, range(len(inst.candidates))))
    return model.solve(tier, time_limit_s=5, workers=1)


def test_vacancies_are_shared_between_referrals() -> None:
    a, b = unit("A", 8), unit("B", 9)
    # One vacancy, two single children: only one is placed (1 + 1 > 1).
    assert _best(instance([a, b], [room("H", 1)], [cand(a, "H"), cand(b, "H")])).value == 1
    # Two vacancies: both (1 + 1 = 2).
    assert _best(instance([a, b], [room("H", 2)], [cand(a, "H"), cand(b, "H")])).value == 2


def test_usual_limit_of_three_unless_all_siblings() -> None:
    a, b = unit("A", 8), unit("B", 9, 10, 11)
    # Four vacancies, exemption absent: 1 + 3 = 4 children of two families exceeds 3.
    inst = instance([a, b], [room("H", 4, max_group=3)], [cand(a, "H"), cand(b, "H")])
    assert _best(inst).value == 3
    # The same with an exemption: all four.
    inst = instance([a, b], [room("H", 4, max_group=3, exempt=True)], [cand(a, "H"), cand(b, "H")])
    assert _best(inst).value == 4
    # A sibling group of four alone in an empty home is within the rule (all siblings).
    c = unit("C", 5, 6, 7, 8)
    assert _best(instance([c], [room("H", 4, max_group=4)], [cand(c, "H")])).value == 4


def test_placed_children_count_towards_the_usual_limit() -> None:
    a, b = unit("A", 8), unit("B", 9)
    # Two placed, two vacancies: only one more child (2 + 1 = 3).
    inst = instance([a, b], [room("H", 2, placed=2)], [cand(a, "H"), cand(b, "H")])
    assert _best(inst).value == 1
    # Placed children who are siblings of referral B: B may join them beyond three, A may not.
    big = unit("B", 9, 10)
    inst = instance(
        [a, big], [room("H", 3, placed=2, sibling_group="B")], [cand(a, "H"), cand(big, "H")]
    )
    assert _best(inst).value == 2
    assert {c.referral_id for c in _selected(inst)} == {"B"}


def _selected(inst):
    options = build_options(inst, range(len(inst.candidates)))
    result = AllocationModel(inst, options).solve(0, time_limit_s=5, workers=1)
    return [options[i].candidate for i in result.selected]


def test_children_posing_a_risk_are_not_placed_with_much_younger_children() -> None:
    older, baby = unit("A", 15, risky=(0,)), unit("B", 2)
    inst = instance([older, baby], [room("H", 2)], [cand(older, "H"), cand(baby, "H")])
    assert _best(inst).value == 1  # 15 - 2 = 13 years > 3
    near_age = unit("B", 13)
    inst = instance([older, near_age], [room("H", 2)], [cand(older, "H"), cand(near_age, "H")])
    assert _best(inst).value == 2  # 15 - 13 = 2 years <= 3


def test_split_parts_go_to_different_households_and_one_mode_is_used() -> None:
    b = unit("B", 9, 11, splits=(((0,), (1,)),))
    cands = [cand(b, "H1", (0,)), cand(b, "H1", (1,)), cand(b, "H2", (1,))]
    inst = instance([b], [room("H1", 2), room("H2", 1)], cands)
    chosen = _selected(inst)
    assert len(chosen) == 2 and {c.household_id for c in chosen} == {"H1", "H2"}
    # Without the split allowed, part candidates cannot be used at all.
    whole_only = unit("B", 9, 11)
    assert (
        _best(
            instance(
                [whole_only],
                [room("H1", 2), room("H2", 1)],
                [cand(whole_only, "H1", (0,)), cand(whole_only, "H2", (1,))],
            )
        ).value
        == 0
    )


def test_pins_are_honoured_or_reported_infeasible() -> None:
    a, b = unit("A", 8), unit("B", 9)
    cands = [cand(a, "H1", score=10), cand(a, "H2"), cand(b, "H1")]
    inst = instance([a, b], [room("H1"), room("H2")], cands, pins=frozenset({("B", "H1")}))
    outcome = solve_lexicographic(inst, (), time_limit_s=5, workers=1)
    assert ("B", "H1") in {(c.referral_id, c.household_id) for c in outcome.allocation}
    conflicting = instance(
        [a, b], [room("H1"), room("H2")], cands, pins=frozenset({("B", "H1"), ("A", "H1")})
    )
    outcome = solve_lexicographic(conflicting, (), time_limit_s=5, workers=1)
    assert outcome.status == "infeasible"
    assert outcome.messages == (
        "No allocation honours every pin: remove or change a pin and re-run.",
    )


def _brute_force(inst):
    """The lexicographic best over every subset of candidates the checker accepts."""
    best = None
    for size in range(len(inst.candidates) + 1):
        for subset in itertools.combinations(inst.candidates, size):
            check = check_allocation(inst, subset)
            if check.ok and (best is None or check.tiers.as_tuple() > best):
                best = check.tiers.as_tuple()
    return best


@st.composite
def _instances(draw):
    referrals = []
    for i in range(draw(st.integers(1, 3))):
        ages = draw(st.lists(st.integers(0, 17), min_size=1, max_size=3))
        splits = (
            (((0,), tuple(range(1, len(ages)))),) if len(ages) > 1 and draw(st.booleans()) else ()
        )
        risky = (0,) if draw(st.booleans()) else ()
        referrals.append(unit(f"R{i}", *ages, risky=risky, splits=splits))
    rooms = [
        room(
            f"H{j}",
            draw(st.integers(1, 4)),
            placed=draw(st.integers(0, 2)),
            max_group=draw(st.integers(1, 4)),
            exempt=draw(st.booleans()),
        )
        for j in range(draw(st.integers(1, 3)))
    ]
    cands = []
    for r in referrals:
        parts = {tuple(range(r.size))} | {
            tuple(sorted(i for i, (c, _) in enumerate(r.births) if c in part))
            for mode in r.modes[1:]
            for part in mode
        }
        for h in rooms:
            for part in sorted(parts):
                if draw(st.booleans()):
                    cands.append(
                        cand(
                            r,
                            h.household_id,
                            part,
                            within=draw(st.booleans()),
                            school=draw(st.integers(0, len(part))),
                            score=draw(st.integers(-50, 50)),
                        )
                    )
    return instance(referrals, rooms, cands[:9])


def _agrees_with_brute_force(inst) -> None:
    # One candidate kept per part and no counting beyond it: every other candidate is behind a
    # virtual option, so the relaxation, its repair and the expansions are all exercised.
    outcome = solve_lexicographic(
        inst, (), time_limit_s=10, workers=1, keep=1, max_keep=1, keep_all_up_to=0
    )
    check = check_allocation(inst, outcome.allocation)
    assert outcome.status == "optimal"
    assert check.violations == ()
    assert check.tiers.as_tuple() == tuple(t.value for t in outcome.tiers)
    assert check.tiers.as_tuple() == _brute_force(inst)


@settings(max_examples=40, deadline=None)
@given(_instances())
def test_solver_matches_brute_force_and_the_checker_agrees(inst) -> None:
    _agrees_with_brute_force(inst)


@settings(max_examples=25, deadline=None)
@given(_instances())
def test_restricted_first_solve_never_changes_the_optimum(inst) -> None:
    # Force the large-model path (a restricted solve of one candidate per part first): it only
    # supplies allocations, so the optimum and its proof must be the same.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(allocation_primal, "LARGE_MODEL_OPTIONS", 0)
        patch.setattr(allocation_primal, "RESTRICTED_KEEP", 1)
        patch.setattr(allocation_blocks, "LARGE_MODEL_OPTIONS", 0)
        _agrees_with_brute_force(inst)


def test_pruning_keeps_the_optimum_when_few_units_compete() -> None:
    a = unit("A", 8)
    cands = [cand(a, f"H{j}", score=100 - j) for j in range(30)]
    inst = instance([a], [room(f"H{j}") for j in range(30)], cands)
    pruning = Pruning(inst, keep=2, keep_all_up_to=0)
    # One referral, one part: no other unit can occupy its two kept households (2 > 0).
    assert pruning.summary().parts_complete == 1
    assert [o.candidate.household_id for o in pruning.options()] == ["H0", "H1"]


def test_implied_usual_limit_cut_keeps_a_sibling_group_joining_its_placed_sibling() -> None:
    a, b = unit("A", 8), unit("B", 9, 10, 11)
    # One sibling of B already placed, four vacancies: B's three join (all siblings, 1 + 3 = 4)
    # while A with B would be 5 fostered children, not all siblings (over the limit of 3).
    home = room("H", 4, placed=1, max_group=3, sibling_group="B")
    inst = instance([a, b], [home], [cand(a, "H"), cand(b, "H")])
    assert _best(inst).value == 3
    assert {c.referral_id for c in _selected(inst)} == {"B"}


def test_tier_blocks_weigh_each_tier_above_everything_after_it() -> None:
    inst = instance([unit("A", 8), unit("B", 9, 10)], [room("H")], [])
    blocks = tier_blocks(inst)
    # Three children: weight 4 exceeds any count of children (3) or groups (1).
    assert [(b.tiers, b.weights) for b in blocks] == [
        ((0,), (1,)),
        ((1, 2, 3), (16, 4, 1)),
        ((4,), (1,)),
    ]
    together, within, school = blocks[1].weights
    # One more sibling group together beats every within-threshold child and school kept.
    assert together > 3 * within + 3 * school
    assert blocks[1].value((3, 1, 2, 3, -50)) == 16 + 8 + 3
    # A bound of 27 on the weighted sum: at most 1 group, then (given 1) 2 within, then 3.
    assert blocks[1].split(27, (3, 1, 2, 3, 0)) == [1, 2, 3]


def _pruned_instance(with_c: bool):
    a, b, c = unit("A", 8), unit("B", 9), unit("C", 10)
    cands = [cand(a, "H0", score=100), cand(a, "H1", score=50), cand(b, "H0", score=90)]
    if with_c:
        cands.append(cand(c, "H1", score=10))
    return instance([a, b, c] if with_c else [a, b], [room("H0"), room("H1")], cands)


def _solve_pruned(inst):
    # A keeps H0 only: B competes for it, so counting cannot prove H1 unneeded (1 kept, 1
    # competitor) and H1 stands behind a virtual option.
    return solve_lexicographic(
        inst, (), time_limit_s=10, workers=1, keep=1, max_keep=1, keep_all_up_to=0
    )


def test_a_virtual_option_is_swapped_for_a_free_pruned_household() -> None:
    inst = _pruned_instance(with_c=False)
    pruning = Pruning(inst, keep=1, max_keep=1, keep_all_up_to=0)
    assert pruning.summary().parts_complete == 1  # B's; A's pruning is not proven
    outcome = _solve_pruned(inst)
    # The relaxation places A virtually and B in H0 (2 children); H1 is free, so A takes it:
    # the real allocation reaches the relaxation's bound with one solve.
    assert outcome.status == "optimal"
    assert outcome.tiers[0].solves == 1 and outcome.tiers[0].value == 2
    pairs = sorted((c.referral_id, c.household_id) for c in outcome.allocation)
    assert pairs == [("A", "H1"), ("B", "H0")]


def test_unsafe_pruning_is_detected_and_the_part_expanded() -> None:
    inst = _pruned_instance(with_c=True)
    outcome = _solve_pruned(inst)
    # The relaxation claims 3 children (A virtual, B in H0, C in H1), but A's pruned household
    # H1 is taken: the swap fails, A's candidates are expanded and the re-solve proves 2.
    assert outcome.status == "optimal"
    assert outcome.tiers[0].solves == 2
    assert (outcome.tiers[0].value, outcome.tiers[0].bound) == (2, 2)
    # Best score among two placed: A-H1 + B-H0 = 140 (A-H0 + C-H1 = 110, B-H0 + C-H1 = 100).
    pairs = sorted((c.referral_id, c.household_id) for c in outcome.allocation)
    assert pairs == [("A", "H1"), ("B", "H0")]
    assert check_allocation(inst, outcome.allocation).ok
