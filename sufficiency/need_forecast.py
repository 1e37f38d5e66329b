"""Forecast of children with each need (disability, sibling group, parent and child).

Each Monte Carlo run draws its own need shares per state (Beta posteriors, from
``sufficiency.needs``), then thins every month's children in each state binomially. The
thinning is done with "places": in each run and state, place 1, 2, 3, ... is given the need
with the run's share, once; in a month with ``n`` children there, the children with the need
are those in places 1..n. Each month's count is exactly Binomial(n, share), and a run's
counts change smoothly from month to month (a place keeps its flag) instead of being
re-drawn every month. Summed into groups (all children, each age band, each placement type,
UASC) they get the same P10/P50/P90 as the forecast. No file access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.distribution import ForecastDistribution
from sufficiency.history import AGE_BANDS, PLACEMENT_TYPES, STATES
from sufficiency.needs import NeedShares

#: Labels of the groups need counts are summed into (last axis of ``NeedForecast.samples``).
GROUPS: tuple[str, ...] = (
    "all children",
    *(f"age {band.value}" for band in AGE_BANDS),
    *(placement.value for placement in PLACEMENT_TYPES),
    "UASC",
)


def _group_matrix() -> np.ndarray:
    """(states, groups) 0/1: which groups each state counts in."""
    matrix = np.zeros((len(STATES), len(GROUPS)), dtype=np.float32)
    for s, state in enumerate(STATES):
        matrix[s, 0] = 1
        matrix[s, GROUPS.index(f"age {state.age_band.value}")] = 1
        matrix[s, GROUPS.index(state.placement_type.value)] = 1
        matrix[s, -1] = state.uasc
    return matrix


@dataclass(frozen=True, slots=True)
class NeedForecast:
    """Simulated children with each need, one path per run.

    ``samples`` [children] is shaped (runs, months, needs, groups), labelled by ``needs``
    and ``GROUPS``; ``shares`` are the estimated shares the runs were drawn from.
    """

    needs: tuple[str, ...]
    groups: tuple[str, ...]
    month_ends: tuple[dt.date, ...]
    samples: np.ndarray
    shares: NeedShares

    def of(self, need: str, group: str = "all children") -> np.ndarray:
        """Children with ``need`` in ``group``, shaped (runs, months)."""
        return self.samples[:, :, self.needs.index(need), self.groups.index(group)]

    def quantiles(self, q) -> np.ndarray:
        """Quantiles across runs [children]: (len(q), months, needs, groups)."""
        return np.quantile(self.samples, q, axis=0)


def forecast_needs(
    distribution: ForecastDistribution,
    shares: NeedShares,
    rng: np.random.Generator,
    uncertain: bool = True,
    share_sets: int = 100,
) -> NeedForecast:
    """Children with each need per run, month and group.

    Parameters
    ----------
    distribution : ForecastDistribution
        The forecast (all states, in ``STATES`` order).
    shares : NeedShares
        Estimated need shares per state (``sufficiency.needs.estimate_need_shares``).
    rng : numpy.random.Generator
        Source of randomness for the share draws and the thinning.
    uncertain : bool
        Draw each run's shares from their posteriors (True) or use the means.
    share_sets : int
        Posterior draws of the shares, shared by the runs in turn (``NeedShares.draw``).

    Returns
    -------
    NeedForecast

    Rules
    -----
    In each run, month and state, the children with a need are Binomial(children, share)
    with the run's share for that state, through places that keep their flag from month to
    month (module docstring); needs are drawn independently of each other.
    """
    if distribution.states != STATES:
        raise ValueError("distribution: needs are forecast from all states in STATES order")
    runs, months, width = distribution.samples.shape
    drawn = shares.draw(runs, rng, uncertain, share_sets)  # (runs, needs, states)
    counts = distribution.samples.reshape(-1)
    present = np.flatnonzero(counts)
    places = distribution.samples.max(axis=1).reshape(-1)  # places needed per (run, state)
    first = np.concatenate([[0], np.cumsum(places)])  # first place of each (run, state)
    line = present // (months * width) * width + present % width  # its (run, state)
    begin, end = first[line], first[line] + counts[present]
    matrix = _group_matrix()
    with_need = np.zeros(counts.size, dtype=np.float32)
    out = np.empty((runs, months, len(shares.needs), len(GROUPS)), dtype=np.int32)
    for k in range(len(shares.needs)):
        chance = np.repeat(drawn[:, k, :].reshape(-1), places)
        flagged = np.zeros(chance.size + 1, dtype=np.int32)
        np.cumsum(rng.random(chance.size) < chance, out=flagged[1:])
        with_need[present] = flagged[end] - flagged[begin]
        grouped = with_need.reshape(runs * months, width) @ matrix
        out[:, :, k, :] = np.rint(grouped).reshape(runs, months, -1)
    return NeedForecast(shares.needs, GROUPS, distribution.month_ends, out, shares)
