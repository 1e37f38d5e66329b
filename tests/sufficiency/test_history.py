"""History: stock on a day, spell outcomes, and truncation to what was known then."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sufficiency.domain import AgeBand, PlacementType, State
from sufficiency.history import EXIT, MOVE, STATES, spell_table, stock_series
from tests.sufficiency.forecast_helpers import small_history


def test_stock_counts_children_by_state():
    history = small_history()
    (stock,) = stock_series(spell_table(history), [dt.date(2023, 3, 1)])
    index = {state: i for i, state in enumerate(STATES)}
    assert stock.sum() == 3  # C2 leaves on 2 March, so is still counted on 1 March
    assert stock[index[State(AgeBand.AGE_10_TO_15, PlacementType.IN_HOUSE_FOSTERING)]] == 2
    assert stock[index[State(AgeBand.AGE_10_TO_15, PlacementType.CHILDRENS_HOME, True)]] == 1
    (later,) = stock_series(spell_table(history), [dt.date(2023, 3, 2)])
    assert later.sum() == 2  # the day an episode ceases is not a day in care


def test_spell_outcomes():
    spells = spell_table(small_history())
    assert spells.outcome.tolist() == [MOVE, 0, EXIT, MOVE, 0]
    assert spells.route[2] == 0  # E4A: reunification
    assert spells.entry.tolist() == [True, False, True, True, False]


def test_truncated_history_forgets_later_events():
    known = small_history().truncated(dt.date(2023, 3, 1))
    assert known.extract_date == dt.date(2023, 3, 1)
    c2 = next(c for c in known.children if c.child_id == "C2")
    assert c2.episodes[0].ceased is None and c2.episodes[0].reason_ceased == ""
    assert all(e.started <= dt.date(2023, 3, 1) for c in known.children for e in c.episodes)
    assert np.array_equal(
        stock_series(spell_table(known), [dt.date(2023, 3, 1)]),
        stock_series(spell_table(small_history()), [dt.date(2023, 3, 1)]),
    )
