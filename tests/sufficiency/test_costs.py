"""Unit costs: the packaged table loads with sources; bad tables name each key; cost by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sufficiency.costs import forecast_cost, load_unit_costs
from sufficiency.distribution import EXIT_LABELS, ForecastDistribution
from sufficiency.domain import AgeBand, PlacementType, State
from sufficiency.errors import InputDataError


def test_packaged_table_has_every_type_with_a_source():
    costs = load_unit_costs()
    assert set(costs.costs) == set(PlacementType)
    assert costs.weekly_cost_gbp(PlacementType.AGENCY_FOSTERING) == 820
    assert all(c.source for c in costs.costs.values())
    assert costs.costs[PlacementType.CHILDRENS_HOME].basis == "published"


def test_bad_table_lists_every_problem(tmp_path):
    path = tmp_path / "costs.toml"
    path.write_text(
        '[costs."in-house fostering"]\nweekly_cost_gbp = -5\n[costs."castle"]\nweekly_cost_gbp = 1\n'
    )
    with pytest.raises(InputDataError) as caught:
        load_unit_costs(path)
    fields = [e.field for e in caught.value.errors]
    assert fields[:2] == ["costs.in-house fostering.weekly_cost_gbp", "costs.castle"]
    assert "costs.agency fostering" in fields  # missing types are listed too
    assert str(caught.value.errors[0]) == (
        'costs.toml, field "costs.in-house fostering.weekly_cost_gbp": must be a number of '
        "pounds per week, 0 or more (got '-5')"
    )


def test_cost_is_children_times_weekly_cost_times_weeks():
    states = (
        State(AgeBand.AGE_5_TO_9, PlacementType.AGENCY_FOSTERING),
        State(AgeBand.AGE_10_TO_15, PlacementType.CHILDRENS_HOME),
    )
    samples = np.array([[[2, 1], [1, 1]]])  # one run, two months
    dist = ForecastDistribution(
        states,
        (dt.date(2027, 1, 31), dt.date(2027, 2, 28)),
        samples,
        np.zeros_like(samples),
        np.zeros((1, 2, len(EXIT_LABELS))),
        np.zeros((1, 2)),
    )
    cost = forecast_cost(dist, load_unit_costs(), np.array([28, 35]))
    # Month 1: (2 x 820 + 3830) x 4 weeks; month 2: (820 + 3830) x 5 weeks.
    assert_allclose(cost, [[(2 * 820 + 3830) * 4, (820 + 3830) * 5]])
