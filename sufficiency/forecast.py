"""Function API: fit the model to a history and forecast, in one call.

``forecast`` returns the Monte Carlo distribution (the engine contract);
``run_forecast`` also returns the fitted rates, the deterministic projection and the
start population for reports and exports. No file access (see ``sufficiency.ssda903``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import DemandAdjustments
from sufficiency.history import History, counts_by_state, population_on, spell_table
from sufficiency.markov import Projection, fine_population, project
from sufficiency.montecarlo import simulate
from sufficiency.need_forecast import NeedForecast, forecast_needs
from sufficiency.needs import estimate_need_shares
from sufficiency.rates import FittedRates, estimate_rates

#: Seed used when none is given, so that two people running the same forecast agree.
DEFAULT_SEED = 20261123
#: Added to the seed's entropy for the need draws, so they never share the events' stream.
NEED_STREAM = 903


@dataclass(frozen=True, slots=True)
class ForecastResult:
    """Everything one forecast produced.

    ``start_counts`` are children in care at ``as_of`` per state [children];
    ``start_population`` the same by (uasc, age in months, type); ``needs`` the children
    with each need (disability, sibling group, parent and child), if asked for.
    """

    as_of: dt.date
    rates: FittedRates
    start_population: np.ndarray
    start_counts: np.ndarray
    projection: Projection
    distribution: ForecastDistribution
    needs: NeedForecast | None = None


def start_population(history: History, as_of: dt.date) -> np.ndarray:
    """Children in care at the end of ``as_of`` by (uasc, age in months, type)."""
    spells = spell_table(history.truncated(as_of))
    return fine_population(*population_on(spells, as_of)).astype(np.int64)


def run_forecast(
    history: History,
    as_of: dt.date | None = None,
    horizon_months: int = 36,
    runs: int = 1000,
    seed: int = DEFAULT_SEED,
    adjustments: DemandAdjustments | None = None,
    progress: Callable[[int, int], None] | None = None,
    needs: bool = True,
    **fit_options: float,
) -> ForecastResult:
    """Fit on the history up to ``as_of`` (default: its extract date) and simulate.

    ``needs``: also forecast children with each need (``sufficiency.need_forecast``), from
    a random stream of their own (the seed plus ``NEED_STREAM``), so the counts by state
    are the same with or without them. ``fit_options`` go to ``estimate_rates``
    (``window_months``, ``prior_child_days``, ``trend_prior_sd_per_year``,
    ``trend_damping_per_month``).
    """
    as_of = as_of or history.extract_date
    rates = estimate_rates(history, as_of, **fit_options)
    population = start_population(history, as_of)
    distribution = simulate(
        rates,
        population,
        horizon_months,
        runs,
        np.random.default_rng(seed),
        adjustments,
        progress,
        seed=seed,
    )
    spells = spell_table(history.truncated(as_of))
    return ForecastResult(
        as_of=as_of,
        rates=rates,
        start_population=population,
        start_counts=counts_by_state(*population_on(spells, as_of)),
        projection=project(rates, population, horizon_months, adjustments),
        distribution=distribution,
        needs=_needs(history, as_of, distribution, seed, fit_options) if needs else None,
    )


def _needs(history: History, as_of: dt.date, distribution, seed: int, options) -> NeedForecast:
    window = int(options.get("window_months", 36))
    shares = estimate_need_shares(history, as_of, window_months=window)
    return forecast_needs(distribution, shares, np.random.default_rng([seed, NEED_STREAM]))


def forecast(
    history: History,
    as_of: dt.date | None = None,
    horizon_months: int = 36,
    runs: int = 1000,
    seed: int = DEFAULT_SEED,
    adjustments: DemandAdjustments | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ForecastDistribution:
    """Monthly distribution of looked-after children per state for ``horizon_months``.

    Same history, date, seed and adjustments give identical output.
    """
    as_of = as_of or history.extract_date
    rates = estimate_rates(history, as_of)
    return simulate(
        rates,
        start_population(history, as_of),
        horizon_months,
        runs,
        np.random.default_rng(seed),
        adjustments,
        progress,
        seed=seed,
    )
