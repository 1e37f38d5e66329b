"""Monte Carlo forecast: many runs, each with its own draw of the rates, then random events.

Vectorised across runs: counts are arrays (runs, uasc, age in months, type). Each run first
draws its rates from their posteriors (uncertainty of the estimates), then each month draws
who moves, who leaves, who ages out at 18 and who enters (randomness of events).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import DemandAdjustments
from sufficiency.dynamics import (
    BAND_OF_AGE,
    adjust_mix,
    adjust_rates,
    damped_years,
    entry_multiplier,
    extra_entries_per_month,
    fine_to_states,
    month_ends,
    outcome_probabilities,
    step_days,
)
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES
from sufficiency.history import BAND_START_MONTHS, MAX_AGE_MONTHS, PLACEMENT_TYPES, STATES
from sufficiency.markov import FOSTERING
from sufficiency.rates import FittedRates, band_age_weights

Progress = Callable[[int, int], None]
_CELLS = 2 * MAX_AGE_MONTHS * N_TYPES


@dataclass(frozen=True, slots=True)
class RunParameters:
    """One draw of the model per run: rates [1/day], entry level/trend, mixes, shares."""

    move_rate: np.ndarray  # (runs, 2, bands, types, types)
    exit_rate: np.ndarray  # (runs, 2, bands, types, routes)
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
    gamma_move = rng.standard_gamma(
        np.broadcast_to(rates.move_events, sets + rates.move_events.shape)
    )
    gamma_exit = rng.standard_gamma(
        np.broadcast_to(rates.exit_events, sets + rates.exit_events.shape)
    )
    z = rng.standard_normal((runs, 2, N_BANDS, 2))
    gamma_mix = rng.standard_gamma(np.broadcast_to(rates.entry_mix, shape + rates.entry_mix.shape))
    beta = rng.beta(
        rates.staying_put_events + 1,
        rates.age18_exits - rates.staying_put_events + 1,
        size=(runs, N_TYPES),
    )
    if not uncertain:
        gamma_move = np.broadcast_to(rates.move_events, gamma_move.shape)
        gamma_exit = np.broadcast_to(rates.exit_events, gamma_exit.shape)
        z = np.zeros_like(z)
        gamma_mix = np.broadcast_to(rates.entry_mix, gamma_mix.shape)
        beta = np.broadcast_to(rates.staying_put_share, beta.shape)
    chol = np.linalg.cholesky(rates.entry_cov + 1e-12 * np.eye(2))
    shift = np.einsum("ubij,rubj->rubi", chol, z)
    mix = gamma_mix / np.maximum(gamma_mix.sum(axis=-1, keepdims=True), 1e-300)
    return RunParameters(
        move_rate=np.divide(
            gamma_move, rates.move_days, out=np.zeros(gamma_move.shape), where=rates.move_days > 0
        ),
        exit_rate=np.divide(
            gamma_exit, rates.exit_days, out=np.zeros(gamma_exit.shape), where=rates.exit_days > 0
        ),
        entry_log_level=rates.entry_log_level + shift[..., 0],
        entry_trend=rates.entry_trend_per_year + shift[..., 1],
        entry_mix=mix,
        staying_put_share=beta * FOSTERING,
    )


def _conditional_cumulative(p: np.ndarray) -> np.ndarray:
    """For movers (not staying in their type): cumulative probability of each other type."""
    moves = p[..., :N_TYPES].copy()
    idx = np.arange(N_TYPES)
    moves[..., idx, idx] = 0.0
    total = moves.sum(axis=-1, keepdims=True)
    cum = np.cumsum(moves, axis=-1) / np.where(total > 0, total, 1.0)
    cum[..., -1] = 1.0
    return cum


def _pick(
    cum_rows: np.ndarray, rows: np.ndarray, uniform: np.ndarray, chunk: int = 1 << 19
) -> np.ndarray:
    """Index of the category each uniform falls in, row by row (chunked to bound memory)."""
    out = np.empty(rows.size, dtype=np.int64)
    for lo in range(0, rows.size, chunk):
        sl = slice(lo, lo + chunk)
        out[sl] = (cum_rows[rows[sl]] < uniform[sl, None]).sum(axis=1)
    return np.minimum(out, cum_rows.shape[-1] - 1)


def _events(
    pop: np.ndarray, p: np.ndarray, cum: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One month of moves and exits for everyone in care, in place; returns exits by route."""
    flat = pop.reshape(-1)
    cells = np.flatnonzero(flat != 0)
    coarse = _coarse_index(cells)
    (stayers, movers), routes = _transition(flat[cells], coarse, p, rng)
    flat[cells] = stayers
    np.add.at(flat, _relocate(cells, coarse, movers, cum, rng), 1)
    return routes


def _transition(n: np.ndarray, coarse: np.ndarray, p: np.ndarray, rng: np.random.Generator):
    """Outcomes for ``n`` children in cells whose (run, uasc, band, type) rows are ``coarse``.

    Returns ((stayers per cell, new flat cell of each mover) , exits by (run, route)), where
    a mover's new cell is its old cell with the type (last axis) replaced.
    """
    runs = p.shape[0]
    idx = np.arange(N_TYPES)
    stay_p = p[..., idx, idx].reshape(-1)[coarse]
    exit_p = p[..., N_TYPES:].sum(axis=-1).reshape(-1)[coarse]
    stayers = rng.binomial(n, stay_p)
    leavers = n - stayers
    p_exit = np.divide(exit_p, 1.0 - stay_p, out=np.zeros(n.size), where=stay_p < 1.0)
    exits = rng.binomial(leavers, np.clip(p_exit, 0.0, 1.0))
    movers = leavers - exits
    exit_totals = np.bincount(coarse, weights=exits, minlength=runs * 2 * N_BANDS * N_TYPES)
    routes = _split_exits(exit_totals.astype(np.int64), p, rng)
    return (stayers, movers), routes


def _relocate(
    cells: np.ndarray,
    coarse: np.ndarray,
    movers: np.ndarray,
    cum: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """New flat cell of each mover: a type drawn from its row's conditional move probabilities."""
    moving = movers > 0
    rep = np.repeat(cells[moving], movers[moving])
    rows = np.repeat(coarse[moving], movers[moving])
    target = _pick(cum, rows, 1.0 - rng.random(rep.size))
    return rep - rep % N_TYPES + target


def _coarse_index(cells: np.ndarray) -> np.ndarray:
    """(run, uasc, band, type) row of each flat (run, uasc, age, type) cell."""
    run, rest = np.divmod(cells, _CELLS)
    uasc, rest = np.divmod(rest, MAX_AGE_MONTHS * N_TYPES)
    age, kind = np.divmod(rest, N_TYPES)
    return ((run * 2 + uasc) * N_BANDS + BAND_OF_AGE[age]) * N_TYPES + kind


def _split_exits(totals: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exits per flat (run, uasc, band, type) row shared among routes; returns (runs, routes)."""
    runs = p.shape[0]
    route_p = p[..., N_TYPES:].reshape(-1, N_ROUTES)
    cells = np.flatnonzero(totals)
    share = route_p[cells]
    share = share / np.maximum(share.sum(axis=-1, keepdims=True), 1e-300)
    split = rng.multinomial(totals[cells], share)
    out = np.zeros((runs, N_ROUTES), dtype=np.int64)
    np.add.at(out, cells // (2 * N_BANDS * N_TYPES), split)
    return out


def _age(pop: np.ndarray) -> np.ndarray:
    """Everyone is a month older, in place; those reaching 18 (216 months) leave: leavers by type."""
    aged_out = pop[:, :, -1, :].sum(axis=1)
    pop[:, :, 1:, :] = pop[:, :, :-1, :]
    pop[:, :, 0, :] = 0
    return aged_out


def _draw_entries(
    params: RunParameters,
    rates: FittedRates,
    month: int,
    rng: np.random.Generator,
    adjustments: DemandAdjustments | None,
) -> np.ndarray:
    """New entrants per (run, uasc, band, type) this month (negative binomial counts)."""
    runs = params.entry_log_level.shape[0]
    dispersion = rates.entry_dispersion
    # Gamma-Poisson mixing: the monthly rate varies more than Poisson when dispersion > 0.
    shape = np.where(dispersion > 0, 1.0 / np.maximum(dispersion, 1e-12), 1.0)
    gamma = rng.standard_gamma(np.broadcast_to(shape, (runs, 2, N_BANDS))) / shape
    gamma = np.where(dispersion > 0, gamma, 1.0)
    log_mean = params.entry_log_level + params.entry_trend * damped_years(rates, month)
    mean = np.where(np.isfinite(log_mean), np.exp(log_mean), 0.0) * gamma
    mix = params.entry_mix
    if adjustments is not None:
        mean = mean * entry_multiplier(adjustments) + extra_entries_per_month(adjustments)
        mix = adjust_mix(mix, adjustments)
    total = rng.poisson(mean)
    return rng.multinomial(total, mix)


def _place_entrants(
    pop: np.ndarray,
    entrants: np.ndarray,
    p_half: np.ndarray,
    cum_half: np.ndarray,
    weights: list[np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """Entrants live half their first month (some move or leave); the rest join ``pop`` with
    ages in months drawn from the entry ages of their band. Returns their exits by route."""
    runs = entrants.shape[0]
    flat = entrants.reshape(-1)
    cells = np.flatnonzero(flat)
    (stayers, movers), routes = _transition(flat[cells], cells, p_half, rng)
    placed = np.zeros_like(flat)
    placed[cells] = stayers
    np.add.at(placed, _relocate(cells, cells, movers, cum_half, rng), 1)
    placed = placed.reshape(runs, 2, N_BANDS, N_TYPES)
    target = pop.reshape(-1)
    for band in range(N_BANDS):
        lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
        for uasc in (0, 1):
            counts = placed[:, uasc, band, :].reshape(-1)
            cells = np.flatnonzero(counts)
            if cells.size == 0:
                continue
            rep = np.repeat(cells, counts[cells])
            cum = np.cumsum(weights[band][uasc])
            age = np.minimum(
                np.searchsorted(cum, cum[-1] * (1.0 - rng.random(rep.size))), hi - lo - 1
            )
            run, kind = np.divmod(rep, N_TYPES)
            np.add.at(target, ((run * 2 + uasc) * MAX_AGE_MONTHS + lo + age) * N_TYPES + kind, 1)
    return routes


def _step_downs(
    pop: np.ndarray, adjustments: DemandAdjustments, rng: np.random.Generator
) -> np.ndarray:
    """Planned moves (``step_downs``): a Poisson number a month, children picked at random."""
    runs = pop.shape[0]
    for source, target, per_year in adjustments.step_downs:
        i, j = PLACEMENT_TYPES.index(source), PLACEMENT_TYPES.index(target)
        wanted = rng.poisson(per_year / 12.0, size=runs)
        for _ in range(int(wanted.max(initial=0))):
            counts = pop[:, :, :, i].reshape(runs, -1)
            total = counts.sum(axis=1)
            go = (wanted > 0) & (total > 0)
            pick = (np.cumsum(counts, axis=1) < (rng.random(runs) * total)[:, None] + 1e-9).sum(
                axis=1
            )
            pick = np.minimum(pick, counts.shape[1] - 1)
            rows = np.flatnonzero(go)
            uasc, age = np.divmod(pick[rows], MAX_AGE_MONTHS)
            pop[rows, uasc, age, i] -= 1
            pop[rows, uasc, age, j] += 1
            wanted = wanted - go
    return pop


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
    streams = rng.spawn(horizon_months + 1)
    params = draw_parameters(model, runs, streams[0], rate_uncertainty)
    phases = {False: (params.move_rate, params.exit_rate)}
    if adjustments is not None:
        phases[True] = adjust_rates(params.move_rate, params.exit_rate, adjustments)
    weights = band_age_weights(model)
    pop = np.broadcast_to(
        np.asarray(start_population, dtype=np.int32), (runs, 2, MAX_AGE_MONTHS, N_TYPES)
    ).copy()
    out = _Recorder(runs, horizon_months)
    cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    for month in range(horizon_months):
        events_rng, ageing_rng, entry_rng, step_rng = streams[month + 1].spawn(4)
        active = adjustments is not None and month >= adjustments.start_month_index
        key = (active, int(days[month]))
        if key not in cache:
            cache[key] = _month_matrices(*phases[active], runs, days[month])
        p_full, cum_full, p_half, cum_half = cache[key]
        routes = _events(pop, p_full, cum_full, events_rng)
        aged_out = _age(pop)
        staying = ageing_rng.binomial(aged_out, params.staying_put_share).sum(axis=1)
        entrants = _draw_entries(params, model, month, entry_rng, adjustments if active else None)
        routes = routes + _place_entrants(pop, entrants, p_half, cum_half, weights, entry_rng)
        if active and adjustments.step_downs:
            pop = _step_downs(pop, adjustments, step_rng)
        out.record(month, pop, entrants, routes, aged_out.sum(axis=1), staying)
        if progress is not None:
            progress(month + 1, horizon_months)
    return out.result(ends, seed)


def _month_matrices(move: np.ndarray, exit_: np.ndarray, runs: int, days: int) -> tuple:
    """Outcome probabilities over a month and half a month, per run, with movers' cumulatives."""
    run_set = np.arange(runs) % move.shape[0]
    out = []
    for length in (days, days / 2.0):
        p = outcome_probabilities(move, exit_, length)
        out += [p[run_set], _conditional_cumulative(p).reshape(move.shape[0], -1, N_TYPES)]
    p_full, cum_sets, p_half, cum_half_sets = out
    rows = 2 * N_BANDS * N_TYPES
    flat_rows = (run_set[:, None] * rows + np.arange(rows)).reshape(-1)
    return (
        p_full,
        cum_sets.reshape(-1, N_TYPES)[flat_rows],
        p_half,
        cum_half_sets.reshape(-1, N_TYPES)[flat_rows],
    )


class _Recorder:
    """Accumulates the monthly outputs of all runs."""

    def __init__(self, runs: int, months: int):
        self.samples = np.zeros((runs, months, len(STATES)), dtype=np.int32)
        self.entries = np.zeros_like(self.samples)
        self.exits = np.zeros((runs, months, N_ROUTES + 1), dtype=np.int32)
        self.staying_put = np.zeros((runs, months), dtype=np.int32)

    def record(self, month, pop, entrants, routes, aged_out, staying) -> None:
        self.samples[:, month] = fine_to_states(pop)
        self.entries[:, month] = entrants.reshape(entrants.shape[0], -1)
        self.exits[:, month, :N_ROUTES] = routes
        self.exits[:, month, N_ROUTES] = aged_out
        self.staying_put[:, month] = staying

    def result(self, ends: tuple[dt.date, ...], seed: int | None) -> ForecastDistribution:
        return ForecastDistribution(
            STATES, ends, self.samples, self.entries, self.exits, self.staying_put, seed
        )
