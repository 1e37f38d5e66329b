"""The CP-SAT model: each rule feasible and infeasible in a tiny case, and agreement with brute force."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.allocation_checks import check_allocation
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


@settings(max_examples=40, deadline=None)
@given(_instances())
def test_solver_matches_brute_force_and_the_checker_agrees(inst) -> None:
    outcome = solve_lexicographic(inst, (), time_limit_s=10, workers=1, keep=1, keep_all_up_to=0)
    check = check_allocation(inst, outcome.allocation)
    assert outcome.status == "optimal"
    assert check.violations == ()
    assert check.tiers.as_tuple() == tuple(t.value for t in outcome.tiers)
    assert check.tiers.as_tuple() == _brute_force(inst)


def test_pruning_keeps_the_optimum_when_few_units_compete() -> None:
    a = unit("A", 8)
    cands = [cand(a, f"H{j}", score=100 - j) for j in range(30)]
    inst = instance([a], [room(f"H{j}") for j in range(30)], cands)
    pruning = Pruning(inst, keep=2, keep_all_up_to=0)
    # One referral, one part: no other unit can occupy its two kept households (2 > 0).
    assert pruning.summary().parts_complete == 1
    assert [o.candidate.household_id for o in pruning.options()] == ["H0", "H1"]
