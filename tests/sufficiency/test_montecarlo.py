"""Monte Carlo: reproducible from a seed, mean close to the projection, adjustments neutral."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sufficiency.domain import AgeBand, DemandAdjustments, PlacementType
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES
from sufficiency.forecast import run_forecast, start_population
from sufficiency.history import PLACEMENT_TYPES
from sufficiency.markov import project
from sufficiency.montecarlo import simulate
from sufficiency.ssda903 import read_ssda903
from tests.sufficiency.forecast_helpers import fitted
from tests.sufficiency.test_ssda903 import DATA

AS_OF = dt.date(2019, 3, 31)


@pytest.fixture(scope="module")
def sample():
    return read_ssda903(DATA / "synthetic_sample")


def _model():
    move = np.zeros((2, N_BANDS, N_TYPES, N_TYPES))
    move[..., 0, 1] = 0.004
    exit_ = np.zeros((2, N_BANDS, N_TYPES, N_ROUTES))
    exit_[..., 0] = 0.003
    entries = np.zeros((2, N_BANDS))
    entries[0] = [1.0, 1.5, 1.0, 2.0, 1.0]
    return fitted(dt.date(2026, 11, 23), move, exit_, entries)


def _start():
    pop = np.zeros((2, 216, N_TYPES), dtype=np.int64)
    pop[0, 24:200:4, 0] = 2  # 88 children in in-house fostering
    return pop


def test_same_seed_same_output_and_seed_recorded():
    a = simulate(_model(), _start(), 12, 200, np.random.default_rng(5), seed=5)
    b = simulate(_model(), _start(), 12, 200, np.random.default_rng(5), seed=5)
    c = simulate(_model(), _start(), 12, 200, np.random.default_rng(6), seed=6)
    assert np.array_equal(a.samples, b.samples) and np.array_equal(a.exits, b.exits)
    assert not np.array_equal(a.samples, c.samples)
    assert a.seed == 5


def test_neutral_adjustments_reproduce_the_baseline():
    base = simulate(_model(), _start(), 12, 100, np.random.default_rng(9))
    neutral = simulate(_model(), _start(), 12, 100, np.random.default_rng(9), DemandAdjustments())
    assert np.array_equal(base.samples, neutral.samples)


def test_monte_carlo_mean_close_to_projection():
    model, start = _model(), _start()
    dist = simulate(model, start, 24, 2000, np.random.default_rng(1), rate_uncertainty=False)
    expected = project(model, start, 24).total()
    mean = dist.total().mean(axis=0)
    standard_error = dist.total().std(axis=0) / np.sqrt(dist.runs)
    # Within 4 standard errors plus half a child (month discretisation) at every month.
    assert np.all(np.abs(mean - expected) < 4 * standard_error + 0.5)


def test_population_conserved_in_every_run_without_exits_or_entries():
    move = np.zeros((2, N_BANDS, N_TYPES, N_TYPES))
    move[..., 0, 1] = move[..., 1, 0] = 0.01
    dist = simulate(fitted(dt.date(2026, 11, 23), move), _start(), 12, 50, np.random.default_rng(2))
    assert np.all(dist.total() == 88)
    assert dist.exits.sum() == 0


def test_entry_multiplier_raises_entries():
    adjustments = DemandAdjustments(entry_multiplier_by_age_band={AgeBand.AGE_10_TO_15: 3.0})
    base = simulate(_model(), _start(), 12, 300, np.random.default_rng(4))
    more = simulate(_model(), _start(), 12, 300, np.random.default_rng(4), adjustments)
    assert more.entries.sum() > base.entries.sum() * 1.3


def test_step_downs_move_children():
    adjustments = DemandAdjustments(
        step_downs=((PlacementType.IN_HOUSE_FOSTERING, PlacementType.KINSHIP_FOSTERING, 24.0),)
    )
    dist = simulate(_model(), _start(), 6, 100, np.random.default_rng(3), adjustments)
    kinship = dist.by_placement_type()[PlacementType.KINSHIP_FOSTERING]
    assert 8 < kinship[:, -1].mean() < 16  # about 2 a month for 6 months


def test_forecast_on_sample_history_has_intervals(sample):
    result = run_forecast(sample, AS_OF, horizon_months=12, runs=200, seed=11)
    total = result.distribution.total()
    assert total.shape == (200, 12)
    assert start_population(sample, AS_OF).sum() == result.start_counts.sum() == 286
    p10, p90 = np.quantile(total[:, -1], [0.1, 0.9])
    assert p10 < p90
    assert result.distribution.uasc_only().total().max() <= total.max()
    assert PLACEMENT_TYPES  # every state labelled
