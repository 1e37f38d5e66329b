"""Backtest: baselines by hand, WAPE and coverage arithmetic, and a run on the sample history."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sufficiency.backtest import (
    FLOOR,
    LINEAR_TREND,
    MODEL,
    PERSISTENCE,
    _Score,
    backtest,
    linear_trend,
    persistence,
)
from sufficiency.ssda903 import read_ssda903
from tests.sufficiency.forecast_helpers import small_history
from tests.sufficiency.test_ssda903 import DATA


def test_persistence_carries_the_stock_forward():
    forecast = persistence(small_history(), dt.date(2023, 3, 1), 3)
    assert forecast.shape == (3, 5)
    assert forecast.sum(axis=1).tolist() == [3, 3, 3]


def test_linear_trend_extends_the_line():
    # Stock falls from 3 to 2 in the 2 months before 1 May 2023 (C2 leaves 2 March).
    forecast = linear_trend(small_history(), dt.date(2023, 5, 1), 2, fit_months=3)
    # Month-end stocks 1 Mar, 1 Apr, 1 May: 3, 2, 2 at x = -2, -1, 0: mean x -1, mean 7/3;
    # slope ((-1)(2/3) + (1)(-1/3)) / 2 = -0.5, so 7/3 - 0.5 = 11/6 at 1 May.
    assert_allclose(forecast.sum(axis=1), [11 / 6 - 0.5, 11 / 6 - 1.0])


def test_wape_and_coverage_arithmetic():
    score = _Score()
    actual = np.array([[10.0, 0, 0, 0, 0], [20.0, 0, 0, 0, 0]])
    samples = np.stack([actual * 0.5, actual, actual * 2.0])  # median = actual
    score.add(samples, actual)
    score.add(actual + np.array([[3.0, 0, 0, 0, 1]]), actual)  # point forecast
    row = score.row("m", 2)
    # Errors: 0 for the first origin; |3+1| = 4 per month on the total for the second.
    assert row.wape_total == pytest.approx(100 * 8 / 60)
    assert row.wape_age_band == pytest.approx(100 * 8 / 60)
    assert row.coverage_total == 100.0


@pytest.mark.slow
def test_backtest_on_the_sample_history_scores_every_method():
    history = read_ssda903(DATA / "synthetic_sample")
    result = backtest(history, horizons=(12,), origins=[dt.date(2019, 3, 31)], runs=50)
    methods = [row.method for row in result.rows]
    assert methods == [MODEL, PERSISTENCE, LINEAR_TREND, FLOOR]
    model = result.row(MODEL, 12)
    assert model.origins == 1 and 0 <= model.coverage_total <= 100
    assert result.row(PERSISTENCE, 12).coverage_total is None
