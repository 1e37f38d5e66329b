"""Hand-made histories and fitted models for the forecast engine tests (synthetic only)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sufficiency.domain import ChildId, ChildRecord, Episode, PlacementType, Sex
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES
from sufficiency.history import History
from sufficiency.rates import FittedRates

P = PlacementType


def episode(child, started, ceased, placement, reason="", code="U4"):
    return Episode(ChildId(child), started, ceased, code, placement, "C2", reason_ceased=reason)


def child(child_id, born, *episodes, uasc=False):
    return ChildRecord(
        ChildId(child_id),
        Sex.FEMALE,
        born,
        unaccompanied_asylum_seeking=uasc,
        episodes=tuple(episodes),
    )


def small_history() -> History:
    """Three children aged 10-15 in 2023 (the rate test's sums use these)."""
    d = dt.date
    return History.from_children(
        [
            child(
                "C1",
                d(2010, 1, 1),
                episode("C1", d(2023, 1, 1), d(2023, 4, 11), P.IN_HOUSE_FOSTERING, "X1"),
                episode("C1", d(2023, 4, 11), None, P.AGENCY_FOSTERING),
            ),
            child(
                "C2",
                d(2011, 1, 1),
                episode("C2", d(2023, 1, 1), d(2023, 3, 2), P.IN_HOUSE_FOSTERING, "E4A"),
            ),
            child(
                "C3",
                d(2009, 1, 1),
                episode("C3", d(2023, 1, 1), d(2023, 2, 10), P.IN_HOUSE_FOSTERING, "X1"),
                episode("C3", d(2023, 2, 10), None, P.CHILDRENS_HOME),
                uasc=True,
            ),
        ],
        data_start=d(2020, 1, 1),
        extract_date=d(2023, 12, 31),
    )


def fitted(as_of: dt.date, move_rate=None, exit_rate=None, entries_per_month=None) -> FittedRates:
    """A model with given daily rates (same for every band and stream) and entries."""
    move = np.zeros((2, N_BANDS, N_TYPES, N_TYPES)) if move_rate is None else move_rate
    exit_ = np.zeros((2, N_BANDS, N_TYPES, N_ROUTES)) if exit_rate is None else exit_rate
    days = np.full((2, N_BANDS, N_TYPES), 1e6)
    level = np.full((2, N_BANDS), -np.inf)
    if entries_per_month is not None:
        level = np.log(np.maximum(entries_per_month, 1e-300))
        level[entries_per_month == 0] = -np.inf
    return FittedRates(
        as_of=as_of,
        move_events=move * days[..., None],
        move_days=days[..., None] * np.ones(N_TYPES),
        exit_events=exit_ * days[..., None],
        exit_days=days[..., None] * np.ones(N_ROUTES),
        entry_log_level=level,
        entry_trend_per_year=np.zeros((2, N_BANDS)),
        entry_cov=np.zeros((2, N_BANDS, 2, 2)),
        entry_dispersion=np.zeros((2, N_BANDS)),
        entry_mix=np.ones((2, N_BANDS, N_TYPES)),
        entry_age_weights=np.ones((2, 216)),
        staying_put_events=np.zeros(N_TYPES),
        age18_exits=np.zeros(N_TYPES),
        trend_damping_per_month=1.0,
    )
