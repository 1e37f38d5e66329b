"""Forecast of children with each need (disability, sibling group, parent and child).

Each Monte Carlo run draws its own need shares per state (Beta posteriors, from
``sufficiency.needs``), then every month's children in each state are thinned binomially:
the children with the need are a Binomial(children in the state, the run's share) draw.
Summed into groups (all children, each age band, each placement type, UASC) they get the
same P10/P50/P90 as the forecast. No file access.
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

    Returns
    -------
    NeedForecast

    Rules
    -----
    In each run, month and state, the children with a need are Binomial(children, share)
    with the run's share for that state; needs are drawn independently of each other.
    """
    if distribution.states != STATES:
        raise ValueError("distribution: needs are forecast from all states in STATES order")
    runs, months, width = distribution.samples.shape
    drawn = shares.draw(runs, rng, uncertain)  # (runs, needs, states)
    flat = distribution.samples.reshape(-1)
    present = np.flatnonzero(flat)
    run_of, state_of = present // (months * width), present % width
    counts = flat[present]
    matrix = _group_matrix()
    out = np.empty((runs, months, len(shares.needs), len(GROUPS)), dtype=np.int32)
    thinned = np.zeros(flat.size, dtype=np.float32)
    for k in range(len(shares.needs)):
        thinned[present] = rng.binomial(counts, drawn[run_of, k, state_of])
        grouped = thinned.reshape(runs * months, width) @ matrix
        out[:, :, k, :] = np.rint(grouped).reshape(runs, months, -1)
    return NeedForecast(shares.needs, GROUPS, distribution.month_ends, out, shares)
