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
from sufficiency.entries import NATIONAL_TREND_SD_PER_YEAR, entry_ages, entry_mix, entry_model
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
    group_move_events, group_move_days, group_exit_events, group_exit_days : numpy.ndarray
        The same Gamma posteriors split by a leading group axis (2, 2, bands, types, ...):
        group 0 is the children already in care at the window's start ("stock"), group 1
        those who entered during it ("entrants"); each shrunk towards the rates of both
        groups together. ``None`` (e.g. a hand-made model) means both groups share them.
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
    group_move_events: np.ndarray | None = None
    group_move_days: np.ndarray | None = None
    group_exit_events: np.ndarray | None = None
    group_exit_days: np.ndarray | None = None

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

    def by_group(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(move events, move days, exit events, exit days), each with the group axis first."""
        if self.group_move_events is None:
            return tuple(
                np.broadcast_to(a, (2, *a.shape))
                for a in (self.move_events, self.move_days, self.exit_events, self.exit_days)
            )
        return (
            self.group_move_events,
            self.group_move_days,
            self.group_exit_events,
            self.group_exit_days,
        )

    def rates_by_group(self) -> tuple[np.ndarray, np.ndarray]:
        """Posterior-mean move and exit rates [1/day] with the group axis first."""
        move_e, move_d, exit_e, exit_d = self.by_group()
        return _ratio(move_e, move_d), _ratio(exit_e, exit_d)

    def scaled(self, factor: float) -> FittedRates:
        """The same rates with entries multiplied by ``factor`` (e.g. to model a larger area)."""
        from dataclasses import replace

        return replace(self, entry_log_level=self.entry_log_level + np.log(factor))


def _ratio(events: np.ndarray, days: np.ndarray) -> np.ndarray:
    return np.divide(events, days, out=np.zeros(np.broadcast(events, days).shape), where=days > 0)


def _by_group(events: np.ndarray, days: np.ndarray, pooled_rate: np.ndarray, prior_days: float):
    """Gamma posterior per (group, ...) cell shrunk towards ``pooled_rate`` (both groups)."""
    days = days[..., None] * np.ones(events.shape[-1])
    return events + prior_days * pooled_rate[None], days + prior_days


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


def estimate_rates(
    history: History,
    as_of: dt.date,
    *,
    window_months: int = 36,
    prior_child_days: float = 365.0,
    trend_prior_sd_per_year: float = NATIONAL_TREND_SD_PER_YEAR,
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
        Prior s.d. of each stream's entry trend around no trend, and of each band's around
        its stream's [log change per year]; default England's (``NATIONAL_TREND_SD_PER_YEAR``).
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
    own_type = np.eye(N_TYPES, dtype=bool)
    group_move = _by_group(
        counts.moves_by_group * (allowed[:, None, :] & ~own_type)[None, None],
        counts.exposure_by_group,
        move_events / move_days,
        prior_child_days,
    )
    group_exit = _by_group(
        counts.exits_by_group, counts.exposure_by_group, exit_events / exit_days, prior_child_days
    )
    level, trend, cov, dispersion = entry_model(counts, trend_prior_sd_per_year)
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
        entry_mix=entry_mix(counts, allowed, prior_children=2.0),
        entry_age_weights=entry_ages(counts),
        staying_put_events=counts.staying_put.astype(float),
        age18_exits=counts.age18_exits.astype(float),
        trend_damping_per_month=trend_damping_per_month,
        counts=counts,
        group_move_events=group_move[0],
        group_move_days=group_move[1],
        group_exit_events=group_exit[0],
        group_exit_days=group_exit[1],
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
