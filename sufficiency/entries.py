"""Entries into care: monthly counts per (UASC, band) with a shrunk log-linear trend.

The level and trend per stream and age band, their uncertainty (quasi-Poisson), the
month-to-month over-dispersion, the placement types and ages children enter at. Counting
is ``sufficiency.events``; the other rates are ``sufficiency.rates``.
"""

from __future__ import annotations

import numpy as np

from sufficiency.events import N_BANDS, EventCounts

#: Prior standard deviation of a trend in entries [log change per year]: the root mean square
#: of England's 3-year average growth in children starting to be looked after, 1994-2023
#: (DfE ``cla_time_series_1994_2023.csv``; recomputed in tests/sufficiency/test_rates.py).
NATIONAL_TREND_SD_PER_YEAR = 0.031


def _poisson_trend(y: np.ndarray, t_years: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Log-linear Poisson fit (IRLS) of monthly counts: (coef, covariance, 1/k dispersion).

    The covariance is the quasi-Poisson one: the Poisson covariance times the Pearson
    over-dispersion factor (at least 1), since children enter in sibling groups.
    """
    x = np.column_stack([np.ones_like(t_years), t_years])
    beta = np.array([np.log(max(y.mean(), 1e-9)), 0.0])
    for _ in range(25):
        mu = np.exp(x @ beta)
        info = x.T @ (x * mu[:, None])
        step = np.linalg.solve(info + 1e-9 * np.eye(2), x.T @ (y - mu))
        beta = beta + step
        if np.abs(step).max() < 1e-8:
            break
    mu = np.exp(x @ beta)
    pearson = float(((y - mu) ** 2 / np.maximum(mu, 1e-9)).sum()) / max(y.size - 2, 1)
    cov = np.linalg.inv(x.T @ (x * mu[:, None]) + 1e-9 * np.eye(2)) * max(pearson, 1.0)
    dispersion = max(0.0, float(((y - mu) ** 2 - mu).sum() / max((mu**2).sum(), 1e-9)))
    return beta, cov, dispersion


def _shrunk(estimate: float, variance: float, prior_mean: float, prior_var: float):
    """Normal posterior of a trend: (mean, variance) given its estimate and a normal prior."""
    weight = prior_var / (prior_var + variance)
    return prior_mean + weight * (estimate - prior_mean), weight * variance


def entry_model(counts: EventCounts, trend_prior_sd: float) -> tuple:
    """Per (uasc, band) log level and trend.

    Each stream's trend is shrunk towards no trend, and each band's towards its stream's,
    with prior s.d. ``trend_prior_sd`` and the quasi-Poisson variance of the estimates.
    """
    months = counts.entries_by_month
    n = months.shape[0]
    t_years = (np.arange(n) - (n - 1)) / 12.0  # 0 at the as-of month
    half_years = (n - 1) / 24.0  # from the window's middle to the as-of month
    level = np.full((2, N_BANDS), -np.inf)
    trend = np.zeros((2, N_BANDS))
    cov = np.zeros((2, N_BANDS, 2, 2))
    dispersion = np.zeros((2, N_BANDS))
    prior_var = trend_prior_sd**2
    for uasc in (0, 1):
        stream = months[:, uasc, :].sum(axis=1)
        if stream.sum() == 0:
            continue
        beta, c, _ = _poisson_trend(stream, t_years)
        stream_trend, stream_var = _shrunk(beta[1], c[1, 1], 0.0, prior_var)
        for band in range(N_BANDS):
            y = months[:, uasc, band]
            if y.sum() == 0:
                continue
            beta, c, dispersion[uasc, band] = _poisson_trend(y, t_years)
            trend[uasc, band], var_trend = _shrunk(
                beta[1], c[1, 1], stream_trend, prior_var + stream_var
            )
            level[uasc, band] = np.log(y.mean()) + trend[uasc, band] * half_years
            var_middle = (1.0 + dispersion[uasc, band] * y.mean()) / y.sum()
            cov[uasc, band] = [
                [var_middle + var_trend * half_years**2, var_trend * half_years],
                [var_trend * half_years, var_trend],
            ]
    return level, trend, cov, dispersion


def entry_mix(counts: EventCounts, allowed: np.ndarray, prior_children: float) -> np.ndarray:
    """Dirichlet posterior of entry placement types per (uasc, band), pooled over bands."""
    pooled = counts.entries.sum(axis=(0, 1))
    share = pooled / max(pooled.sum(), 1.0)
    prior = prior_children * share[None, None, :] * allowed[None]
    # A band where no allowed type was ever entered falls back to an even spread.
    empty = prior.sum(axis=-1, keepdims=True) == 0
    prior = np.where(
        empty, allowed[None] * prior_children / np.maximum(allowed.sum(-1), 1)[None, :, None], prior
    )
    return counts.entries * allowed[None] + prior


def entry_ages(counts: EventCounts) -> np.ndarray:
    """Age-in-months weights at entry, smoothed with half a child per month of age."""
    weights = counts.entry_age_months + 0.5
    weights[1] = counts.entry_age_months[1] + 0.5 * (counts.entry_age_months[1].sum() > 0)
    weights[1] = np.where(weights[1].sum() > 0, weights[1], weights[0])
    return weights
