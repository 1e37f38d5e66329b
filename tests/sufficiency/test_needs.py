"""Need beyond placement type: episode flags, shares per state by hand, thinning, reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import AgeBand, ChildId, PlacementType, State
from sufficiency.history import STATES, History
from sufficiency.need_forecast import GROUPS, forecast_needs
from sufficiency.needs import NEEDS, estimate_need_shares, spell_needs
from sufficiency.ssda903 import read_ssda903
from sufficiency.stitch import HeaderRow, mother_since
from tests.sufficiency.forecast_helpers import child, episode

d = dt.date
P = PlacementType
DISABILITY, SIBLINGS, PARENT = (NEEDS.index(n) for n in NEEDS)


def _episode(child_id, started, ceased, placement, need="N1", home="", code="U4"):
    return replace(
        episode(child_id, started, ceased, placement, "E4A" if ceased else "", code),
        category_of_need=need,
        home_postcode=home,
    )


def _flag_history() -> History:
    """A: N2 then N1. B and C: enter 1 Mar 2023 from N8 7QX (siblings); D the same day from
    another postcode; E in an R3 placement; F a mother from 1 Jun 2023."""
    return History.from_children(
        [
            child(
                "A",
                d(2012, 1, 1),
                _episode("A", d(2023, 1, 1), d(2023, 2, 1), P.IN_HOUSE_FOSTERING, "N2"),
                _episode("A", d(2023, 2, 1), None, P.AGENCY_FOSTERING, "N1"),
            ),
            child(
                "B",
                d(2014, 1, 1),
                _episode("B", d(2023, 3, 1), None, P.IN_HOUSE_FOSTERING, home="N8 7QX"),
            ),
            child(
                "C",
                d(2016, 1, 1),
                _episode("C", d(2023, 3, 1), None, P.IN_HOUSE_FOSTERING, home="n87qx"),
            ),
            child(
                "D",
                d(2015, 1, 1),
                _episode("D", d(2023, 3, 1), None, P.IN_HOUSE_FOSTERING, home="N4 1RD"),
            ),
            child(
                "E",
                d(2007, 1, 1),
                _episode("E", d(2023, 1, 1), None, P.PARENT_AND_CHILD, code="R3"),
            ),
            child(
                "F",
                d(2006, 6, 1),
                _episode("F", d(2023, 1, 1), d(2023, 5, 1), P.CHILDRENS_HOME),
                _episode("F", d(2023, 5, 1), None, P.SUPPORTED_ACCOMMODATION, code="H5"),
            ),
        ],
        mothers=frozenset({ChildId("F")}),
        mothers_since={ChildId("F"): d(2023, 6, 1)},
        data_start=d(2020, 1, 1),
        extract_date=d(2023, 12, 31),
    )


def test_episode_flags_follow_the_903_fields():
    flags = spell_needs(_flag_history())
    # Rows: A1 A2 B C D E F1 F2 (the spell_table order).
    assert flags[:, DISABILITY].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    # B and C: same day, same postcode (spaces and case ignored); D alone on its postcode.
    assert flags[:, SIBLINGS].tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
    # E's R3 placement; F's second episode runs past 1 Jun 2023, her first ended before it.
    assert flags[:, PARENT].tolist() == [0, 0, 0, 0, 0, 1, 0, 1]


def _share_history() -> History:
    """In care all of 2023, aged 12-13 (band 10-15): X1-X3 in in-house fostering (X1 with N2
    throughout), Y1 in agency fostering."""
    children = [
        child(
            f"X{k}",
            d(2010, 6, 1),
            _episode(f"X{k}", d(2022, 6, 1), None, P.IN_HOUSE_FOSTERING, "N2" if k == 1 else "N1"),
        )
        for k in (1, 2, 3)
    ]
    children.append(
        child("Y1", d(2010, 6, 1), _episode("Y1", d(2022, 6, 1), None, P.AGENCY_FOSTERING))
    )
    return History.from_children(children, data_start=d(2020, 1, 1), extract_date=d(2023, 12, 31))


def test_shares_by_hand():
    shares = estimate_need_shares(_share_history(), d(2023, 12, 31), window_months=12)
    x = STATES.index(State(AgeBand.AGE_10_TO_15, P.IN_HOUSE_FOSTERING))
    y = STATES.index(State(AgeBand.AGE_10_TO_15, P.AGENCY_FOSTERING))
    # Equal days for all four: overall share 1/4. In-house: 3 children, raw 1/3, so the type
    # share is (3 x 1/3 + 2 x 1/4) / (3 + 2) = 0.3 and the state's (3 x 1/3 + 2 x 0.3) / 5 = 0.32.
    # Agency: 1 child, raw 0: type (0 + 2 x 1/4) / 3 = 1/6, state (0 + 2 x 1/6) / 3 = 1/9.
    assert_allclose(shares.share[DISABILITY, [x, y]], [0.32, 1 / 9])
    assert shares.children[[x, y]].tolist() == [3, 1]
    assert shares.child_days[[x, y]].tolist() == [3 * 365, 365]
    assert_allclose(shares.concentration[DISABILITY, [x, y]], [5, 3])
    assert shares.in_care_now.tolist() == [1, 0, 0]
    # Nobody has the other needs: their shares are 0 and stay 0 in every draw.
    assert shares.share[SIBLINGS].max() == 0
    assert shares.draw(50, np.random.default_rng(1))[:, SIBLINGS].max() == 0


def test_parent_and_child_placements_are_that_need_by_definition():
    shares = estimate_need_shares(_flag_history(), d(2023, 12, 31), window_months=12)
    for band in AgeBand:
        assert shares.share[PARENT, STATES.index(State(band, P.PARENT_AND_CHILD))] == 1.0


def _distribution(counts: np.ndarray) -> ForecastDistribution:
    runs, months = counts.shape[:2]
    return ForecastDistribution(
        STATES,
        tuple(d(2024, 1 + m, 28) for m in range(months)),
        counts,
        np.zeros_like(counts),
        np.zeros((runs, months, 5), dtype=np.int32),
        np.zeros((runs, months), dtype=np.int32),
    )


def test_places_keep_their_flag_from_month_to_month():
    shares = estimate_need_shares(_share_history(), d(2023, 12, 31), window_months=12)
    x = STATES.index(State(AgeBand.AGE_10_TO_15, P.IN_HOUSE_FOSTERING))
    counts = np.zeros((2000, 3, len(STATES)), dtype=np.int32)
    counts[:, :, x] = [8, 5, 8]  # three leave, then three (other) children arrive
    needs = forecast_needs(_distribution(counts), shares, np.random.default_rng(5)).of("disability")
    # Places 1-5 are shared, so the count never rises by more than the 3 new places, and
    # months 1 and 3 (same 8 places) agree; each month alone is still Binomial(n, share).
    assert np.all(needs[:, 1] <= needs[:, 0]) and np.all(needs[:, 2] - needs[:, 1] <= 3)
    assert np.array_equal(needs[:, 0], needs[:, 2])
    assert_allclose(needs.mean(axis=0), [8 * 0.32, 5 * 0.32, 8 * 0.32], rtol=0.05)


def test_thinning_is_binomial_and_sums_into_groups():
    shares = estimate_need_shares(_share_history(), d(2023, 12, 31), window_months=12)
    x = STATES.index(State(AgeBand.AGE_10_TO_15, P.IN_HOUSE_FOSTERING))
    y = STATES.index(State(AgeBand.AGE_10_TO_15, P.AGENCY_FOSTERING, uasc=True))
    counts = np.zeros((4000, 2, len(STATES)), dtype=np.int32)
    counts[:, :, x], counts[:, :, y] = 10, 4
    needs = forecast_needs(_distribution(counts), shares, np.random.default_rng(3), uncertain=False)
    disabled = needs.of("disability")
    # Mean 10 x 0.32 + 4 x share(y); without share uncertainty the variance is binomial.
    p_y = shares.share[DISABILITY, y]
    assert_allclose(disabled.mean(), 10 * 0.32 + 4 * p_y, atol=0.05)
    assert_allclose(disabled.var(), 10 * 0.32 * 0.68 + 4 * p_y * (1 - p_y), rtol=0.06)
    assert np.all(disabled <= 14)
    by_type = needs.of("disability", PlacementType.IN_HOUSE_FOSTERING.value)
    assert np.array_equal(
        by_type + needs.of("disability", PlacementType.AGENCY_FOSTERING.value), disabled
    )
    assert np.array_equal(needs.of("disability", "UASC"), disabled - by_type)
    assert needs.of("disability", "age 10-15").tolist() == disabled.tolist()
    assert len(GROUPS) == needs.samples.shape[-1] == 18


def test_share_uncertainty_widens_the_band():
    shares = estimate_need_shares(_share_history(), d(2023, 12, 31), window_months=12)
    x = STATES.index(State(AgeBand.AGE_10_TO_15, P.IN_HOUSE_FOSTERING))
    counts = np.zeros((4000, 1, len(STATES)), dtype=np.int32)
    counts[:, :, x] = 50
    fixed = forecast_needs(_distribution(counts), shares, np.random.default_rng(4), uncertain=False)
    drawn = forecast_needs(_distribution(counts), shares, np.random.default_rng(4), share_sets=4000)
    # Beta(0.32 x 5, 0.68 x 5): the share's variance 0.32 x 0.68 / 6 adds 50^2 times it.
    extra = 50**2 * 0.32 * 0.68 / 6
    assert_allclose(drawn.of("disability").var(), 50 * 0.32 * 0.68 + extra, rtol=0.08)
    assert fixed.of("disability").var() < drawn.of("disability").var() / 5


def test_mother_since_prefers_mc_dob_then_the_collection_year():
    rows = [
        HeaderRow(ChildId("M1"), "2", d(2006, 1, 1), "", True, "h.csv", 1, (2024, 0)),
        HeaderRow(
            ChildId("M1"),
            "2",
            d(2006, 1, 1),
            "",
            True,
            "h.csv",
            2,
            (2025, 1),
            mothers_child_born=d(2023, 9, 9),
        ),
        HeaderRow(ChildId("M2"), "2", d(2006, 1, 1), "", True, "h.csv", 3, (2025, 1)),
        HeaderRow(ChildId("M3"), "2", d(2006, 1, 1), "", False, "h.csv", 4, (2025, 1)),
    ]
    # M1: the earlier of 1 Apr 2023 (MOTHER = 1 in the 2024 collection year, no MC_DOB)
    # and the MC_DOB 9 Sep 2023; M2: the 2025 collection year's start; M3 is no mother.
    assert mother_since(rows) == {ChildId("M1"): d(2023, 4, 1), ChildId("M2"): d(2024, 4, 1)}


def test_reader_keeps_mc_dob_and_reports_a_bad_one(tmp_path):
    (tmp_path / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,MOTHER,MC_DOB\n1,2,01/01/2006,WBRI,1,12/05/2023\n2,2,01/01/2006,WBRI,1,31/02/2023\n"
    )
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
        "1,01/01/2023,S,C2,N1,R3,PR1,,\n2,01/01/2023,S,C2,N1,K2,PR1,,\n"
    )
    with pytest.raises(ValueError) as error:
        read_ssda903(tmp_path)
    assert str(error.value.errors[0]) == (
        "header.csv row 2, field \"MC_DOB\": is not a valid date (got '31/02/2023'; expected "
        "dd/mm/yyyy or yyyy-mm-dd) [903 specification: MC_DOB (date of birth of the "
        "mother's child) must be a valid date]"
    )
    (tmp_path / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,MOTHER,MC_DOB\n1,2,01/01/2006,WBRI,1,12/05/2023\n2,2,01/01/2006,WBRI,0,\n"
    )
    history = read_ssda903(tmp_path)
    assert history.mothers == {"1"} and history.mothers_since == {"1": d(2023, 5, 12)}
