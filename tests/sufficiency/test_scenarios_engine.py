"""Scenario engine on a small synthetic council and a stand-in demand model, checked by hand."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.errors import ScenarioError
from sufficiency.scenario_compare import compare_scenarios
from sufficiency.scenario_costs import NO_REGISTERED_HOME, cost_gbp, month_weeks, weekly_costs
from sufficiency.scenario_domain import CostSettings, UnitCostChange
from sufficiency.scenario_file import loads_scenario
from sufficiency.scenarios import ScenarioInputs, demand_adjustments, run_scenario
from sufficiency.supply_estimates import estimate_supply

from .scenario_fakes import AS_OF, FakeDemand, small_council

HEAD = 'schema_version = 1\nname = "{name}"\ndescription = "test"\n[uncertainty]\nruns = 40\n'


def scenario(body: str = "", name: str = "Baseline"):
    return loads_scenario(HEAD.format(name=name) + body, source=f"{name}.toml")


@pytest.fixture
def inputs() -> ScenarioInputs:
    households, children = small_council()
    return ScenarioInputs(FakeDemand(), households, children)


def test_levers_become_demand_adjustments() -> None:
    adjustments = demand_adjustments(
        scenario("""
[[adjustment]]
lever = "entries"
age_band = "10-15"
change_percent = -20
[[adjustment]]
lever = "entries"
age_band = "5-9"
change_per_year = -6
[[adjustment]]
lever = "entries"
age_band = "all"
change_per_year = 2
[[adjustment]]
lever = "uasc_arrivals"
change_percent = 30
[[adjustment]]
lever = "exits"
route = "reunification"
change_percent = 10
[[adjustment]]
lever = "step_down"
from = "children's home"
to = "in-house fostering"
children_per_year = 5
"""),
        FakeDemand(),
    )
    # 5-9: 12 entries a year at baseline, 6 fewer -> multiplier 0.5.
    assert adjustments.entry_multiplier_by_age_band[AgeBand.AGE_10_TO_15] == pytest.approx(0.8)
    assert adjustments.entry_multiplier_by_age_band[AgeBand.AGE_5_TO_9] == pytest.approx(0.5)
    assert adjustments.extra_entries_per_year_by_age_band[AgeBand.UNDER_1] == 2
    assert adjustments.uasc_entry_multiplier == pytest.approx(1.3)
    assert adjustments.exit_multiplier_by_route == {"reunification": pytest.approx(1.1)}
    assert adjustments.step_downs == (
        (PlacementType.CHILDRENS_HOME, PlacementType.IN_HOUSE_FOSTERING, 5),
    )
    assert adjustments.start_month_index == 0


def test_no_demand_lever_means_the_baseline_forecast() -> None:
    assert demand_adjustments(scenario(), FakeDemand()) is None


def test_supply_estimates_from_the_small_council(inputs: ScenarioInputs) -> None:
    estimate = estimate_supply(inputs.households, inputs.children, AS_OF, scenario().supply, 3)
    in_house = estimate.baseline.in_house
    # 12 households since 2020 + 1 approved 2024 (2 places each); the 2025 leaver is gone.
    assert sum(in_house.places_by_approval.values()) == 26
    assert in_house.recruited_per_year == pytest.approx(1 / 3)
    # 1 deregistration over the window's household-years; a yearly share from the rate.
    assert 0 < in_house.lost_share_per_year < 0.05
    assert estimate.baseline.beds == {"children's home": 4.0, "supported accommodation 16+": 3.0}
    assert "in-house places: 26 in 13 active households" in estimate.notes


def test_a_scenario_with_no_changes_reproduces_the_baseline_exactly(inputs: ScenarioInputs) -> None:
    base = run_scenario(scenario(), inputs, seed=11)
    same = run_scenario(scenario(name="Copy"), inputs, seed=11)
    for name in base.living:
        assert_array_equal(base.living[name], same.living[name])
    assert_array_equal(base.cost_gbp, same.cost_gbp)
    assert_array_equal(base.over_20_miles, same.over_20_miles)
    for name in base.gap:
        assert_array_equal(base.gap[name], same.gap[name])


def test_recruiting_carers_cuts_agency_use_and_cost(inputs: ScenarioInputs) -> None:
    base = run_scenario(scenario(), inputs, seed=3)
    more = run_scenario(
        scenario("""
[[adjustment]]
lever = "carers"
provider = "in-house"
recruited_per_year = 12
places_per_household = 2
"""),
        inputs,
        seed=3,
    )
    # 12 households a year x 2 places = 2 extra places a month, each then losing the
    # estimated attrition: month m holds sum over k <= m of 2 * keep ** (m - k).
    lost = estimate_supply(inputs.households, inputs.children, AS_OF, more.scenario.supply, 3)
    keep = (1 - lost.baseline.in_house.lost_share_per_year) ** (1 / 12)
    expected = [sum(2 * keep ** (m - k) for k in range(m + 1)) for m in range(36)]
    extra = more.places["in-house fostering"] - base.places["in-house fostering"]
    assert_allclose(extra, expected)
    assert (more.living["agency fostering"] <= base.living["agency fostering"] + 1e-9).all()
    assert (more.living[NO_REGISTERED_HOME] <= base.living[NO_REGISTERED_HOME] + 1e-9).all()
    assert more.cost_gbp.sum() < base.cost_gbp.sum()


def test_every_child_is_counted_once(inputs: ScenarioInputs) -> None:
    result = run_scenario(scenario(), inputs, seed=5)
    living = sum(result.living.values())
    assert_allclose(living, result.total)


def test_comparison_pairs_runs_so_the_baseline_minus_itself_is_zero(inputs: ScenarioInputs) -> None:
    comparison = compare_scenarios([scenario(), scenario(name="Same")], inputs)
    for row in comparison.rows:
        assert row.differences[0] is None
        assert (row.differences[1].low, row.differences[1].median, row.differences[1].high) == (
            0,
            0,
            0,
        )
    assert comparison.scenarios == ("Baseline", "Same")
    assert comparison.runs == 40


def test_edge_of_care_lowers_10_to_15s(inputs: ScenarioInputs) -> None:
    edge = scenario(
        '[[adjustment]]\nlever = "entries"\nage_band = "10-15"\nchange_percent = -50\n', name="Edge"
    )
    comparison = compare_scenarios([scenario(), edge], inputs)
    row = comparison.row("age 10-15")
    assert row.differences[1].median < 0
    assert comparison.row("age 5-9").differences[1].median == 0


def test_scenarios_must_share_the_baseline_settings(inputs: ScenarioInputs) -> None:
    other = loads_scenario(
        HEAD.format(name="Short") + "[baseline]\nhorizon_months = 24\n", source="short.toml"
    )
    with pytest.raises(ScenarioError) as info:
        compare_scenarios([scenario(), other], inputs)
    assert [str(e) for e in info.value.errors] == [
        'short.toml, field "baseline.horizon_months": differs from the baseline scenario '
        "(Baseline.toml); scenarios compared side by side must share [baseline] "
        "(got '24'; expected 36)"
    ]


def test_weekly_costs_levers_and_inflation() -> None:
    ends = (dt.date(2026, 12, 31), dt.date(2027, 1, 31))
    settings = CostSettings(
        weekly_gbp=MappingProxyType({PlacementType.CHILDRENS_HOME: 5000.0}),
        inflation_percent_per_year=0.0,
        no_registered_home_weekly_gbp=9000.0,
    )
    levers = (
        UnitCostChange(
            start_month=2, placement_type=PlacementType.CHILDRENS_HOME, change_percent=10
        ),
    )
    weekly = weekly_costs(settings, levers, dt.date(2026, 11, 30), ends)
    assert_allclose(weekly["children's home"], [5000, 5500])
    assert_allclose(weekly[NO_REGISTERED_HOME], [9000, 9000])
    weeks = month_weeks(dt.date(2026, 11, 30), ends)
    assert_allclose(weeks, [31 / 7, 31 / 7])
    # 2 children x 5,000 x 31/7 weeks, then 2 x 5,500 x 31/7.
    cost = cost_gbp({"children's home": np.array([[2.0, 2.0]])}, weekly, weeks)
    assert_allclose(cost, [[2 * 5000 * 31 / 7, 2 * 5500 * 31 / 7]])


def test_inflation_compounds_from_the_as_of_date() -> None:
    ends = tuple(dt.date(2027 + i, 11, 30) for i in range(1))
    weekly = weekly_costs(
        CostSettings(inflation_percent_per_year=10.0), (), dt.date(2026, 11, 30), ends
    )
    # Midpoint of a 365-day month is 182.5 days: 1.1 ** (182.5 / 365.25).
    assert weekly["agency fostering"][0] == pytest.approx(820 * 1.1 ** (182.5 / 365.25))


def test_progress_is_reported_for_each_stage(inputs: ScenarioInputs) -> None:
    seen = []
    run_scenario(
        scenario(), inputs, runs=5, progress=lambda step, steps, message: seen.append((step, steps))
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.slow
def test_real_forecast_reproduces_the_baseline_with_neutral_levers() -> None:
    """On the demo council's fitted model: levers that change nothing give identical results."""
    pytest.importorskip("sufficiency.demo_council")
    from sufficiency.scenario_data import demo_inputs

    inputs = demo_inputs()
    neutral = scenario("""
[[adjustment]]
lever = "entries"
age_band = "all"
change_percent = 0
[[adjustment]]
lever = "exits"
route = "adoption"
change_percent = 0
[[adjustment]]
lever = "carers"
provider = "in-house"
recruited_per_year = 0
""", name="Neutral")
    base = run_scenario(scenario(), inputs, runs=30, seed=99)
    same = run_scenario(neutral, inputs, runs=30, seed=99)
    assert demand_adjustments(neutral, inputs.demand) is not None
    assert_array_equal(base.forecast.samples, same.forecast.samples)
    assert_array_equal(base.cost_gbp, same.cost_gbp)
    assert_array_equal(base.over_20_miles, same.over_20_miles)
    other_seed = run_scenario(scenario(), inputs, runs=30, seed=100)
    assert not np.array_equal(base.forecast.samples, other_seed.forecast.samples)
