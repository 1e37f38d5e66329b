"""Deterministic projection: conservation, ageing on birthdays, exit at 18, hand-checked months."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.testing import assert_allclose

from sufficiency.domain import AgeBand, PlacementType, State
from sufficiency.dynamics import month_ends, outcome_probabilities
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES, add_months
from sufficiency.history import PLACEMENT_TYPES, STATES
from sufficiency.markov import project
from tests.sufficiency.forecast_helpers import fitted

AS_OF = dt.date(2026, 11, 23)
IN_HOUSE = PLACEMENT_TYPES.index(PlacementType.IN_HOUSE_FOSTERING)
AGENCY = PLACEMENT_TYPES.index(PlacementType.AGENCY_FOSTERING)


def _pop(*children):
    """children: (uasc, age in months, type index) -> (2, 216, types) counts."""
    pop = np.zeros((2, 216, N_TYPES))
    for uasc, age, kind in children:
        pop[uasc, age, kind] += 1
    return pop


def test_outcome_rows_sum_to_one_and_match_the_exponential():
    move = np.zeros((N_TYPES, N_TYPES))
    exit_ = np.zeros((N_TYPES, N_ROUTES))
    exit_[IN_HOUSE, 0] = 0.01  # 1% a day
    move[AGENCY, IN_HOUSE] = 0.02
    p = outcome_probabilities(move, exit_, 30)
    assert_allclose(p.sum(axis=-1), 1.0)
    assert_allclose(p[IN_HOUSE, IN_HOUSE], np.exp(-0.3))  # stays 30 days with probability e^-0.3
    assert_allclose(p[IN_HOUSE, N_TYPES + 0], 1 - np.exp(-0.3))
    assert_allclose(p[AGENCY, AGENCY], np.exp(-0.6))


def test_moves_conserve_the_population():
    move = np.zeros((2, N_BANDS, N_TYPES, N_TYPES))
    move[:, :, IN_HOUSE, AGENCY] = 0.01
    move[:, :, AGENCY, IN_HOUSE] = 0.005
    pop = _pop(*[(0, 30 + k, IN_HOUSE) for k in range(50)], *[(1, 150, AGENCY)] * 10)
    projection = project(fitted(AS_OF, move_rate=move), pop, 24)
    assert_allclose(projection.total(), 60.0)
    assert_allclose(projection.exits, 0.0)


def test_ageing_on_birthdays_and_exit_at_18():
    # A 4-year-old aged 59 months moves to band 5-9 after one month; a 214-month-old leaves
    # on the 18th birthday, during month 2.
    pop = _pop((0, 59, IN_HOUSE), (0, 214, IN_HOUSE))
    projection = project(fitted(AS_OF), pop, 3)
    by_state = {state: projection.expected[:, i] for i, state in enumerate(STATES)}
    assert by_state[State(AgeBand.AGE_5_TO_9, PlacementType.IN_HOUSE_FOSTERING)].tolist() == [
        1,
        1,
        1,
    ]
    assert by_state[State(AgeBand.AGE_1_TO_4, PlacementType.IN_HOUSE_FOSTERING)].tolist() == [
        0,
        0,
        0,
    ]
    assert by_state[State(AgeBand.AGE_16_TO_17, PlacementType.IN_HOUSE_FOSTERING)].tolist() == [
        1,
        0,
        0,
    ]
    assert projection.exits[:, -1].tolist() == [0, 1, 0]  # the "age 18" route


def test_entries_add_up_and_exits_take_away():
    entries = np.zeros((2, N_BANDS))
    entries[0, 2] = 3.0  # 3 children aged 5-9 a month
    exit_ = np.zeros((2, N_BANDS, N_TYPES, N_ROUTES))
    exit_[..., 3] = 0.002
    projection = project(fitted(AS_OF, exit_rate=exit_, entries_per_month=entries), _pop(), 12)
    assert_allclose(projection.entries.sum(axis=1), 3.0)
    stock = projection.total()
    # stock(m) = stock(m-1) - leavers + entrants: every month's flows balance.
    flows = projection.entries.sum(axis=1) - projection.exits.sum(axis=1)
    assert_allclose(np.diff(np.concatenate([[0.0], stock])), flows)


def test_month_ends_follow_the_as_of_day():
    assert month_ends(dt.date(2026, 1, 31), 3) == (
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
    )
    assert add_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)
