"""Gap sources beside the history: recorded decisions, today's open referrals, de-duplication."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.domain import (
    Child,
    Decision,
    Household,
    HouseholdId,
    Need,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
    ReferralStatus,
)
from matching.gaps import GapSource, Shortfall, analyse_gaps
from matching.gaps_casework import decision_gaps, merge_sources, open_referral_gaps
from matching.recruit import recommend_recruitment
from matching.recruit_checks import check_replay
from matching.recruit_time import OPEN_END, day_span, interval_cliques
from sufficiency.domain import ChildId, PlacementType, Sex
from tests.matching.recruit_cases import (
    ANCHORS,
    AS_OF,
    COSTS,
    FAR,
    IN_HOUSE,
    NEAR_AGENCY,
    POLICY,
    planted_gap,
    rebuild,
)

D = dt.date
KINDS = frozenset({PlacementKind.EMERGENCY, PlacementKind.SHORT_TERM, PlacementKind.LONG_TERM})


def household(
    household_id: str,
    postcode: str,
    provider: ProviderType = ProviderType.IN_HOUSE,
    weekly_cost_gbp: float = 0.0,
) -> Household:
    return Household(
        HouseholdId(household_id),
        f"Household {household_id}",
        provider,
        postcode,
        approved_places=2,
        approved_age_min=0,
        approved_age_max=17,
        approved_kinds=KINDS,
        max_sibling_group=2,
        skills=frozenset({Need.TEENAGERS}),
        weekly_cost_gbp=weekly_cost_gbp,
        agency_name="Agency" if provider == ProviderType.AGENCY else "",
    )


def referral(
    referral_id: str,
    *child_ids: str,
    home: str = "N17 0AB",
    start: dt.date = AS_OF,
    status: ReferralStatus = ReferralStatus.OPEN,
    age: int = 14,
) -> Referral:
    children = tuple(
        Child(
            ChildId(c),
            D(start.year - age, 1, 15),
            Sex.FEMALE,
            essential_needs=frozenset({Need.TEENAGERS}) if age >= 13 else frozenset(),
        )
        for c in child_ids
    )
    return Referral(
        ReferralId(referral_id),
        children,
        PlacementKind.SHORT_TERM,
        start,
        home,
        start - dt.timedelta(days=5),
        status=status,
    )


def decision(referral_id: str, household_id: str, *child_ids: str, **flags) -> Decision:
    reason = "no local vacancy" if flags else ""
    return Decision(
        ReferralId(referral_id),
        HouseholdId(household_id),
        "officer-001",
        dt.datetime(2026, 6, 1, 10, 0),
        reason=reason,
        child_ids=tuple(ChildId(c) for c in child_ids),
        **flags,
    )


def open_gaps(referrals, households):
    return open_referral_gaps(
        referrals, households, POLICY, as_of=AS_OF, unit_costs_gbp=COSTS, time_limit_s=5
    )


def test_planted_open_referral_beyond_20_miles_is_a_gap_in_its_district() -> None:
    # The only household that could take the 14-year-old from N17 is in Cambridge (~43 miles):
    # the allocator places her there, beyond the threshold and outside Haringey.
    [gap] = open_gaps([referral("R-OPEN", "C1")], [household("FAR", FAR)])
    assert gap.source == GapSource.OPEN and gap.district == "N17"
    assert gap.shortfalls == {Shortfall.OVER_20_MILES, Shortfall.OUT_OF_AREA}
    [placement] = gap.placements
    assert placement.placement_type == PlacementType.IN_HOUSE_FOSTERING
    assert placement.distance_miles == pytest.approx(43, abs=2)
    assert gap.cost_gbp == 0 and gap.still_open  # not placed yet: nothing spent
    analysis = analyse_gaps((gap,), AS_OF, AS_OF - dt.timedelta(days=730))
    [n17] = analysis.by_district
    assert (n17.key, n17.children, dict(n17.by_source)) == (
        "N17",
        1,
        {"history": 0, "decision": 0, "open": 1},
    )
    assert [row.key for row in analysis.by_source] == ["open"]


def test_open_referrals_placed_well_and_one_no_household_can_take() -> None:
    # One local two-place household (1.5 miles, in Haringey) and three teenagers: two are
    # placed well, the third gets no household at all.
    gaps = open_gaps(
        [referral("R-A", "C1"), referral("R-B", "C2"), referral("R-C", "C3")],
        [household("NEAR", IN_HOUSE)],
    )
    met = [g for g in gaps if not g.unmet]
    unplaced = [g for g in gaps if g.unmet]
    assert len(met) == 2 and len(unplaced) == 1
    assert unplaced[0].shortfalls == {Shortfall.NO_HOUSEHOLD}
    assert unplaced[0].placements[0].placement_type is None


def test_closed_referrals_are_not_open_gaps() -> None:
    placed = referral("R-DONE", "C1", status=ReferralStatus.PLACED)
    assert open_gaps([placed], [household("FAR", FAR)]) == ()


def test_decisions_that_fell_short_with_weeks_and_cost() -> None:
    start = D(2026, 6, 1)
    referrals = [
        referral("R-AG", "C1", start=start),
        referral("R-FLAG", "C2", start=start),
        referral("R-SPLIT", "C3", "C4", start=start),
        referral("R-OK", "C5", start=start),
        referral("R-FAMILY", "C6", start=start),
    ]
    homes = [
        household("AG", NEAR_AGENCY, ProviderType.AGENCY, weekly_cost_gbp=900),
        household("IH", IN_HOUSE, weekly_cost_gbp=450),
        household("IH2", IN_HOUSE),
        household("CC", FAR, ProviderType.CONNECTED),
    ]
    decisions = [
        decision("R-AG", "AG"),
        decision("R-FLAG", "IH", beyond_threshold=True),
        decision("R-SPLIT", "IH", "C3"),
        decision("R-SPLIT", "IH2", "C4"),
        decision("R-OK", "IH"),
        decision("R-FAMILY", "CC"),  # family and friends: not a gap a recruit would close
    ]
    found = decision_gaps(referrals, decisions, homes, POLICY, as_of=AS_OF, unit_costs_gbp=COSTS)
    by_id = {g.referral.referral_id: g for g in found}
    assert sorted(by_id) == ["R-AG", "R-FLAG", "R-OK", "R-SPLIT"]
    # Harrow is ~11 miles from N17 but outside Haringey, with an agency.
    assert by_id["R-AG"].shortfalls == {Shortfall.AGENCY, Shortfall.OUT_OF_AREA}
    # 1 June to 23 November 2026 is 175 days = 25 weeks at the household's GBP 900.
    assert by_id["R-AG"].weeks_in(PlacementType.AGENCY_FOSTERING) == 25
    assert by_id["R-AG"].cost_gbp == 25 * 900
    assert by_id["R-FLAG"].shortfalls == {Shortfall.OVER_20_MILES}  # as the decision recorded
    assert by_id["R-SPLIT"].shortfalls == {Shortfall.SPLIT}
    assert by_id["R-OK"].shortfalls == frozenset()
    # IH2 has no weekly cost of its own: the unit cost of in-house fostering (GBP 500).
    assert by_id["R-SPLIT"].placements[1].weekly_cost_gbp == 500
    assert all(g.source == GapSource.DECISION for g in found)


def test_decisions_after_the_as_of_date_or_before_the_window_are_ignored() -> None:
    late = referral("R-LATE", "C1", start=D(2026, 6, 1))
    early = referral("R-EARLY", "C2", start=D(2023, 1, 9))
    homes = [household("AG", NEAR_AGENCY, ProviderType.AGENCY)]
    found = decision_gaps(
        [late, early],
        [decision("R-LATE", "AG"), decision("R-EARLY", "AG")],
        homes,
        POLICY,
        as_of=D(2026, 5, 31),  # before R-LATE's decision on 1 June
        unit_costs_gbp=COSTS,
        since=D(2024, 11, 23),
    )
    assert found == ()


def test_casework_the_history_holds_is_counted_once() -> None:
    history = rebuild(planted_gap())
    teen = history[0].referral.children[0]  # T000, placed on 3 February 2025
    same = referral("R-SAME", teen.child_id, start=D(2025, 2, 6), status=ReferralStatus.PLACED)
    other = referral("R-OTHER", "C9", start=D(2025, 2, 6), status=ReferralStatus.PLACED)
    homes = [household("AG", NEAR_AGENCY, ProviderType.AGENCY)]
    decided = decision_gaps(
        [same, other],
        [decision("R-SAME", "AG"), decision("R-OTHER", "AG")],
        homes,
        POLICY,
        as_of=AS_OF,
        unit_costs_gbp=COSTS,
    )
    merged, notes = merge_sources(history, decided)
    assert len(merged) == len(history) + 1
    assert [p.referral.referral_id for p in merged if p.source == GapSource.DECISION] == ["R-OTHER"]
    assert notes == (
        "1 recorded decision(s) already in the SSDA903 history: counted once, from it",
    )


def test_recruitment_targets_the_planted_open_referral() -> None:
    open_gap = open_gaps([referral("R-OPEN", "C1")], [household("FAR", FAR)])
    past, _ = merge_sources(rebuild(planted_gap()), open_gap)
    plan = recommend_recruitment(
        past, ANCHORS, POLICY, budget=1, weekly_cost_gbp=500, area_name="Haringey"
    )
    first = plan.steps[0]
    # The teenagers' household also takes today's teenager: she arrives after the last one left.
    assert first.profile.district == "N17" and first.effect.open_referrals_placed == 1
    assert first.effect.children_better_placed == 7
    assert check_replay(past, plan.households, plan.effect, POLICY) == []


def test_an_open_placement_holds_its_places_after_the_as_of_date() -> None:
    open_gap = open_gaps([referral("R-OPEN", "C1")], [household("FAR", FAR)])
    start, end = day_span(open_gap[0])
    assert (start, end) == (AS_OF, OPEN_END)


@pytest.mark.parametrize(
    ("spans", "cliques"),
    [
        ([(0, 5), (3, 8), (6, 9)], [(0, 1), (1, 2)]),
        ([(0, 5), (5, 8)], [(0,), (1,)]),  # half-open: one ends as the next starts
        ([(0, 10), (2, 3), (4, 5)], [(0, 1), (0, 2)]),
        ([], []),
    ],
)
def test_interval_cliques(spans, cliques) -> None:
    assert interval_cliques(spans) == cliques
