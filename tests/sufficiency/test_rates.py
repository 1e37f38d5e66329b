"""Rates are events over child-days of exposure, with small cells shrunk to pooled rates."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.entries import NATIONAL_TREND_SD_PER_YEAR, _shrunk, entry_model
from sufficiency.events import count_events
from sufficiency.history import AGE_BANDS, PLACEMENT_TYPES, History, spell_table
from sufficiency.rates import estimate_rates, shrink
from tests.sufficiency.forecast_helpers import small_history

AS_OF = dt.date(2023, 12, 31)
B10 = AGE_BANDS.index(AgeBand.AGE_10_TO_15)
IN_HOUSE = PLACEMENT_TYPES.index(PlacementType.IN_HOUSE_FOSTERING)
AGENCY = PLACEMENT_TYPES.index(PlacementType.AGENCY_FOSTERING)
HOME = PLACEMENT_TYPES.index(PlacementType.CHILDRENS_HOME)


def test_exposure_and_events_by_hand():
    counts = count_events(spell_table(small_history()), AS_OF, 12)
    # In-house, not UASC: C1 1 Jan-11 Apr (100 days) + C2 1 Jan-2 Mar (60 days) = 160 child-days.
    assert counts.exposure_days[0, B10, IN_HOUSE] == 160
    # UASC in-house: C3 1 Jan-10 Feb = 40 child-days; agency: C1 11 Apr-31 Dec = 265 child-days.
    assert counts.exposure_days[1, B10, IN_HOUSE] == 40
    assert counts.exposure_days[0, B10, AGENCY] == 265
    assert counts.moves[0, B10, IN_HOUSE, AGENCY] == 1
    assert counts.moves[1, B10, IN_HOUSE, HOME] == 1
    assert counts.exits[0, B10, IN_HOUSE].tolist() == [1, 0, 0, 0]  # E4A: reunification
    assert counts.entries.sum() == 3


def test_rates_shrink_small_cells_towards_the_pool():
    rates = estimate_rates(small_history(), AS_OF, window_months=12, prior_child_days=365)
    exit_rate = rates.exit_rate_per_day[:, B10, IN_HOUSE, 0]
    # Pooled over both streams: 1 exit in 200 child-days. Not UASC: (1 + 365/200) / (160 + 365);
    # UASC, no exits in 40 days: (0 + 365/200) / (40 + 365).
    assert_allclose(exit_rate, [(1 + 365 / 200) / 525, (365 / 200) / 405])
    assert_allclose(rates.exit_events[0, B10, IN_HOUSE, 0], 1 + 365 / 200)
    assert_allclose(rates.exit_days[0, B10, IN_HOUSE, 0], 525)


def test_a_cell_with_no_exposure_takes_the_pooled_rate():
    events = np.array([[2.0], [0.0]])
    days = np.array([[100.0], [0.0]])
    shape, rate = shrink(events, days, prior_days=50, axes=(0,))
    assert_allclose(shape / rate, [[(2 + 50 * 0.02) / 150], [0.02]])


def test_no_moves_into_types_never_seen_in_the_band():
    rates = estimate_rates(small_history(), AS_OF, window_months=12)
    supported = PLACEMENT_TYPES.index(PlacementType.SUPPORTED_ACCOMMODATION)
    # Supported accommodation is only for 16-17 year olds.
    assert rates.move_rate_per_day[:, B10, :, supported].sum() == 0
    assert np.all(np.diagonal(rates.move_rate_per_day, axis1=2, axis2=3) == 0)


def test_as_of_outside_the_history_is_refused():
    with pytest.raises(ValueError, match="as_of: 2030-01-01 is outside the history"):
        estimate_rates(small_history(), dt.date(2030, 1, 1))


def _stock_and_entrant():
    """A: in care since June 2022 (stock at the window start), home on 1 Jul 2023 (E4A).
    B: enters 1 Mar 2023, home on 1 May 2023 (E4A). Both aged 10-15, in-house fostering."""
    from tests.sufficiency.forecast_helpers import child, episode

    d = dt.date
    P = PlacementType
    return History.from_children(
        [
            child(
                "A",
                d(2011, 5, 5),
                episode("A", d(2022, 6, 1), d(2023, 7, 1), P.IN_HOUSE_FOSTERING, "E4A"),
            ),
            child(
                "B",
                d(2012, 5, 5),
                episode("B", d(2023, 3, 1), d(2023, 5, 1), P.IN_HOUSE_FOSTERING, "E4A"),
            ),
        ],
        data_start=d(2020, 1, 1),
        extract_date=AS_OF,
    )


def test_exposure_and_exits_split_by_stock_and_entrants():
    counts = count_events(spell_table(_stock_and_entrant()), AS_OF, 12)  # window from 1 Jan 2023
    # Group 0 (in care on 1 Jan 2023): A, 1 Jan-1 Jul = 181 days, 1 exit.
    # Group 1 (entered in the window): B, 1 Mar-1 May = 61 days, 1 exit.
    assert counts.exposure_by_group[:, 0, B10, IN_HOUSE].tolist() == [181, 61]
    assert counts.exits_by_group[:, 0, B10, IN_HOUSE, 0].tolist() == [1, 1]
    assert_allclose(counts.exposure_by_group.sum(axis=0), counts.exposure_days)


def test_group_rates_shrink_towards_both_groups_together():
    rates = estimate_rates(_stock_and_entrant(), AS_OF, window_months=12, prior_child_days=365)
    pooled = rates.exit_rate_per_day[0, B10, IN_HOUSE, 0]
    _, exit_rate = rates.rates_by_group()
    # Each group: (its exits + 365 * pooled) / (its child-days + 365).
    assert_allclose(
        exit_rate[:, 0, B10, IN_HOUSE, 0], [(1 + 365 * pooled) / 546, (1 + 365 * pooled) / 426]
    )
    assert exit_rate[1, 0, B10, IN_HOUSE, 0] > exit_rate[0, 0, B10, IN_HOUSE, 0]


def test_trend_posterior_by_hand():
    # Estimate 0.1 with variance 0.01, prior N(0, 0.01): halfway, half the variance.
    assert_allclose(_shrunk(0.1, 0.01, 0.0, 0.01), (0.05, 0.005))


def test_national_trend_prior_recomputed_from_dfe_series():
    path = Path(__file__).parents[2] / "sufficiency/data/cla_dfe_2023/cla_time_series_1994_2023.csv"
    with path.open(encoding="utf-8-sig") as handle:
        starts = {
            int(row["time_period"]): float(row["number"])
            for row in csv.DictReader(handle)
            if row["population_count"] == "Children starting to be looked after during the year"
        }
    logs = np.log([starts[year] for year in sorted(starts)])
    growth = (logs[3:] - logs[:-3]) / 3.0  # 3-year average growth, per year
    assert len(starts) == 30
    assert round(float(np.sqrt((growth**2).mean())), 3) == NATIONAL_TREND_SD_PER_YEAR


def test_flat_entries_give_no_trend_and_the_mean_level():
    history = small_history()
    counts = count_events(spell_table(history), AS_OF, 12)
    flat = np.zeros_like(counts.entries_by_month)
    flat[:, 0, B10] = 4.0  # four entries every month
    level, trend, _, _ = entry_model(replace(counts, entries_by_month=flat), 0.031)
    assert_allclose(trend[0, B10], 0.0, atol=1e-9)
    assert_allclose(np.exp(level[0, B10]), 4.0)
