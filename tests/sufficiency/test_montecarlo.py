"""Monte Carlo: reproducible from a seed, mean close to the projection, adjustments neutral."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sufficiency.domain import AgeBand, DemandAdjustments, PlacementType
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES
from sufficiency.forecast import run_forecast, start_population
from sufficiency.history import BAND_START_MONTHS, PLACEMENT_TYPES
from sufficiency.markov import project
from sufficiency.mc_draws import binomial_counts, category_counts, split_by_age, split_by_weights
from sufficiency.mc_events import draw_events, month_tables
from sufficiency.mc_population import Population, cumulative_entry_weights
from sufficiency.montecarlo import simulate
from sufficiency.rates import band_age_weights
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


# --- the draws behind the fast simulation ---------------------------------------------


def test_systematic_split_by_hand():
    counts = np.array([[2, 0, 3, 1]])
    # Six children, pick three, start 0: cumulative 2,2,5,6 -> floor(c*3/6) = 1,1,2,3.
    assert split_by_age(counts, np.array([3]), np.array([0.0])).tolist() == [[1, 0, 1, 1]]
    # Start 5 (uniform 0.99): floor((c*3+5)/6) = 1,1,3,3.
    assert split_by_age(counts, np.array([3]), np.array([0.99])).tolist() == [[1, 0, 2, 0]]


def test_systematic_split_picks_each_child_with_the_right_probability():
    counts = np.array([[2, 0, 3, 1, 4]])
    total, picks = 10, 4
    # Averaged over every start 0..9, each column gets picks * count / total exactly.
    starts = (np.arange(total) + 0.5) / total
    picked = np.vstack([split_by_age(counts, np.array([picks]), np.array([u]))[0] for u in starts])
    assert_allclose(picked.mean(axis=0), picks * counts[0] / total)
    assert np.all(picked <= counts) and np.all(picked.sum(axis=1) == picks)


def test_split_by_weights_is_a_draw_for_one_child_and_exact_on_average():
    cumulative = np.array([[0.2, 0.5, 1.0]])
    # One child, start 0.1: the point 0.9 falls in the third column (0.5 < 0.9 <= 1).
    assert split_by_weights(cumulative, np.array([1]), np.array([0.1])).tolist() == [[0, 0, 1]]
    starts = (np.arange(1000) + 0.5) / 1000
    shares = np.vstack(
        [split_by_weights(cumulative, np.array([3]), np.array([u]))[0] for u in starts]
    )
    assert_allclose(shares.mean(axis=0), [0.6, 0.9, 1.5])  # 3 x (0.2, 0.3, 0.5)


@pytest.mark.parametrize(("n", "p"), [(1, 0.06), (12, 0.06), (60, 0.05), (3, 0.45), (400, 0.2)])
def test_binomial_counts_follow_the_binomial_distribution(n, p):
    from scipy import stats

    draws = binomial_counts(np.full(40_000, n), np.full(40_000, p), np.random.default_rng(8))
    observed = np.bincount(draws, minlength=n + 1) / draws.size
    expected = stats.binom.pmf(np.arange(n + 1), n, p)
    # Each probability within 4 standard errors of the exact binomial one.
    assert np.all(np.abs(observed - expected) < 4 * np.sqrt(expected / draws.size) + 1e-4)


def test_category_counts_keep_every_child():
    rng = np.random.default_rng(3)
    n = np.array([0, 1, 5, 48, 49, 500])  # both the child-by-child and the multinomial path
    p = np.tile([0.5, 0.3, 0.2], (n.size, 1))
    counts = category_counts(n, p, rng)
    assert counts.sum(axis=1).tolist() == n.tolist()
    many = category_counts(np.full(20_000, 3), np.tile([0.5, 0.3, 0.2], (20_000, 1)), rng)
    assert_allclose(many.mean(axis=0), [1.5, 0.9, 0.6], atol=0.03)


# --- ages, groups and consistency -----------------------------------------------------


def _one_child(age_months: int, kind: int = 0) -> np.ndarray:
    pop = np.zeros((2, 216, N_TYPES), dtype=np.int64)
    pop[0, age_months, kind] = 1
    return pop


def test_a_child_leaves_at_18_in_the_month_of_the_birthday_in_every_run():
    dist = simulate(fitted(dt.date(2026, 11, 23)), _one_child(214), 3, 50, np.random.default_rng(1))
    assert dist.total()[:, 0].tolist() == [1] * 50  # 17 years 11 months
    assert dist.total()[:, 1].tolist() == [0] * 50  # 18th birthday in month 2
    assert dist.exits[:, 1, -1].tolist() == [1] * 50


def test_a_child_changes_band_on_the_birthday():
    dist = simulate(fitted(dt.date(2026, 11, 23)), _one_child(58), 2, 20, np.random.default_rng(1))
    bands = dist.by_age_band()
    assert bands[AgeBand.AGE_1_TO_4][:, 0].tolist() == [1] * 20  # 59 months
    assert bands[AgeBand.AGE_5_TO_9][:, 1].tolist() == [1] * 20  # 60 months: 5 years old


def test_fine_ages_and_state_counts_agree_after_every_month():
    model, start = _model(), _start() * 3
    pop = Population(start, 40, 12)
    move, exit_ = model.rates_by_group()  # (group, uasc, band, type, ...)
    tables, _ = month_tables(move[None], exit_[None], 30)
    rng = np.random.default_rng(4)
    weights = cumulative_entry_weights(band_age_weights(model))
    for _ in range(12):
        draw_events(pop, tables, 1, rng, 40)
        pop.age()
        pop.add_entrants(
            rng.poisson(2.0, size=(40, 2, N_BANDS, N_TYPES)),
            weights,
            rng.random((40, 2, N_BANDS, N_TYPES)),
        )
        by_age = pop.fine_by_age()
        assert by_age.min() >= 0
        for band in range(N_BANDS):
            lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
            assert np.array_equal(by_age[:, :, lo:hi].sum(axis=2), pop.coarse[:, :, band])


def test_mean_matches_projection_with_different_rates_for_stock_and_entrants():
    model = _model()
    exit_days = np.broadcast_to(model.exit_days, (2, *model.exit_days.shape)).copy()
    exit_events = np.stack([model.exit_events, 4 * model.exit_events])  # entrants leave 4x faster
    model = replace(
        model,
        group_move_events=np.stack([model.move_events] * 2),
        group_move_days=np.stack([model.move_days] * 2),
        group_exit_events=exit_events,
        group_exit_days=exit_days,
    )
    start = _start()
    dist = simulate(model, start, 24, 2000, np.random.default_rng(2), rate_uncertainty=False)
    expected = project(model, start, 24).total()
    standard_error = dist.total().std(axis=0) / np.sqrt(dist.runs)
    assert np.all(np.abs(dist.total().mean(axis=0) - expected) < 4 * standard_error + 0.5)
    slower = project(_model(), start, 24).total()
    assert expected[-1] < slower[-1] - 5  # faster exits of entrants: fewer children
