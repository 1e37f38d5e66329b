"""Built-in backtest: fit on history up to past dates, forecast, and score against what happened.

Scores the Monte Carlo forecast, two baselines computed the same way (persistence and
linear trend) and any extra forecaster passed in (e.g. ``cs-demand-model``), plus the
error floor: the fitted model scored against its own simulated futures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sufficiency.dynamics import month_ends
from sufficiency.events import N_BANDS, add_months
from sufficiency.forecast import DEFAULT_SEED, start_population
from sufficiency.history import STATES, History, spell_table, stock_series
from sufficiency.montecarlo import simulate
from sufficiency.rates import estimate_rates

#: A forecaster: (history known at origin, origin, months) -> children per age band,
#: shape (months, bands), or (samples, months, bands) when it gives a distribution.
Forecaster = Callable[[History, dt.date, int], np.ndarray]
MODEL = "placement planner (Monte Carlo)"
PERSISTENCE = "persistence"
LINEAR_TREND = "linear trend"
FLOOR = "floor: model vs its own futures"
_BAND_OF_STATE = np.array(
    [list(state.age_band.__class__).index(state.age_band) for state in STATES]
)


@dataclass(frozen=True, slots=True)
class BacktestRow:
    """Scores of one method at one horizon, pooled over all origins.

    ``wape_total`` and ``wape_age_band`` are weighted absolute percentage errors [%] of the
    monthly total and of the monthly age-band cells; ``coverage_total`` and
    ``coverage_age_band`` the share of actual values inside the P10-P90 band [%] (``None``
    for point forecasts).
    """

    method: str
    horizon_months: int
    origins: int
    wape_total: float
    wape_age_band: float
    coverage_total: float | None
    coverage_age_band: float | None


@dataclass(frozen=True, slots=True)
class BacktestResult:
    origins: tuple[dt.date, ...]
    rows: tuple[BacktestRow, ...]
    runs: int
    seed: int

    def row(self, method: str, horizon_months: int) -> BacktestRow:
        return next(
            r for r in self.rows if r.method == method and r.horizon_months == horizon_months
        )


def by_band(counts: np.ndarray) -> np.ndarray:
    """Sum the last (states) axis into age bands."""
    out = np.zeros((*counts.shape[:-1], N_BANDS))
    for band in range(N_BANDS):
        out[..., band] = counts[..., _BAND_OF_STATE == band].sum(axis=-1)
    return out


def default_origins(
    history: History, horizon_months: int, training_months: int = 36, step_months: int = 6
) -> tuple[dt.date, ...]:
    """Origins every ``step_months`` with enough history before and ``horizon_months`` after."""
    origins, origin = [], add_months(history.extract_date, -horizon_months)
    first = add_months(history.data_start, training_months)
    while origin >= first:
        origins.append(origin)
        origin = add_months(origin, -step_months)
    return tuple(sorted(origins))


def persistence(history: History, origin: dt.date, months: int) -> np.ndarray:
    """The stock on the origin date, carried forward."""
    stock = by_band(stock_series(spell_table(history), [origin]))
    return np.repeat(stock, months, axis=0)


def linear_trend(
    history: History, origin: dt.date, months: int, fit_months: int = 24
) -> np.ndarray:
    """Least-squares line through the last ``fit_months`` month-end stocks, per band."""
    days = [add_months(origin, -k) for k in range(fit_months - 1, -1, -1)]
    stock = by_band(stock_series(spell_table(history), days))
    x = np.arange(-fit_months + 1, 1, dtype=float)
    slope, intercept = np.polyfit(x, stock, 1)
    ahead = np.arange(1, months + 1, dtype=float)[:, None]
    return np.maximum(intercept + slope * ahead, 0.0)


def _wape(forecast: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    return float(np.abs(forecast - actual).sum()), float(actual.sum())


class _Score:
    """Accumulates absolute errors and coverage counts over origins."""

    def __init__(self):
        self.err = np.zeros(2)
        self.base = np.zeros(2)
        self.inside = np.zeros(2)
        self.cells = np.zeros(2)
        self.origins = 0
        self.has_band = False

    def add(self, forecast: np.ndarray, actual: np.ndarray) -> None:
        """``forecast``: (months, bands) point or (samples, months, bands) distribution."""
        self.origins += 1
        samples = forecast if forecast.ndim == 3 else None
        for k, (f, a) in enumerate(
            [(forecast.sum(axis=-1), actual.sum(axis=-1)), (forecast, actual)]
        ):
            point = np.median(f, axis=0) if samples is not None else f
            e, b = _wape(point, a)
            self.err[k] += e
            self.base[k] += b
            if samples is not None:
                lo, hi = np.quantile(f, [0.1, 0.9], axis=0)
                self.inside[k] += ((a >= lo) & (a <= hi)).sum()
                self.cells[k] += a.size
                self.has_band = True

    def row(self, method: str, horizon: int) -> BacktestRow:
        wape = 100.0 * self.err / np.maximum(self.base, 1e-9)
        coverage = (
            100.0 * self.inside / np.maximum(self.cells, 1) if self.has_band else [None, None]
        )
        return BacktestRow(
            method,
            horizon,
            self.origins,
            float(wape[0]),
            float(wape[1]),
            None if coverage[0] is None else float(coverage[0]),
            None if coverage[1] is None else float(coverage[1]),
        )


def _model_samples(
    history: History, origin: dt.date, months: int, runs: int, seed: int, uncertain: bool = True
) -> np.ndarray:
    known = history.truncated(origin)
    rates = estimate_rates(known, origin)
    dist = simulate(
        rates,
        start_population(known, origin),
        months,
        runs,
        np.random.default_rng(seed),
        rate_uncertainty=uncertain,
    )
    return by_band(dist.samples)


def _floor(score: _Score, samples: np.ndarray, truths: int = 20) -> None:
    """Score the median of the simulated futures against some of those futures."""
    for k in range(min(truths, samples.shape[0])):
        score.add(np.delete(samples, k, axis=0), samples[k])


def backtest(
    history: History,
    horizons: Sequence[int] = (12, 24),
    origins: Sequence[dt.date] | None = None,
    runs: int = 300,
    seed: int = DEFAULT_SEED,
    competitors: Mapping[str, Forecaster] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Backtest the forecast and the baselines at each horizon.

    Parameters
    ----------
    history : History
        The full history; each origin only sees what was known on that day.
    horizons : sequence of int
        Forecast lengths to score [months].
    origins : sequence of date, optional
        Forecast dates; default every 6 months with 3 years before and the horizon after.
    runs : int
        Monte Carlo runs per origin.
    competitors : mapping, optional
        Extra forecasters by name, scored the same way.
    progress : callable, optional
        Called as ``progress(done, total)`` after each origin.
    """
    competitors = dict(competitors or {})
    methods = {PERSISTENCE: persistence, LINEAR_TREND: linear_trend, **competitors}
    spells = spell_table(history)
    plan = [(h, tuple(origins) if origins else default_origins(history, h)) for h in horizons]
    total, done, rows, used = sum(len(o) for _, o in plan), 0, [], set()
    for horizon, horizon_origins in plan:
        scores = {name: _Score() for name in [MODEL, *methods, FLOOR]}
        for origin in horizon_origins:
            actual = by_band(stock_series(spells, list(month_ends(origin, horizon))))
            known = history.truncated(origin)
            scores[MODEL].add(_model_samples(history, origin, horizon, runs, seed), actual)
            for name, method in methods.items():
                scores[name].add(np.asarray(method(known, origin, horizon), dtype=float), actual)
            _floor(
                scores[FLOOR], _model_samples(history, origin, horizon, runs, seed, uncertain=False)
            )
            used.add(origin)
            done += 1
            if progress is not None:
                progress(done, total)
        rows += [scores[name].row(name, horizon) for name in scores if scores[name].origins]
    return BacktestResult(tuple(sorted(used)), tuple(rows), runs, seed)
