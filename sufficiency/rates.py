"""Estimate the forecast model from history: move and exit rates, entries with trend.

Rates are events over child-days of exposure, shrunk towards pooled rates so that small
cells stay stable (a Gamma-Poisson posterior). Entries per age band follow a log-linear
trend fitted to monthly counts. No simulation here (``markov`` and ``montecarlo``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.events import N_BANDS, N_TYPES, EventCounts, count_events
from sufficiency.history import (
    AGE_BANDS,
    BAND_START_MONTHS,
    MAX_AGE_MONTHS,
    PLACEMENT_TYPES,
    History,
    spell_table,
)

_SUPPORTED = PLACEMENT_TYPES.index(PlacementType.SUPPORTED_ACCOMMODATION)
_SIXTEEN = AGE_BANDS.index(AgeBand.AGE_16_TO_17)


@dataclass(frozen=True, slots=True)
class FittedRates:
    """The fitted model. Arrays are indexed (uasc 0/1, band, placement type, ...).

    Attributes
    ----------
    as_of : datetime.date
        Last day of the history used.
    move_events, move_days : numpy.ndarray
        Gamma posterior of the daily rate of moving to each other placement type,
        shape (2, bands, types, types): shape ``move_events`` [events] and rate
        ``move_days`` [child-days]; the mean is their ratio [1/day].
    exit_events, exit_days : numpy.ndarray
        The same for leaving care by route (``EXIT_ROUTES``), shape (2, bands, types, routes).
    entry_log_level : numpy.ndarray
        Log of expected entries per month at ``as_of`` [log children/month], shape (2, bands).
    entry_trend_per_year : numpy.ndarray
        Growth of entries [log change per year], shape (2, bands).
    entry_cov : numpy.ndarray
        Covariance of (log level, trend), shape (2, bands, 2, 2).
    entry_dispersion : numpy.ndarray
        1/k of a negative binomial for monthly entries (0 = Poisson), shape (2, bands).
    entry_mix : numpy.ndarray
        Dirichlet posterior of the placement type children enter, shape (2, bands, types).
    entry_age_weights : numpy.ndarray
        Relative frequency of each age in months at entry, shape (2, 216).
    staying_put_events, age18_exits : numpy.ndarray
        Of young people leaving at 18 from each type, those staying put, shape (types,).
    trend_damping_per_month : float
        The trend's effect after h months is ``trend * sum(damping**i, i=1..h) / 12``.
    """

    as_of: dt.date
    move_events: np.ndarray
    move_days: np.ndarray
    exit_events: np.ndarray
    exit_days: np.ndarray
    entry_log_level: np.ndarray
    entry_trend_per_year: np.ndarray
    entry_cov: np.ndarray
    entry_dispersion: np.ndarray
    entry_mix: np.ndarray
    entry_age_weights: np.ndarray
    staying_put_events: np.ndarray
    age18_exits: np.ndarray
    trend_damping_per_month: float = 0.97
    counts: EventCounts | None = None

    @property
    def move_rate_per_day(self) -> np.ndarray:
        return np.divide(
            self.move_events,
            self.move_days,
            out=np.zeros_like(self.move_events),
            where=self.move_days > 0,
        )

    @property
    def exit_rate_per_day(self) -> np.ndarray:
        return np.divide(
            self.exit_events,
            self.exit_days,
            out=np.zeros_like(self.exit_events),
            where=self.exit_days > 0,
        )

    @property
    def staying_put_share(self) -> np.ndarray:
        """Posterior mean share staying put, per type (Beta(1, 1) prior)."""
        return (self.staying_put_events + 1) / (self.age18_exits + 2)

    def scaled(self, factor: float) -> FittedRates:
        """The same rates with entries multiplied by ``factor`` (e.g. to model a larger area)."""
        from dataclasses import replace

        return replace(self, entry_log_level=self.entry_log_level + np.log(factor))


def shrink(events: np.ndarray, days: np.ndarray, prior_days: float, axes: tuple[int, ...]) -> tuple:
    """Gamma posterior (shape, rate) of each cell, shrunk towards its pool over ``axes``.

    A cell with ``e`` events in ``d`` child-days gets shape ``e + k * r_pool`` and rate
    ``d + k``, ``k = prior_days``: its mean moves from ``e/d`` towards the pooled rate
    ``r_pool = sum(e)/sum(d)`` the fewer child-days it has. With no exposure at all the
    cell takes the pooled rate.
    """
    pooled_events = events.sum(axis=axes, keepdims=True)
    pooled_days = days.sum(axis=axes, keepdims=True)
    pooled_rate = np.divide(
        pooled_events,
        pooled_days,
        out=np.zeros_like(pooled_events, dtype=float),
        where=pooled_days > 0,
    )
    return events + prior_days * pooled_rate, days + prior_days


def _hierarchical(
    events: np.ndarray, days: np.ndarray, prior_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """Two-level pooling: (uasc, band) cell -> band over both streams -> all bands."""
    days = days[..., None] * np.ones(events.shape[-1])
    top_shape, top_rate = shrink(events.sum(axis=0), days.sum(axis=0), prior_days, axes=(0,))
    band_rate = top_shape / top_rate
    shape = events + prior_days * band_rate[None]
    return shape, days + prior_days


def _allowed_types(counts: EventCounts) -> np.ndarray:
    """(band, type) cells a child can move into: seen in this band in the window, and the law.

    Supported accommodation is for 16 and 17 year olds only (2023 regulations).
    """
    seen = (counts.exposure_days.sum(axis=0) > 0) | (counts.entries.sum(axis=0) > 0)
    seen[~seen.any(axis=1)] = True  # a band never seen may go anywhere (it has no entries anyway)
    seen[:, _SUPPORTED] = False
    seen[_SIXTEEN, _SUPPORTED] = True
    return seen


def _poisson_trend(y: np.ndarray, t_years: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Log-linear Poisson fit (IRLS) of monthly counts: (coef, covariance, 1/k dispersion)."""
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
    cov = np.linalg.inv(x.T @ (x * mu[:, None]) + 1e-9 * np.eye(2))
    dispersion = max(0.0, float(((y - mu) ** 2 - mu).sum() / max((mu**2).sum(), 1e-9)))
    return beta, cov, dispersion


def _entry_model(counts: EventCounts, trend_prior_sd: float) -> tuple:
    """Per (uasc, band) log level and trend, each band's trend shrunk to its stream's."""
    months = counts.entries_by_month
    n = months.shape[0]
    t_years = (np.arange(n) - (n - 1)) / 12.0  # 0 at the as-of month
    level = np.full((2, N_BANDS), -np.inf)
    trend = np.zeros((2, N_BANDS))
    cov = np.zeros((2, N_BANDS, 2, 2))
    dispersion = np.zeros((2, N_BANDS))
    for uasc in (0, 1):
        stream = months[:, uasc, :].sum(axis=1)
        if stream.sum() == 0:
            continue
        stream_beta, stream_cov, _ = _poisson_trend(stream, t_years)
        for band in range(N_BANDS):
            y = months[:, uasc, band]
            if y.sum() == 0:
                continue
            beta, c, dispersion[uasc, band] = _poisson_trend(y, t_years)
            # Precision-weighted shrinkage of the band's trend towards the stream's.
            prior_var = trend_prior_sd**2 + stream_cov[1, 1]
            weight = prior_var / (prior_var + c[1, 1])
            trend[uasc, band] = weight * beta[1] + (1 - weight) * stream_beta[1]
            half_years = (n - 1) / 24.0  # from the window's middle to the as-of month
            level[uasc, band] = np.log(y.mean()) + trend[uasc, band] * half_years
            inflation = 1.0 + dispersion[uasc, band] * y.mean()
            var_trend = weight * c[1, 1] * inflation
            var_middle = inflation / y.sum()
            cov[uasc, band] = [
                [var_middle + var_trend * half_years**2, var_trend * half_years],
                [var_trend * half_years, var_trend],
            ]
    return level, trend, cov, dispersion


def _entry_mix(counts: EventCounts, allowed: np.ndarray, prior_children: float) -> np.ndarray:
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


def _entry_ages(counts: EventCounts) -> np.ndarray:
    """Age-in-months weights at entry, smoothed with half a child per month of age."""
    weights = counts.entry_age_months + 0.5
    weights[1] = counts.entry_age_months[1] + 0.5 * (counts.entry_age_months[1].sum() > 0)
    weights[1] = np.where(weights[1].sum() > 0, weights[1], weights[0])
    return weights


def estimate_rates(
    history: History,
    as_of: dt.date,
    *,
    window_months: int = 36,
    prior_child_days: float = 365.0,
    trend_prior_sd_per_year: float = 0.1,
    trend_damping_per_month: float = 0.97,
) -> FittedRates:
    """Fit the model to the history up to ``as_of``.

    Parameters
    ----------
    history : History
        Cleaned SSDA903 history (later events are ignored).
    as_of : datetime.date
        Last day of data to use.
    window_months : int
        Months of history the rates and the entry trend are estimated from [months].
    prior_child_days : float
        Strength of pooling [child-days]: a cell with this much exposure is pulled halfway
        to the pooled rate.
    trend_prior_sd_per_year : float
        How far a band's entry trend may differ from its stream's [log change per year].
    trend_damping_per_month : float
        Damping of the entry trend per month ahead (1 = straight-line log trend).

    Returns
    -------
    FittedRates

    Rules
    -----
    Moves and exits happen at constant daily rates within each (UASC, band, type) cell.
    Children move only into types seen in their band (supported accommodation: 16-17
    only). Leaving at 18 is not a rate: it happens on the 18th birthday.
    """
    if as_of < history.data_start or as_of > history.extract_date:
        raise ValueError(
            f"as_of: {as_of} is outside the history ({history.data_start} to "
            f"{history.extract_date})"
        )
    counts = count_events(spell_table(history.truncated(as_of)), as_of, window_months)
    allowed = _allowed_types(counts)
    move_events, move_days = _hierarchical(counts.moves, counts.exposure_days, prior_child_days)
    move_events = move_events * allowed[None, :, None, :]
    move_events[:, :, np.arange(N_TYPES), np.arange(N_TYPES)] = 0.0
    exit_events, exit_days = _hierarchical(counts.exits, counts.exposure_days, prior_child_days)
    level, trend, cov, dispersion = _entry_model(counts, trend_prior_sd_per_year)
    return FittedRates(
        as_of=as_of,
        move_events=move_events,
        move_days=move_days,
        exit_events=exit_events,
        exit_days=exit_days,
        entry_log_level=level,
        entry_trend_per_year=trend,
        entry_cov=cov,
        entry_dispersion=dispersion,
        entry_mix=_entry_mix(counts, allowed, prior_children=2.0),
        entry_age_weights=_entry_ages(counts),
        staying_put_events=counts.staying_put.astype(float),
        age18_exits=counts.age18_exits.astype(float),
        trend_damping_per_month=trend_damping_per_month,
        counts=counts,
    )


def band_age_weights(rates: FittedRates) -> list[np.ndarray]:
    """Per band, the (2, months-in-band) probabilities of each age in months at entry."""
    out = []
    for band in range(N_BANDS):
        lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
        w = rates.entry_age_weights[:, lo:hi]
        out.append(w / w.sum(axis=1, keepdims=True))
    return out


__all__ = ["FittedRates", "estimate_rates", "shrink", "band_age_weights", "MAX_AGE_MONTHS"]
