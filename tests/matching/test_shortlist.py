"""The ranked shortlist: tier order, splits, reasons, the "not suitable" list and why-not;
plus a property test that no shortlisted household ever breaks a hard rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.checks import check_shortlist
from matching.domain import HouseholdFeature, Need, PlacedChild, PlacementKind, ProviderType
from matching.policy import Policy
from matching.shortlist import rank, why_not
from sufficiency.domain import ChildId
from tests.matching.shortlist_cases import COUNCIL, START, child, context, east, household, referral

POLICY = Policy(council_la_code=COUNCIL)


def ids(shortlist) -> list[str]:
    return [e.breakdown.household_id for e in shortlist.entries]


def test_tier_order_beats_score() -> None:
    # Each household is better on score than the one before it, but worse on a tier.
    ref = referral(child("C1", 12, school_urn=1), connected_household_ids=frozenset({"KIN"}))
    kin = household("KIN", provider=ProviderType.CONNECTED, weekly_cost_gbp=900)  # tier 1
    school = household(
        "SCHOOL", weekly_cost_gbp=100
    )  # keeps school, not the connected carer: tier 2
    near = household("NEAR")  # within 20 miles, too far from school: tier 4
    far = household("FAR")  # beyond 20 miles: tier 6 (and cannot keep school)
    ctx = context(
        [far, near, school, kin],
        {"KIN": 5.0, "SCHOOL": 4.0, "NEAR": -12.0, "FAR": -21.0},
        [ref],
        schools={1: east(5.0)},
    )
    shortlist = rank(ref, [far, near, school, kin], ctx, POLICY)
    assert ids(shortlist) == ["KIN", "SCHOOL", "NEAR", "FAR"]
    assert [e.breakdown.tier for e in shortlist.entries] == [1, 2, 4, 8]
    assert check_shortlist(shortlist) == []


def test_score_orders_within_a_tier_then_household_id() -> None:
    ref = referral(child("C1", 7))
    homes = [
        household("B", weekly_cost_gbp=500),
        household("A", weekly_cost_gbp=500),
        household("C", weekly_cost_gbp=300),
    ]
    ctx = context(homes, {"A": 3.0, "B": 3.0, "C": 3.0}, [ref])
    shortlist = rank(ref, homes, ctx, POLICY)
    assert ids(shortlist) == ["C", "A", "B"]  # C cheaper; A and B tie, A first by id
    assert shortlist.entries[1].reason == (
        "3.0 miles from home inside the council's area; in-house carer, GBP 500 a week "
        # -30 + 40 + 100 - 50 = 60 against -30 + 40 + 100 - 30 = 80
        "(same tier as the top household, score 60 against 80)."
    )


def test_first_reason_is_one_plain_sentence() -> None:
    ref = referral(child("C1", 7, desirable_needs=frozenset({Need.TRAUMA})), child("C2", 9))
    home = household("H1", skills=frozenset({Need.TRAUMA}), weekly_cost_gbp=420)
    shortlist = rank(ref, [home], context([home], {"H1": 4.2}, [ref]), POLICY)
    assert shortlist.entries[0].reason == (
        "Keeps both children together, 4.2 miles from home inside the council's area; "
        "in-house carer, meeting 1 of 1 desirable needs, GBP 420 a week."
    )
    assert shortlist.note == "1 household(s) can take the whole referral."


def test_splits_are_shown_only_when_nobody_takes_the_whole_group() -> None:
    ref = referral(child("C1", 7), child("C2", 9), allowed_splits=((("C1",), ("C2",)),))
    singles = [household("S1", approved_places=1), household("S2", approved_places=1)]
    shortlist = rank(ref, singles, context(singles, {"S1": 1.0, "S2": 2.0}, [ref]), POLICY)
    assert [o.option.label for o in shortlist.options] == [
        "whole group",
        "part 1 of split 1",
        "part 2 of split 1",
    ]
    assert shortlist.note == (
        "No household can take all 2 children together; the care plan allows a "
        "split, so the best households for each part are shown."
    )
    assert [e.breakdown.household_id for e in shortlist.options[1].entries] == ["S1", "S2"]
    assert (
        shortlist.options[1]
        .entries[0]
        .reason.startswith("Takes 1 of the 2 children (an allowed split)")
    )
    assert [u.household_id for u in shortlist.not_suitable(0)] == ["S1", "S2"]
    homes = [*singles, household("BOTH")]
    whole = rank(ref, homes, context(homes, {"S1": 1.0, "S2": 2.0, "BOTH": 30.0}, [ref]), POLICY)
    assert [o.option.label for o in whole.options] == ["whole group"] and ids(whole) == ["BOTH"]


def test_no_split_allowed_says_so() -> None:
    ref = referral(child("C1", 7), child("C2", 9))
    single = [household("S1", approved_places=1)]
    shortlist = rank(ref, single, context(single, {"S1": 1.0}, [ref]), POLICY)
    assert shortlist.entries == ()
    assert "the care plan does not allow a split" in shortlist.note
    assert (
        shortlist.not_suitable()[0].reason
        == "Not suitable: has 1 vacant place(s) but 2 are needed."
    )


def test_not_suitable_lists_every_failed_rule() -> None:
    ref = referral(child("C1", 7))
    bad = household(
        "BAD", approved_age_min=10, approved_kinds=frozenset({PlacementKind.RESPITE}), on_hold=True
    )
    shortlist = rank(ref, [bad], context([bad], {"BAD": 1.0}, [ref]), POLICY)
    (entry,) = shortlist.not_suitable()
    assert [f.code for f in entry.failures] == ["age-range", "placement-kind", "availability"]


def test_why_not_for_a_household_below_the_shortlist_and_an_unsuitable_one() -> None:
    ref = referral(child("C1", 7))
    homes = [household(f"H{i}") for i in range(4)] + [household("OLD", approved_age_min=11)]
    miles = {f"H{i}": 1.0 + i for i in range(4)} | {"OLD": 0.5}
    shortlist = rank(ref, homes, context(homes, miles, [ref]), POLICY, length=2)
    assert ids(shortlist) == ["H0", "H1"]
    verdict = why_not(shortlist, "H3").verdicts[0]
    assert (verdict.suitable, verdict.rank, verdict.suitable_count) == (True, 4, 4)
    assert verdict.sentence.startswith(
        "Whole group: suitable but below the shortlist, ranked 4 of 4"
    )
    assert why_not(shortlist, "OLD").sentence == (
        "Whole group: not suitable: approved for ages 11-17, but on the start date C1 is 7."
    )
    with pytest.raises(KeyError, match="household NOPE is not among the 5 households"):
        why_not(shortlist, "NOPE")


def test_why_not_accepts_the_inputs() -> None:
    ref = referral(child("C1", 7))
    homes = [household("H1")]
    ctx = context(homes, {"H1": 1.0}, [ref])
    assert why_not((ref, homes, ctx, POLICY), "H1").verdicts[0].rank == 1


# -- property test: random valid instances -------------------------------------------------

NEEDS = list(Need)[:6]


@st.composite
def instances(draw):
    n_children = draw(st.integers(1, 3))
    ages = draw(st.lists(st.integers(0, 17), min_size=n_children, max_size=n_children))
    kids = [
        child(
            f"C{i}",
            age,
            essential_needs=frozenset(draw(st.sets(st.sampled_from(NEEDS), max_size=2))),
            poses_risk_to_younger=draw(st.booleans()),
            school_urn=1 if age >= 5 else None,
        )
        for i, age in enumerate(ages)
    ]
    splits = (
        ((tuple(k.child_id for k in kids[:1]), tuple(k.child_id for k in kids[1:])),)
        if n_children > 1
        else ()
    )
    ref = referral(*kids, allowed_splits=splits if draw(st.booleans()) else ())
    homes, miles = [], {}
    for h in range(draw(st.integers(1, 12))):
        low = draw(st.integers(0, 17))
        places = draw(st.integers(0, 4))
        n_placed = draw(st.integers(0, places))
        placed = tuple(
            PlacedChild(
                ChildId(f"P{h}{p}"),
                START - dt.timedelta(days=draw(st.integers(1, 6000))),
                poses_risk_to_younger=draw(st.booleans()),
            )
            for p in range(n_placed)
        )
        homes.append(
            household(
                f"H{h:02d}",
                approved_places=places,
                approved_age_min=low,
                approved_age_max=draw(st.integers(low, 17)),
                max_sibling_group=draw(st.integers(1, 3)),
                skills=frozenset(draw(st.sets(st.sampled_from(NEEDS)))),
                placed_children=placed,
                on_hold=draw(st.booleans()),
                usual_limit_exemption=draw(st.booleans()),
                features=frozenset(
                    draw(st.sets(st.sampled_from(list(HouseholdFeature)), max_size=3))
                ),
                weekly_cost_gbp=draw(st.floats(0, 1500)),
                provider=draw(st.sampled_from(list(ProviderType))),
                connected_child_ids=frozenset(
                    draw(st.sets(st.sampled_from([k.child_id for k in kids])))
                ),
            )
        )
        miles[f"H{h:02d}"] = east(draw(st.floats(-40, 40)), draw(st.floats(-40, 40)))
    return ref, homes, miles


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_no_shortlisted_household_breaks_a_hard_rule(instance) -> None:
    ref, homes, miles = instance
    ctx = context(homes, miles, [ref], out_of_area={"H00"}, schools={1: east(3.0, 2.0)})
    shortlist = rank(ref, homes, ctx, POLICY, length=20)
    assert check_shortlist(shortlist) == []
    shown = {e.breakdown.household_id for o in shortlist.options for e in o.entries}
    for index, ranked in enumerate(shortlist.options):
        unsuitable = {u.household_id for u in shortlist.not_suitable(index)}
        listed = {e.breakdown.household_id for e in ranked.entries}
        assert unsuitable.isdisjoint(listed)
        assert len(unsuitable) + ranked.suitable_count == len(homes)
    assert shown <= {h.household_id for h in homes}


# -- the matching context, through the real gazetteer -------------------------------------


def test_build_context_reports_every_unlocatable_postcode() -> None:
    from matching.context import build_context
    from sufficiency.errors import InputDataError

    homes = [
        household("A", postcode="N15 4RX"),
        household("B", postcode="ZZ9 9ZZ"),
        household("C", postcode="not a postcode"),
    ]
    with pytest.raises(InputDataError) as caught:
        build_context(homes, [referral(child("C1", 9), home_postcode="N17 6SB")])
    assert [(e.source, e.field) for e in caught.value.errors] == [
        ("household B", "postcode"),
        ("household C", "postcode"),
    ]
    assert "ZZ9 9ZZ" not in str(caught.value)  # postcodes are masked in messages


def test_build_context_locates_homes_schools_and_areas_once() -> None:
    from matching.context import build_context

    ref = referral(
        child("C1", 9, school_urn=102078), home_postcode="N17 6SB"
    )  # Belmont Junior, N22
    ctx = build_context([household("A", postcode="N15 4RX")], [ref])
    assert ctx.table.la_code.tolist() == ["309"] and list(ctx.school_points) == [102078]
    shortlist = rank(
        ref, ctx.households, ctx, Policy(council_la_code="E09000014")
    )  # GSS code works too
    (entry,) = shortlist.entries
    assert entry.breakdown.in_area and entry.breakdown.miles_from_home == 0.6
    assert entry.breakdown.schools[0].keeps_school
    later = referral(child("C2", 9, school_urn=999999), referral_id="R2", home_postcode="E17 4JF")
    assert ctx.home_point(later).easting_m == 537706.0  # located on first use
    assert ctx.school_point(999999) is None and ctx.unlocated_schools == {999999}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_scored_option_passes_the_checker(instance) -> None:
    """score_candidates (whole group and every allowed part) never offers a rule-breaker."""
    from matching.checks import check_breakdown
    from matching.scoring import score_candidates

    ref, homes, miles = instance
    ctx = context(homes, miles, [ref], out_of_area={"H01"}, schools={1: east(-3.0, 1.0)})
    for item in score_candidates(ref, homes, ctx, POLICY):
        assert check_breakdown(item, ref, ctx, POLICY) == []
        assert item.as_candidate().score == item.total
