"""Deterministic projection: the expected number of children in each state, month by month.

The same month-step as the Monte Carlo simulation (``sufficiency.montecarlo``) with
expected values in place of random draws and posterior-mean rates, so the simulation's
mean can be checked against it. No randomness and no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import DemandAdjustments, PlacementType, State
from sufficiency.dynamics import (
    BAND_OF_AGE,
    adjust_mix,
    adjust_rates,
    entry_log_mean,
    entry_multiplier,
    extra_entries_per_month,
    fine_to_states,
    month_ends,
    outcome_probabilities,
    step_days,
)
from sufficiency.events import N_BANDS, N_TYPES
from sufficiency.history import BAND_START_MONTHS, MAX_AGE_MONTHS, PLACEMENT_TYPES, STATES
from sufficiency.rates import FittedRates, band_age_weights

#: Placement types from which a young person can "stay put" with their carers after 18.
FOSTERING = np.array([PLACEMENT_TYPES[t].is_fostering for t in range(N_TYPES)])
ROUTE_COUNT = 5  # four routes with rates, plus the 18th birthday


@dataclass(frozen=True, slots=True)
class Projection:
    """Expected children per state at each month end.

    ``expected`` [children] and ``entries`` [children/month] are shaped (months, states);
    ``exits`` [children/month] is (months, routes + age 18); ``staying_put``
    [young people/month] is (months,).
    """

    states: tuple[State, ...]
    month_ends: tuple[dt.date, ...]
    expected: np.ndarray
    entries: np.ndarray
    exits: np.ndarray
    staying_put: np.ndarray

    def total(self) -> np.ndarray:
        return self.expected.sum(axis=1)


def fine_population(ages: np.ndarray, placements: np.ndarray, uasc: np.ndarray) -> np.ndarray:
    """Counts per (uasc, age in months, type) from per-child arrays."""
    pop = np.zeros((2, MAX_AGE_MONTHS, N_TYPES))
    np.add.at(pop, (uasc.astype(int), ages, placements), 1)
    return pop


def spread_entrants(entrants: np.ndarray, weights: list[np.ndarray]) -> np.ndarray:
    """Expected entrants (uasc, band, type) spread over ages in months by the entry ages."""
    fine = np.zeros((2, MAX_AGE_MONTHS, N_TYPES))
    for band in range(N_BANDS):
        lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
        fine[:, lo:hi, :] = weights[band][:, :, None] * entrants[:, band, None, :]
    return fine


def _phase_rates(rates: FittedRates, adjustments: DemandAdjustments | None):
    move, exit_ = rates.rates_by_group()
    if adjustments is None:
        return move, exit_
    return adjust_rates(move, exit_, adjustments)


def project(
    rates: FittedRates,
    start_population: np.ndarray,
    horizon_months: int,
    adjustments: DemandAdjustments | None = None,
) -> Projection:
    """Expected looked-after children per state for each month after ``rates.as_of``.

    Parameters
    ----------
    rates : FittedRates
        The fitted model (posterior-mean rates are used).
    start_population : numpy.ndarray
        Children in care at ``rates.as_of`` by (uasc, age in months, type), shape (2, 216, types).
    horizon_months : int
        Months to project [months].
    adjustments : DemandAdjustments, optional
        Demand changes applied from ``adjustments.start_month_index`` (step-downs are
        applied as expected moves per month).

    Rules
    -----
    Each month: children move and leave at the fitted rates; everyone ages a month and
    those reaching 18 leave; new entrants arrive by age band with the damped trend and
    spend half the month exposed to moves and exits.
    """
    ends = month_ends(rates.as_of, horizon_months)
    days = step_days(rates.as_of, ends)
    # Group 0: children in care at the start; group 1: children who enter later.
    pop = np.zeros((2, 2, MAX_AGE_MONTHS, N_TYPES))
    pop[0] = np.asarray(start_population, dtype=float)
    weights = band_age_weights(rates)
    staying_share = rates.staying_put_share * FOSTERING
    out = {k: [] for k in ("expected", "entries", "exits", "staying_put")}
    tables: dict[tuple[bool, int], tuple[np.ndarray, np.ndarray]] = {}
    for month in range(horizon_months):
        active = adjustments if adjustments and month >= adjustments.start_month_index else None
        key = (active is not None, int(days[month]))
        if key not in tables:  # months of the same length share their probabilities
            move, exit_ = _phase_rates(rates, active)
            tables[key] = (
                outcome_probabilities(move, exit_, days[month])[:, :, BAND_OF_AGE],
                outcome_probabilities(move[1], exit_[1], days[month] / 2.0),
            )
        p_full, p_half = tables[key]
        flows = pop[..., None] * p_full
        pop = flows[..., :N_TYPES].sum(axis=3)
        exits = np.zeros(ROUTE_COUNT)
        exits[:-1] = flows[..., N_TYPES:].sum(axis=(0, 1, 2, 3))
        aged_out = pop[:, :, -1, :].sum(axis=(0, 1))
        exits[-1] = aged_out.sum()
        pop = np.concatenate([np.zeros((2, 2, 1, N_TYPES)), pop[:, :, :-1, :]], axis=2)
        entrants = _expected_entrants(rates, month, active)
        placed = np.einsum("ubt,ubtk->ubk", entrants, p_half)
        exits[:-1] += placed[..., N_TYPES:].sum(axis=(0, 1))
        pop[1] += spread_entrants(placed[..., :N_TYPES], weights)
        if active is not None:
            pop = _expected_step_downs(pop, active)
        out["expected"].append(fine_to_states(pop.sum(axis=0)))
        out["entries"].append(entrants.reshape(-1))
        out["exits"].append(exits)
        out["staying_put"].append(float((aged_out * staying_share).sum()))
    return Projection(
        STATES, ends, *(np.array(out[k]) for k in ("expected", "entries", "exits", "staying_put"))
    )


def _expected_entrants(
    rates: FittedRates, month: int, adjustments: DemandAdjustments | None
) -> np.ndarray:
    """Expected entries per (uasc, band, type) in a month, including rate uncertainty."""
    mean, variance = entry_log_mean(rates, month)
    expected = np.where(np.isfinite(mean), np.exp(mean + variance / 2.0), 0.0)
    mix = rates.entry_mix / rates.entry_mix.sum(axis=-1, keepdims=True)
    if adjustments is not None:
        expected = expected * entry_multiplier(adjustments) + extra_entries_per_month(adjustments)
        mix = adjust_mix(mix, adjustments)
    return expected[..., None] * mix


def _expected_step_downs(pop: np.ndarray, adjustments: DemandAdjustments) -> np.ndarray:
    """Planned moves: ``children_per_year / 12`` a month, taken evenly from the source type."""
    for source, target, per_year in adjustments.step_downs:
        i, j = PLACEMENT_TYPES.index(source), PLACEMENT_TYPES.index(target)
        available = pop[..., i].sum()
        if available <= 0:
            continue
        moved = pop[..., i] * min(1.0, per_year / 12.0 / available)
        pop[..., i] -= moved
        pop[..., j] += moved
    return pop


__all__ = ["Projection", "project", "fine_population", "FOSTERING", "PlacementType"]
