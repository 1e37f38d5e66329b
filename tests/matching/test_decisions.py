"""Decisions: a reason whenever the choice is not the top one, beyond 20 miles or out of area;
applying one fills the household's vacancies."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.decisions import apply_decision, decide
from matching.domain import Decision
from matching.policy import Policy
from matching.shortlist import rank
from sufficiency.errors import InputDataError
from tests.matching.shortlist_cases import COUNCIL, child, context, household, referral

POLICY = Policy(council_la_code=COUNCIL)
AT = dt.datetime(2026, 11, 23, 14, 5)
REF = referral(child("C1", 7), child("C2", 9), allowed_splits=((("C1",), ("C2",)),))
HOMES = [
    household("TOP"),
    household("SECOND"),
    household("FAR"),
    household("OUT"),
    household("SMALL", approved_places=1),
]
CTX = context(
    HOMES,
    {"TOP": 1.0, "SECOND": 2.0, "FAR": 25.0, "OUT": 3.0, "SMALL": 0.5},
    [REF],
    out_of_area={"OUT"},
)
SHORTLIST = rank(REF, HOMES, CTX, POLICY)


def test_top_household_needs_no_reason() -> None:
    decision = decide(SHORTLIST, "TOP", decided_by="a.officer", decided_at=AT)
    assert decision == Decision(
        referral_id="R1",
        household_id="TOP",
        decided_by="a.officer",
        decided_at=AT,
        reason="",
        child_ids=("C1", "C2"),
        shortlist_rank=1,
        beyond_threshold=False,
        out_of_area=False,
    )


@pytest.mark.parametrize(
    ("household_id", "expected"),
    [
        ("SECOND", "a reason, because it is ranked 2, not first"),
        (
            "FAR",
            "a reason, because it is ranked 4, not first and it is 25.0 miles from home, "
            "beyond the threshold",
        ),
        ("OUT", "a reason, because it is ranked 3, not first and it is outside the council's area"),
    ],
)
def test_reason_required(household_id: str, expected: str) -> None:
    with pytest.raises(InputDataError) as caught:
        decide(SHORTLIST, household_id, decided_by="a.officer", decided_at=AT)
    (error,) = caught.value.errors
    assert error.field == "reason" and error.expected == expected
    decision = decide(
        SHORTLIST,
        household_id,
        decided_by="a.officer",
        decided_at=AT,
        reason="Carer already knows the children",
    )
    assert decision.reason == "Carer already knows the children"


def test_unsuitable_household_and_missing_officer_are_both_reported() -> None:
    with pytest.raises(InputDataError) as caught:
        decide(SHORTLIST, "SMALL", decided_by=" ", decided_at=AT, reason="x")
    assert [str(e) for e in caught.value.errors] == [
        'decision, field "decided_by": who made the decision must be recorded',
        'decision, field "household_id": the household is not suitable: '
        "has 1 vacant place(s) but 2 are needed [vacancies]",
    ]


def test_a_part_of_an_allowed_split_can_be_chosen() -> None:
    decision = decide(SHORTLIST, "SMALL", decided_by="a.officer", decided_at=AT, child_ids=["C2"])
    assert decision.child_ids == ("C2",) and decision.shortlist_rank == 1  # nearest for the part
    with pytest.raises(InputDataError, match="C1, C3 is neither the whole group nor a part"):
        decide(SHORTLIST, "TOP", decided_by="a.officer", decided_at=AT, child_ids=["C1", "C3"])


def test_unknown_household() -> None:
    with pytest.raises(InputDataError, match="household NOPE is not among the 5 households"):
        decide(SHORTLIST, "NOPE", decided_by="a.officer", decided_at=AT)


def test_apply_decision_adds_the_children_and_uses_vacancies() -> None:
    decision = decide(SHORTLIST, "TOP", decided_by="a.officer", decided_at=AT)
    before = HOMES[0]
    after = apply_decision(before, REF, decision)
    assert (before.vacancies, after.vacancies) == (2, 0)
    assert [(c.child_id, c.sibling_group) for c in after.placed_children] == [
        ("C1", "R1"),
        ("C2", "R1"),
    ]
    with pytest.raises(InputDataError, match="2 children but household TOP has 0 vacant place"):
        apply_decision(after, REF, decision)
    with pytest.raises(InputDataError, match="decision is for TOP, not SECOND"):
        apply_decision(HOMES[1], REF, decision)
