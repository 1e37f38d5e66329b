"""The demand side of a scenario: the forecast engine fitted once, simulated per scenario.

A thin wrapper over ``sufficiency.rates.estimate_rates`` and ``sufficiency.montecarlo.simulate``
so that every scenario in a comparison shares one fitted model and start population. It adds
no modelling of its own.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import AgeBand, DemandAdjustments
from sufficiency.history import AGE_BANDS, History, population_on, spell_table
from sufficiency.markov import fine_population, project
from sufficiency.rates import FittedRates, estimate_rates


class FittedDemand:
    """The council's demand model at ``as_of``, fitted on ``history_years`` of history."""

    def __init__(self, history: History, as_of: dt.date, history_years: int = 3):
        self.as_of = as_of
        self.rates: FittedRates = estimate_rates(history, as_of, window_months=12 * history_years)
        spells = spell_table(history.truncated(as_of))
        self.start_population = fine_population(*population_on(spells, as_of))

    def entries_per_year(self, age_band: AgeBand) -> float:
        """Expected entries a year for the band at ``as_of``, UASC included [children/year]."""
        band = AGE_BANDS.index(age_band)
        return float(np.exp(self.rates.entry_log_level[:, band]).sum() * 12)

    def simulate(
        self, adjustments: DemandAdjustments | None, horizon_months: int, runs: int, seed: int
    ) -> ForecastDistribution:
        """Monte Carlo forecast with a fresh ``default_rng(seed)`` (same seed, same draws)."""
        from sufficiency.montecarlo import simulate

        return simulate(
            self.rates,
            self.start_population,
            horizon_months,
            runs,
            np.random.default_rng(seed),
            adjustments=adjustments,
        )

    def project(self, adjustments: DemandAdjustments | None, horizon_months: int):
        """The deterministic projection (the simulation's expected value), for checks."""
        return project(self.rates, self.start_population, horizon_months, adjustments)
