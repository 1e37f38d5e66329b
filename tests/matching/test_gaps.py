"""Gap analysis: past referrals rebuilt from SSDA903 episodes, shortfalls, tables and projection."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from matching.domain import Need, PlacementKind
from matching.gaps import (
    NO_NEED,
    Shortfall,
    analyse_gaps,
    district_of,
    growth_from_forecast,
    project_gaps,
)
from sufficiency.distribution import EXIT_LABELS, ForecastDistribution
from sufficiency.domain import AgeBand, State
from tests.matching.recruit_cases import (
    AS_OF,
    FAR,
    IN_HOUSE,
    NEAR_AGENCY,
    P,
    child,
    episode,
    planted_gap,
    rebuild,
)

D = dt.date


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("N17 6RX", "N17"),
        ("n17 6rx", "N17"),
        ("N176RX", "N17"),
        ("SW1A 1AA", "SW1A"),
        ("", ""),
        ("N17", "N17"),
    ],
)
def test_district_of(postcode: str, district: str) -> None:
    assert district_of(postcode) == district


def test_agency_placement_is_unmet_with_weeks_and_cost() -> None:
    # 14-year-old, agency carers 11.3 miles away for 10 weeks at GBP 800 a week: 10 x 800 = 8,000.
    record = child(
        "A1",
        D(2011, 1, 15),
        episode(
            "A1", D(2025, 3, 3), P.AGENCY_FOSTERING, "N17 0AB", NEAR_AGENCY, ceased=D(2025, 5, 12)
        ),
    )
    (past,) = rebuild([record])
    assert past.shortfalls == {Shortfall.AGENCY}
    assert past.district == "N17"
    assert past.placements[0].weeks(AS_OF) == 10
    assert past.cost_gbp == 8000
    assert past.referral.children[0].essential_needs == {Need.TEENAGERS}
    assert past.referral.placement_kind == PlacementKind.SHORT_TERM
    assert round(past.placements[0].distance_miles, 1) == 11.3


def test_siblings_split_are_one_referral_and_together_nearby_is_met() -> None:
    split = [
        child(c, D(2016, 4, 1), episode(c, D(2025, 9, 1), P.IN_HOUSE_FOSTERING, "N17 0AE", where))
        for c, where in (("S1", IN_HOUSE), ("S2", "N8 0AA"))
    ]
    together = [
        child(
            c, D(2018, 4, 1), episode(c, D(2025, 10, 1), P.IN_HOUSE_FOSTERING, "N17 0AG", IN_HOUSE)
        )
        for c in ("S3", "S4")
    ]
    first, second = rebuild(split + together)
    assert (first.children, first.shortfalls) == (2, {Shortfall.SPLIT})
    assert (second.children, second.shortfalls, second.unmet) == (2, frozenset(), False)


def test_far_children_home_and_needs() -> None:
    far = child(
        "F1", D(2019, 2, 1), episode("F1", D(2025, 1, 6), P.IN_HOUSE_FOSTERING, "N17 0AB", FAR)
    )
    home = child(
        "H1",
        D(2011, 2, 1),
        episode("H1", D(2025, 1, 6), P.CHILDRENS_HOME, "N22 5AA", "N22 5AB"),
        uasc=True,
        disabled=True,
    )
    by_id = {p.referral.children[0].child_id: p for p in rebuild([far, home])}
    assert by_id["F1"].shortfalls == {Shortfall.OVER_20_MILES}
    assert by_id["F1"].needs() == (NO_NEED,)
    assert by_id["H1"].shortfalls == {Shortfall.RESIDENTIAL}
    assert by_id["H1"].referral.children[0].essential_needs == {
        Need.TEENAGERS,
        Need.CHALLENGING_BEHAVIOUR,
        Need.UNACCOMPANIED_ASYLUM_SEEKING,
        Need.DISABILITY,
    }


def test_placement_lasts_through_legal_changes_until_the_next_placement() -> None:
    # S (agency) -> L (same placement, new legal status) -> P (in-house): the agency placement
    # runs 1 Feb to 1 Jun 2025 (17 weeks 1 day); the in-house one is its own referral, still open.
    record = child(
        "M1",
        D(2014, 6, 1),
        episode("M1", D(2025, 2, 1), P.AGENCY_FOSTERING, "N17 0AB", NEAR_AGENCY, D(2025, 3, 1)),
        episode(
            "M1", D(2025, 3, 1), P.AGENCY_FOSTERING, "N17 0AB", NEAR_AGENCY, D(2025, 6, 1), "L"
        ),
        episode("M1", D(2025, 6, 1), P.IN_HOUSE_FOSTERING, "N17 0AB", IN_HOUSE, None, "P"),
    )
    agency, in_house = rebuild([record])
    assert agency.placements[0].ended == D(2025, 6, 1)
    assert agency.weeks_in(P.AGENCY_FOSTERING) == pytest.approx(120 / 7)
    assert in_house.placements[0].ended is None and not in_house.unmet
    assert in_house.ends_on == AS_OF


def test_only_the_window_and_the_replayed_types_count() -> None:
    old = child(
        "O1",
        D(2015, 1, 1),
        episode("O1", D(2023, 1, 1), P.AGENCY_FOSTERING, "N17 0AB", NEAR_AGENCY),
    )
    kin = child(
        "K1", D(2015, 1, 1), episode("K1", D(2025, 1, 1), P.KINSHIP_FOSTERING, "N17 0AB", FAR)
    )
    emergency = child(
        "E1",
        D(2015, 1, 1),
        episode("E1", D(2025, 1, 1), P.AGENCY_FOSTERING, "N17 0AB", NEAR_AGENCY, legal_status="L1"),
    )
    (past,) = rebuild([old, kin, emergency])
    assert past.referral.children[0].child_id == "E1"
    assert past.referral.placement_kind == PlacementKind.EMERGENCY


def test_tables_count_the_planted_gap() -> None:
    past = rebuild(planted_gap())
    analysis = analyse_gaps(past, AS_OF, AS_OF - dt.timedelta(days=730))
    # Six teenagers from N17 (10 agency weeks each, 6 x 8,000) and two 6-year-olds from N22
    # (agency, 20 weeks each: 2 x 16,000); the two toddlers in N8 were placed well.
    assert len(analysis.unmet) == 8
    assert [(r.key, r.children) for r in analysis.by_district] == [("N17", 6), ("N22", 2)]
    assert [(r.key, r.children) for r in analysis.by_age_band] == [("5-9", 2), ("10-15", 6)]
    assert [(r.key, r.children) for r in analysis.by_need] == [("teenagers", 6), (NO_NEED, 2)]
    assert [(r.key, r.referrals) for r in analysis.by_sibling_group_size] == [("1", 8)]
    assert analysis.total.cost_gbp == 6 * 8000 + 2 * 16000
    assert analysis.total.agency_weeks == 100
    assert analysis.total.by_shortfall[str(Shortfall.AGENCY)] == 8


def test_projection_scales_each_band_by_its_growth() -> None:
    analysis = analyse_gaps(rebuild(planted_gap()), AS_OF, AS_OF - dt.timedelta(days=730))
    projected = project_gaps(analysis, {AgeBand.AGE_10_TO_15: 1.5}, "test")
    by_band = {p.age_band: p for p in projected.projected}
    # Six teenagers in two years: 3 a year now, x 1.5 = 4.5 a year projected.
    assert by_band[AgeBand.AGE_10_TO_15].children_per_year_now == 3
    assert by_band[AgeBand.AGE_10_TO_15].children_per_year_projected == 4.5
    assert by_band[AgeBand.AGE_5_TO_9].growth == 1.0


def test_growth_from_forecast_uses_fostering_and_homes_only() -> None:
    states = (
        State(AgeBand.AGE_10_TO_15, P.AGENCY_FOSTERING),
        State(AgeBand.AGE_10_TO_15, P.PLACED_WITH_PARENTS),
        State(AgeBand.AGE_5_TO_9, P.CHILDRENS_HOME),
    )
    months = 12
    samples = np.zeros((3, months, 3))
    samples[:, 0, :] = [10, 50, 4]
    samples[:, 11, :] = [[12, 0, 2], [15, 0, 2], [18, 0, 2]]  # median 15 of 10: x1.5; 2 of 4: x0.5
    forecast = ForecastDistribution(
        states,
        tuple(D(2027, m, 1) for m in range(1, 13)),
        samples,
        np.zeros_like(samples),
        np.zeros((3, months, len(EXIT_LABELS))),
        np.zeros((3, months)),
    )
    growth = growth_from_forecast(forecast, months_ahead=12)
    assert growth == {AgeBand.AGE_10_TO_15: 1.5, AgeBand.AGE_5_TO_9: 0.5}
