"""Rates are events over child-days of exposure, with small cells shrunk to pooled rates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.events import count_events
from sufficiency.history import AGE_BANDS, PLACEMENT_TYPES, spell_table
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
