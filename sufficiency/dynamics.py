"""Month-step mechanics shared by the projection and the simulation.

Turns daily rates into the probability of each outcome over a month (matrix exponential
of the rate matrix, so several moves in one month are allowed), applies demand
adjustments to rates, and gives the expected entries per month. No randomness here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sufficiency.domain import EXIT_ROUTES, DemandAdjustments
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES, add_months
from sufficiency.history import AGE_BANDS, BAND_START_MONTHS, MAX_AGE_MONTHS, PLACEMENT_TYPES
from sufficiency.rates import FittedRates

#: Age band of each age in months 0-215.
BAND_OF_AGE = np.repeat(np.arange(N_BANDS), np.diff(BAND_START_MONTHS))


def month_ends(as_of: dt.date, horizon_months: int) -> tuple[dt.date, ...]:
    """The end of each forecast month: ``as_of`` plus 1, 2, ... whole months."""
    if not 1 <= horizon_months <= 120:
        raise ValueError(f"horizon_months: {horizon_months} must be 1-120")
    return tuple(add_months(as_of, k) for k in range(1, horizon_months + 1))


def step_days(as_of: dt.date, ends: tuple[dt.date, ...]) -> np.ndarray:
    """Length of each forecast month [days]."""
    return np.diff([as_of.toordinal(), *(d.toordinal() for d in ends)])


def expm(a: np.ndarray) -> np.ndarray:
    """Matrix exponential of a stack of square matrices (scaling and squaring, Taylor 12)."""
    norm = np.abs(a).sum(axis=-1).max()
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0.5 else 0
    scaled = a / (2.0**squarings)
    result = np.broadcast_to(np.eye(a.shape[-1]), a.shape).copy()
    term = result.copy()
    for k in range(1, 13):
        term = term @ scaled / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result


def outcome_probabilities(move_rate: np.ndarray, exit_rate: np.ndarray, days: float) -> np.ndarray:
    """Probability of being in each type, or gone by each route, ``days`` later.

    Parameters
    ----------
    move_rate : numpy.ndarray
        Daily move rates [1/day], shape (..., types, types), diagonal ignored.
    exit_rate : numpy.ndarray
        Daily exit rates by route [1/day], shape (..., types, routes).
    days : float
        Length of the step [days].

    Returns
    -------
    numpy.ndarray
        Shape (..., types, types + routes); each row sums to 1.
    """
    return transient_rows(expm(generator(move_rate, exit_rate) * days), move_rate.shape[-1])


def generator(move_rate: np.ndarray, exit_rate: np.ndarray) -> np.ndarray:
    """Rate matrix [1/day] over types then routes (routes absorbing), shape (..., size, size)."""
    n_types, n_routes = move_rate.shape[-1], exit_rate.shape[-1]
    size = n_types + n_routes
    q = np.zeros((*move_rate.shape[:-2], size, size))
    q[..., :n_types, :n_types] = move_rate
    q[..., np.arange(n_types), np.arange(n_types)] = 0.0
    q[..., :n_types, n_types:] = exit_rate
    q[..., np.arange(n_types), np.arange(n_types)] = -q[..., :n_types, :].sum(axis=-1)
    return q


def transient_rows(transition: np.ndarray, n_types: int) -> np.ndarray:
    """The rows of a transition matrix starting in a type, cleaned to sum to 1."""
    p = np.clip(transition[..., :n_types, :], 0.0, None)
    return p / p.sum(axis=-1, keepdims=True)


def adjust_rates(move_rate: np.ndarray, exit_rate: np.ndarray, adjustments: DemandAdjustments):
    """Rates with the adjustments' move and exit multipliers applied (last axes: types, ...)."""
    move_rate = move_rate.copy()
    exit_rate = exit_rate.copy()
    for (source, target), factor in adjustments.transition_multiplier.items():
        move_rate[..., PLACEMENT_TYPES.index(source), PLACEMENT_TYPES.index(target)] *= factor
    for route, factor in adjustments.exit_multiplier_by_route.items():
        exit_rate[..., EXIT_ROUTES.index(route)] *= factor
    return move_rate, exit_rate


def adjust_mix(mix: np.ndarray, adjustments: DemandAdjustments) -> np.ndarray:
    """Entry placement shares (..., types) after each ``entry_mix_shift`` (from, to, share)."""
    mix = mix / mix.sum(axis=-1, keepdims=True)
    for source, target, share in adjustments.entry_mix_shift:
        i, j = PLACEMENT_TYPES.index(source), PLACEMENT_TYPES.index(target)
        moved = mix[..., i] * share
        mix = mix.copy()
        mix[..., i] -= moved
        mix[..., j] += moved
    return mix


def entry_multiplier(adjustments: DemandAdjustments) -> np.ndarray:
    """Multiplier of expected entries per (uasc, band)."""
    factor = np.ones((2, N_BANDS))
    for band, value in adjustments.entry_multiplier_by_age_band.items():
        factor[:, AGE_BANDS.index(band)] *= value
    factor[1] *= adjustments.uasc_entry_multiplier
    return factor


def extra_entries_per_month(adjustments: DemandAdjustments) -> np.ndarray:
    """Added entries per (uasc, band) per month [children/month] (non-UASC stream)."""
    extra = np.zeros((2, N_BANDS))
    for band, per_year in adjustments.extra_entries_per_year_by_age_band.items():
        extra[0, AGE_BANDS.index(band)] += per_year / 12.0
    return extra


def damped_years(rates: FittedRates, month_index: int) -> float:
    """Years of trend applied ``month_index + 1`` months ahead (damped per month)."""
    phi = rates.trend_damping_per_month
    steps = np.arange(1, month_index + 2)
    return float((phi**steps).sum() / 12.0)


def entry_log_mean(rates: FittedRates, month_index: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of log expected entries per (uasc, band) in a forecast month."""
    tau = damped_years(rates, month_index)
    mean = rates.entry_log_level + rates.entry_trend_per_year * tau
    vector = np.array([1.0, tau])
    variance = np.einsum("i,...ij,j->...", vector, rates.entry_cov, vector)
    return mean, variance


_BAND_MATRIX = (BAND_OF_AGE[None, :] == np.arange(N_BANDS)[:, None]).astype(np.float64)


def fine_to_states(fine: np.ndarray) -> np.ndarray:
    """Sum (..., uasc, age months, types) into (..., states) in ``STATES`` order."""
    by_band = np.matmul(_BAND_MATRIX, fine.astype(np.float64))
    if np.issubdtype(fine.dtype, np.integer):
        by_band = np.rint(by_band).astype(np.int64)
    return by_band.reshape(*fine.shape[:-3], 2 * N_BANDS * N_TYPES)


__all__ = ["BAND_OF_AGE", "MAX_AGE_MONTHS", "N_ROUTES", "month_ends", "outcome_probabilities"]
