"""Run commissioners' scenarios: demand forecast with levers, supply with overflow, and cost.

``run_scenario`` gives one scenario's sample paths; ``compare_scenarios`` runs several on the
same seed and summarises them against the baseline (``sufficiency.scenario_compare``). The
demand forecast comes from a ``DemandModel`` (``sufficiency.scenario_demand``); no file access.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matching.domain import Household, LookedAfterChild
from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import AgeBand, DemandAdjustments, PlacementType
from sufficiency.scenario_costs import NO_REGISTERED_HOME, cost_gbp, month_weeks, weekly_costs
from sufficiency.scenario_domain import (
    SUPPLY_LEVERS,
    EntryChange,
    ExitChange,
    HomeType,
    MixShift,
    MoveChange,
    Scenario,
    StepDown,
    UascArrivals,
    UnitCostChange,
)
from sufficiency.supply import Capacity, build_capacity
from sufficiency.supply_estimates import DistanceFunction, SupplyEstimate, estimate_supply
from sufficiency.supply_overflow import CHAIN_DEMAND, CHAINS, Need, Placement, place_children

Progress = Callable[[int, int, str], None]
_TRACKED = {p for types in CHAIN_DEMAND.values() for p in types}


class DemandModel(Protocol):
    """The fitted demand forecast a scenario adjusts (see ``sufficiency.scenario_demand``)."""

    as_of: dt.date

    def simulate(
        self, adjustments: DemandAdjustments | None, horizon_months: int, runs: int, seed: int
    ) -> ForecastDistribution: ...

    def entries_per_year(self, age_band: AgeBand) -> float:
        """Baseline entries into care a year for the band at ``as_of`` [children/year]."""
        ...


@dataclass(frozen=True, slots=True)
class ScenarioInputs:
    """The council data every scenario in a comparison shares."""

    demand: DemandModel
    households: tuple[Household, ...]
    children: tuple[LookedAfterChild, ...]
    distance_miles: DistanceFunction | None = None
    council: str = ""


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """One scenario's run: every series is shaped (runs, months) [children] or [GBP].

    ``living`` holds children by where they would live (placement types and
    ``"no registered home"``); ``by_age_band`` by DfE band; ``gap`` by type of home (children
    needing it when their chain reached it minus its places: positive = too few places);
    ``places`` by type of home, shape (months,); ``over_20_miles`` children placed more than
    20 miles from home (those with no registered home counted as far); ``overflow`` children
    not in the first type of home of their chain; ``cost_gbp`` the monthly cost of care.
    """

    scenario: Scenario
    seed: int
    runs: int
    as_of: dt.date
    month_ends: tuple[dt.date, ...]
    forecast: ForecastDistribution
    capacity: Capacity
    placement: Placement
    supply_notes: tuple[str, ...]
    living: dict[str, np.ndarray]
    by_age_band: dict[str, np.ndarray]
    gap: dict[str, np.ndarray]
    places: dict[str, np.ndarray]
    over_20_miles: np.ndarray
    overflow: np.ndarray
    cost_gbp: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.forecast.total()


def demand_adjustments(scenario: Scenario, demand: DemandModel) -> DemandAdjustments | None:
    """The scenario's demand levers as the forecast engine's ``DemandAdjustments``.

    Percentages become multipliers (``1 + percent/100``). Extra entries per year pass through;
    fewer entries per year (negative) become a multiplier on the band's baseline entries.
    Returns ``None`` when the scenario has no demand lever (the baseline forecast).
    """
    levers = scenario.levers(
        (EntryChange, UascArrivals, MixShift, StepDown, ExitChange, MoveChange)
    )
    if not levers:
        return None
    entry_mult: dict[AgeBand, float] = {}
    extra: dict[AgeBand, float] = {}
    uasc, mix, exits, moves, steps = 1.0, [], {}, {}, []
    for lever in levers:
        if isinstance(lever, EntryChange):
            for band in [lever.age_band] if lever.age_band else list(AgeBand):
                factor = 1 + lever.change_percent / 100
                if lever.change_per_year < 0:
                    baseline = demand.entries_per_year(band) * factor
                    factor *= (
                        max(0.0, 1 + lever.change_per_year / baseline) if baseline > 0 else 1.0
                    )
                elif lever.change_per_year > 0:
                    extra[band] = extra.get(band, 0.0) + lever.change_per_year
                entry_mult[band] = entry_mult.get(band, 1.0) * max(0.0, factor)
        elif isinstance(lever, UascArrivals):
            uasc *= max(0.0, 1 + lever.change_percent / 100)
        elif isinstance(lever, MixShift):
            mix.append((lever.from_type, lever.to_type, lever.share_percent / 100))
        elif isinstance(lever, StepDown):
            steps.append((lever.from_type, lever.to_type, lever.children_per_year))
        elif isinstance(lever, ExitChange):
            exits[str(lever.route)] = exits.get(str(lever.route), 1.0) * max(
                0.0, 1 + lever.change_percent / 100
            )
        else:
            key = (lever.from_type, lever.to_type)
            moves[key] = moves.get(key, 1.0) * max(0.0, 1 + lever.change_percent / 100)
    return DemandAdjustments(
        entry_multiplier_by_age_band=entry_mult,
        extra_entries_per_year_by_age_band=extra,
        uasc_entry_multiplier=uasc,
        entry_mix_shift=tuple(mix),
        exit_multiplier_by_route=exits,
        transition_multiplier=moves,
        step_downs=tuple(steps),
        start_month_index=levers[0].start_month - 1,
    )


def needs_from_forecast(
    forecast: ForecastDistribution, sibling_share: float, specialist_share: float
) -> dict[Need, np.ndarray]:
    """Children needing each chain by age band [children], fostering split by sibling and
    specialist needs in the given shares (assumed independent)."""
    needs: dict[Need, np.ndarray] = {}
    for chain in CHAINS:
        wanted = CHAIN_DEMAND[chain]
        by_band = forecast.select(lambda s, w=wanted: s.placement_type in w).by_age_band()
        for band, count in by_band.items():
            if chain != "fostering":
                needs[Need(chain, band)] = count.astype(float)
                continue
            for sibling, s_share in ((True, sibling_share), (False, 1 - sibling_share)):
                for special, p_share in ((True, specialist_share), (False, 1 - specialist_share)):
                    if s_share * p_share > 0:
                        needs[Need(chain, band, sibling, special)] = count * (s_share * p_share)
    return needs


def run_scenario(
    scenario: Scenario,
    inputs: ScenarioInputs,
    runs: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> ScenarioResult:
    """Forecast demand with the scenario's levers, place children in the supply, and cost it.

    Parameters
    ----------
    runs, seed : int, optional
        Override the scenario's ``[uncertainty]`` runs and seed.
    progress : callable(step, steps, message), optional
        Told as each of the four stages starts.

    Returns
    -------
    ScenarioResult
    """
    runs = runs or scenario.uncertainty.runs
    seed = scenario.uncertainty.seed if seed is None else seed
    horizon = scenario.baseline.horizon_months
    report = progress or (lambda *_: None)
    report(1, 4, f"{scenario.name}: forecasting demand ({runs} runs)")
    forecast = inputs.demand.simulate(
        demand_adjustments(scenario, inputs.demand), horizon, runs, seed
    )
    as_of = inputs.demand.as_of
    report(2, 4, f"{scenario.name}: estimating supply")
    estimate = estimate_supply(
        inputs.households,
        inputs.children,
        as_of,
        scenario.supply,
        scenario.baseline.history_years,
        inputs.distance_miles,
    )
    capacity = build_capacity(estimate.baseline, scenario.levers(SUPPLY_LEVERS), horizon)
    report(3, 4, f"{scenario.name}: placing children")
    needs = needs_from_forecast(
        forecast, estimate.baseline.sibling_share, estimate.baseline.specialist_share
    )
    placement = place_children(
        needs, capacity, estimate.baseline.overflow, estimate.baseline.specialist_skills
    )
    report(4, 4, f"{scenario.name}: costing")
    return _result(scenario, seed, runs, as_of, forecast, capacity, placement, estimate)


def _result(
    scenario: Scenario,
    seed: int,
    runs: int,
    as_of: dt.date,
    forecast: ForecastDistribution,
    capacity: Capacity,
    placement: Placement,
    estimate: SupplyEstimate,
) -> ScenarioResult:
    by_type = forecast.by_placement_type()
    zero = np.zeros_like(forecast.total(), dtype=float)
    living = {}
    for placement_type in PlacementType:  # in the enum's order, tracked types placed by supply
        if placement_type in _TRACKED:
            living[str(placement_type)] = placement.in_home_type(HomeType(placement_type.value))
        else:
            living[str(placement_type)] = by_type.get(placement_type, zero)
    living[NO_REGISTERED_HOME] = placement.unplaced_total()
    far = placement.unplaced_total().copy()
    for home_type in HomeType:
        far += placement.in_home_type(home_type, within_20_miles=False)
    shares = estimate.baseline.other_within_20_miles_share
    for placement_type, count in forecast.by_placement_type().items():
        if placement_type not in _TRACKED and placement_type not in {
            h.placement_type for h in HomeType
        }:
            far += count * (1 - shares.get(placement_type, 1.0))
    gap = {str(h): placement.reaching[h] - capacity.of_type(h)[None, :] for h in HomeType}
    overflow = placement.overflow_total()
    weekly = weekly_costs(
        scenario.costs, scenario.levers(UnitCostChange), as_of, forecast.month_ends
    )
    cost = cost_gbp(living, weekly, month_weeks(as_of, forecast.month_ends))
    return ScenarioResult(
        scenario=scenario,
        seed=seed,
        runs=runs,
        as_of=as_of,
        month_ends=forecast.month_ends,
        forecast=forecast,
        capacity=capacity,
        placement=placement,
        supply_notes=estimate.notes,
        living=living,
        by_age_band={str(b): v for b, v in forecast.by_age_band().items()},
        gap=gap,
        places={str(h): capacity.of_type(h) for h in HomeType},
        over_20_miles=far,
        overflow=overflow,
        cost_gbp=cost,
    )


def run_all(
    scenarios: Sequence[Scenario],
    inputs: ScenarioInputs,
    runs: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> list[ScenarioResult]:
    """Run each scenario on the same seed and runs (the first scenario's unless given)."""
    if not scenarios:
        return []
    runs = runs or scenarios[0].uncertainty.runs
    seed = scenarios[0].uncertainty.seed if seed is None else seed
    total = 4 * len(scenarios)

    def step(index: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, _steps, message: progress(4 * index + done, total, message)

    return [run_scenario(s, inputs, runs, seed, step(i)) for i, s in enumerate(scenarios)]
