"""Monte Carlo forecast: many runs, each with its own draw of the rates, then random events.

Vectorised across runs: each run first draws its rates from their posteriors (uncertainty of
the estimates), then each month draws who moves, who leaves, who ages out at 18 and who
enters (randomness of events). Events are drawn once per non-empty (run, uasc, band, type)
cell; ages in months are kept by ``sufficiency.mc_population``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import DemandAdjustments
from sufficiency.dynamics import (
    adjust_mix,
    adjust_rates,
    damped_years,
    entry_multiplier,
    extra_entries_per_month,
    month_ends,
    step_days,
)
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES
from sufficiency.history import PLACEMENT_TYPES, STATES
from sufficiency.markov import FOSTERING
from sufficiency.mc_draws import category_counts
from sufficiency.mc_events import MonthTableCache, draw_events, entrant_events
from sufficiency.mc_population import Population, cumulative_entry_weights
from sufficiency.rates import FittedRates, band_age_weights

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RunParameters:
    """One draw of the model per run: rates [1/day], entry level/trend, mixes, shares."""

    move_rate: np.ndarray  # (rate sets, groups, uasc, bands, types, types)
    exit_rate: np.ndarray  # (rate sets, groups, uasc, bands, types, routes)
    entry_log_level: np.ndarray  # (runs, 2, bands)
    entry_trend: np.ndarray  # (runs, 2, bands) [log change per year]
    entry_mix: np.ndarray  # (runs, 2, bands, types), rows sum to 1
    staying_put_share: np.ndarray  # (runs, types)


def draw_parameters(
    rates: FittedRates,
    runs: int,
    rng: np.random.Generator,
    uncertain: bool = True,
    rate_sets: int = 100,
) -> RunParameters:
    """Per-run parameters: posterior draws, or the posterior means when ``uncertain`` is False.

    Move and exit rates are drawn for ``rate_sets`` sets shared by the runs in turn (run
    ``r`` uses set ``r % rate_sets``), which keeps the month matrices cheap; entry levels,
    trends, mixes and staying-put shares are drawn per run. The same number of variates is
    drawn either way, in a fixed order.
    """
    shape = (runs,)
    sets = (min(runs, rate_sets),)
    move_events, move_days, exit_events, exit_days = rates.by_group()
    gamma_move = rng.standard_gamma(np.broadcast_to(move_events, sets + move_events.shape))
    gamma_exit = rng.standard_gamma(np.broadcast_to(exit_events, sets + exit_events.shape))
    z = rng.standard_normal((runs, 2, N_BANDS, 2))
    gamma_mix = rng.standard_gamma(np.broadcast_to(rates.entry_mix, shape + rates.entry_mix.shape))
    beta = rng.beta(
        rates.staying_put_events + 1,
        rates.age18_exits - rates.staying_put_events + 1,
        size=(runs, N_TYPES),
    )
    if not uncertain:
        gamma_move = np.broadcast_to(move_events, gamma_move.shape)
        gamma_exit = np.broadcast_to(exit_events, gamma_exit.shape)
        z = np.zeros_like(z)
        gamma_mix = np.broadcast_to(rates.entry_mix, gamma_mix.shape)
        beta = np.broadcast_to(rates.staying_put_share, beta.shape)
    chol = np.linalg.cholesky(rates.entry_cov + 1e-12 * np.eye(2))
    shift = np.einsum("ubij,rubj->rubi", chol, z)
    mix = gamma_mix / np.maximum(gamma_mix.sum(axis=-1, keepdims=True), 1e-300)
    return RunParameters(
        move_rate=np.divide(
            gamma_move, move_days, out=np.zeros(gamma_move.shape), where=move_days > 0
        ),
        exit_rate=np.divide(
            gamma_exit, exit_days, out=np.zeros(gamma_exit.shape), where=exit_days > 0
        ),
        entry_log_level=rates.entry_log_level + shift[..., 0],
        entry_trend=rates.entry_trend_per_year + shift[..., 1],
        entry_mix=mix,
        staying_put_share=beta * FOSTERING,
    )


def _draw_entries(
    params: RunParameters,
    rates: FittedRates,
    month: int,
    rng: np.random.Generator,
    adjustments: DemandAdjustments | None,
    mix: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """New entrants per (run, uasc, band, type) this month (negative binomial counts).

    ``mix`` is the entry mix in force, (runs * 2 * bands, types), and its cumulative sums.
    """
    runs = params.entry_log_level.shape[0]
    dispersion = rates.entry_dispersion
    # Gamma-Poisson mixing: the monthly rate varies more than Poisson when dispersion > 0.
    shape = np.where(dispersion > 0, 1.0 / np.maximum(dispersion, 1e-12), 1.0)
    gamma = rng.standard_gamma(np.broadcast_to(shape, (runs, 2, N_BANDS))) / shape
    gamma = np.where(dispersion > 0, gamma, 1.0)
    log_mean = params.entry_log_level + params.entry_trend * damped_years(rates, month)
    mean = np.where(np.isfinite(log_mean), np.exp(log_mean), 0.0) * gamma
    if adjustments is not None:
        mean = mean * entry_multiplier(adjustments) + extra_entries_per_month(adjustments)
    total = rng.poisson(mean)
    rows = category_counts(total.reshape(-1), mix[0], rng, mix[1])
    return rows.reshape(total.shape + (N_TYPES,))


def _entry_mix(params: RunParameters, adjustments: DemandAdjustments | None):
    """The entry mix, flat (runs * 2 * bands, types), and its cumulative sums."""
    mix = params.entry_mix if adjustments is None else adjust_mix(params.entry_mix, adjustments)
    mix = mix.reshape(-1, N_TYPES)
    return mix, np.cumsum(mix, axis=1)


def _step_downs(pop: Population, adjustments: DemandAdjustments, rng: np.random.Generator) -> None:
    """Planned moves (``step_downs``): a Poisson number a month, children picked at random."""
    for source, target, per_year in adjustments.step_downs:
        wanted = rng.poisson(per_year / 12.0, size=pop.runs)
        uniform = rng.random(pop.runs)
        pop.step_down(PLACEMENT_TYPES.index(source), PLACEMENT_TYPES.index(target), wanted, uniform)


def simulate(
    model: FittedRates,
    start_population: np.ndarray,
    horizon_months: int,
    runs: int,
    rng: np.random.Generator,
    adjustments: DemandAdjustments | None = None,
    progress: Progress | None = None,
    *,
    rate_uncertainty: bool = True,
    seed: int | None = None,
) -> ForecastDistribution:
    """Simulate ``runs`` futures of the looked-after population, month by month.

    Parameters
    ----------
    model : FittedRates
        The fitted model (``sufficiency.rates.estimate_rates``).
    start_population : numpy.ndarray
        Children in care at ``model.as_of`` by (uasc, age in months, type), shape (2, 216, types).
    horizon_months : int
        Months to simulate [months], 1-120.
    runs : int
        Number of simulated futures.
    rng : numpy.random.Generator
        Source of all randomness. The same seed gives the same result; with or without
        adjustments the variates are drawn from the same streams in the same order.
    adjustments : DemandAdjustments, optional
        Demand changes applied from month ``adjustments.start_month_index``.
    progress : callable, optional
        Called as ``progress(months_done, horizon_months)``.
    rate_uncertainty : bool
        Draw each run's rates from their posteriors (True) or use the posterior means.
    seed : int, optional
        Recorded in the result.

    Returns
    -------
    ForecastDistribution

    Rules
    -----
    Each month, in order: moves and exits at the run's rates (several moves in a month
    possible); everyone ages a month and those turning 18 leave (foster children may stay
    put); entrants arrive (negative binomial by band, with the damped trend) and live half
    the month exposed to moves and exits; planned step-downs happen.
    """
    if runs < 1:
        raise ValueError(f"runs: {runs} must be at least 1")
    ends = month_ends(model.as_of, horizon_months)
    days = step_days(model.as_of, ends)
    if adjustments is not None and adjustments.is_neutral:
        adjustments = None  # nothing changes: take exactly the baseline's path
    streams = rng.spawn(horizon_months + 1)
    params = draw_parameters(model, runs, streams[0], rate_uncertainty)
    sets = params.move_rate.shape[0]
    phases = {False: MonthTableCache(params.move_rate, params.exit_rate)}
    mixes = {False: _entry_mix(params, None)}
    if adjustments is not None:
        phases[True] = MonthTableCache(
            *adjust_rates(params.move_rate, params.exit_rate, adjustments)
        )
        mixes[True] = _entry_mix(params, adjustments)
    weights = cumulative_entry_weights(band_age_weights(model))
    pop = Population(start_population, runs, horizon_months)
    out = _Recorder(runs, horizon_months)
    for month in range(horizon_months):
        events_rng, ageing_rng, entry_rng, step_rng = streams[month + 1].spawn(4)
        active = adjustments is not None and month >= adjustments.start_month_index
        full, half = phases[active].tables(int(days[month]))
        routes = draw_events(pop, full, sets, events_rng, runs)
        aged_out = pop.age().sum(axis=1)  # (runs, types)
        staying = ageing_rng.binomial(aged_out, params.staying_put_share).sum(axis=1)
        entrants = _draw_entries(
            params, model, month, entry_rng, adjustments if active else None, mixes[active]
        )
        placed, entrant_exits = entrant_events(entrants, half, sets, entry_rng)
        pop.add_entrants(placed, weights, entry_rng.random(placed.shape))
        if active and adjustments.step_downs:
            _step_downs(pop, adjustments, step_rng)
        out.record(
            month, pop.coarse, entrants, routes + entrant_exits, aged_out.sum(axis=1), staying
        )
        if progress is not None:
            progress(month + 1, horizon_months)
    return out.result(ends, seed)


class _Recorder:
    """Accumulates the monthly outputs of all runs, runs first."""

    def __init__(self, runs: int, months: int):
        self.samples = np.empty((runs, months, len(STATES)), dtype=np.int32)
        self.entries = np.empty_like(self.samples)
        self.exits = np.empty((runs, months, N_ROUTES + 1), dtype=np.int32)
        self.staying_put = np.empty((runs, months), dtype=np.int32)

    def record(self, month, coarse, entrants, routes, aged_out, staying) -> None:
        runs = coarse.shape[0]
        view = coarse.reshape(runs, 2, 2, -1)  # (runs, group, uasc, band x type)
        self.samples[:, month] = (view[:, 0] + view[:, 1]).reshape(runs, -1)
        self.entries[:, month] = entrants.reshape(runs, -1)
        self.exits[:, month, :N_ROUTES] = routes
        self.exits[:, month, N_ROUTES] = aged_out
        self.staying_put[:, month] = staying

    def result(self, ends: tuple[dt.date, ...], seed: int | None) -> ForecastDistribution:
        return ForecastDistribution(
            STATES, ends, self.samples, self.entries, self.exits, self.staying_put, seed
        )
