"""The forecast result: Monte Carlo samples of children per state at each month end.

A pure container with summaries (quantiles, totals, groupings). It runs no simulation and
reads no files; ``sufficiency.montecarlo.simulate`` builds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import AGE_18_ROUTE, EXIT_ROUTES, AgeBand, PlacementType, State

#: Labels of the last axis of ``ForecastDistribution.exits``.
EXIT_LABELS: tuple[str, ...] = (*EXIT_ROUTES, AGE_18_ROUTE)


@dataclass(frozen=True, slots=True)
class ForecastDistribution:
    """Simulated looked-after children, one sample path per run.

    Attributes
    ----------
    states : tuple[State, ...]
        Label of each position on the last axis of ``samples`` and ``entries``.
    month_ends : tuple[datetime.date, ...]
        The last day of each forecast month; counts are children looked after at the end
        of that day.
    samples : numpy.ndarray
        Children looked after [children], shape (runs, months, states).
    entries : numpy.ndarray
        Children starting to be looked after during each month [children], shape
        (runs, months, states): the state they entered.
    exits : numpy.ndarray
        Children ceasing to be looked after during each month [children], shape
        (runs, months, len(EXIT_LABELS)), by route; ``"age 18"`` is the 18th birthday.
    staying_put : numpy.ndarray
        Of the exits at 18, those leaving foster care who stay with their carers
        ("staying put") [young people], shape (runs, months).
    seed : int | None
        Seed of the random generator that produced the runs (``None`` if not recorded).
    """

    states: tuple[State, ...]
    month_ends: tuple[dt.date, ...]
    samples: np.ndarray
    entries: np.ndarray
    exits: np.ndarray
    staying_put: np.ndarray
    seed: int | None = None

    def __post_init__(self) -> None:
        runs, months, width = self.samples.shape
        if width != len(self.states):
            raise ValueError(f"samples: last axis {width} != {len(self.states)} states")
        if months != len(self.month_ends):
            raise ValueError(f"samples: {months} months != {len(self.month_ends)} month_ends")
        if self.entries.shape != self.samples.shape:
            raise ValueError(f"entries: shape {self.entries.shape} != samples {self.samples.shape}")
        expected = (runs, months, len(EXIT_LABELS))
        if self.exits.shape != expected:
            raise ValueError(f"exits: shape {self.exits.shape} != {expected}")
        if self.staying_put.shape != (runs, months):
            raise ValueError(f"staying_put: shape {self.staying_put.shape} != {(runs, months)}")

    @property
    def runs(self) -> int:
        return int(self.samples.shape[0])

    def quantiles(self, q: Sequence[float] | float) -> np.ndarray:
        """Quantiles across runs [children]: shape (len(q), months, states), or (months, states)."""
        return np.quantile(self.samples, q, axis=0)

    def p10(self) -> np.ndarray:
        return self.quantiles(0.1)

    def p50(self) -> np.ndarray:
        return self.quantiles(0.5)

    def p90(self) -> np.ndarray:
        return self.quantiles(0.9)

    def mean(self) -> np.ndarray:
        """Mean across runs [children], shape (months, states)."""
        return self.samples.mean(axis=0)

    def total(self) -> np.ndarray:
        """All children per run and month [children], shape (runs, months)."""
        return self.samples.sum(axis=2)

    def by_age_band(self) -> dict[AgeBand, np.ndarray]:
        """Children per age band, each shaped (runs, months)."""
        return self.group_by(lambda state: state.age_band)

    def by_placement_type(self) -> dict[PlacementType, np.ndarray]:
        """Children per placement type, each shaped (runs, months)."""
        return self.group_by(lambda state: state.placement_type)

    def group_by(self, key: Callable[[State], Hashable]) -> dict:
        """Sum the states sharing ``key(state)``; each value is shaped (runs, months)."""
        groups: dict[Hashable, list[int]] = {}
        for index, state in enumerate(self.states):
            groups.setdefault(key(state), []).append(index)
        return {name: self.samples[:, :, idx].sum(axis=2) for name, idx in groups.items()}

    def select(self, keep: Callable[[State], bool]) -> ForecastDistribution:
        """The same runs restricted to the states where ``keep(state)`` is true.

        Exits and staying-put counts are not split by state, so they are kept whole.
        """
        idx = [i for i, state in enumerate(self.states) if keep(state)]
        return ForecastDistribution(
            states=tuple(self.states[i] for i in idx),
            month_ends=self.month_ends,
            samples=self.samples[:, :, idx],
            entries=self.entries[:, :, idx],
            exits=self.exits,
            staying_put=self.staying_put,
            seed=self.seed,
        )

    def uasc_only(self) -> ForecastDistribution:
        """Unaccompanied asylum-seeking children only."""
        return self.select(lambda state: state.uasc)

    def without_uasc(self) -> ForecastDistribution:
        """All children except unaccompanied asylum-seeking children."""
        return self.select(lambda state: not state.uasc)
