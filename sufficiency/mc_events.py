"""One month of moves and exits in the Monte Carlo engine, drawn on the coarse cells.

Who leaves each non-empty (run, uasc, band, type) cell is a binomial draw on its count and
where each leaver goes a categorical draw (both exact); ``sufficiency.mc_population``
decides which ages they are. The probabilities come from the rate matrix's exponential.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency.dynamics import expm, generator, transient_rows
from sufficiency.events import N_BANDS, N_ROUTES, N_TYPES
from sufficiency.mc_draws import (
    binomial_counts,
    binomial_terms,
    category_counts,
    draw_each,
    pick_each,
)
from sufficiency.mc_population import STREAMS, Population

_STREAM_CELLS = STREAMS * N_BANDS * N_TYPES  # coarse cells per run
#: Cells with at most this many leavers in a month are drawn child by child.
FEW_LEAVERS = 8


@dataclass(frozen=True, slots=True)
class MonthTables:
    """Outcome probabilities over one step for every (rate set, uasc, band, type) row.

    ``leave`` [probability] of not being in the same type at the step's end, shape (rows,);
    ``outcome`` (rows, types + routes): where the leavers are (another type, or gone by a
    route), rows summing to 1 (the own-type column is 0), and ``cumulative`` its running
    sums; ``log_stay`` and ``odds`` are log(1 - leave) and leave / (1 - leave), which the
    binomial draws need.
    """

    leave: np.ndarray
    outcome: np.ndarray
    cumulative: np.ndarray
    log_stay: np.ndarray
    odds: np.ndarray

    @classmethod
    def build(cls, p: np.ndarray) -> MonthTables:
        """From outcome probabilities (..., types, types + routes), rows summing to 1."""
        idx = np.arange(N_TYPES)
        leave = 1.0 - p[..., idx, idx]
        outcome = p.copy()
        outcome[..., idx, idx] = 0.0
        total = outcome.sum(axis=-1, keepdims=True)
        outcome = np.divide(outcome, total, out=np.zeros_like(outcome), where=total > 0)
        # A row nobody can leave still needs a valid distribution (it is never drawn from).
        outcome[..., N_TYPES] += total[..., 0] <= 0
        outcome = outcome.reshape(-1, outcome.shape[-1])
        cumulative = np.cumsum(outcome, axis=1)
        cumulative[:, -1] = np.inf
        leave = np.clip(leave, 0.0, 1.0).reshape(-1)
        log_stay, odds = binomial_terms(leave)
        return cls(leave, outcome, cumulative, log_stay, odds)


def draw_events(
    pop: Population, tables: MonthTables, sets: int, rng: np.random.Generator, runs: int
) -> np.ndarray:
    """One step of moves and exits for the coarse cells of ``pop``; returns exits (runs, routes).

    Who leaves each (run, uasc, band, type) cell is a binomial draw on the cell's count and
    where each goes a categorical draw (exact); which ages they are is systematic. Cells
    where few leave are handled child by child, the others as blocks of ages.
    """
    flat = pop.coarse.reshape(-1)
    cells = np.flatnonzero(flat)
    rows = (cells // _STREAM_CELLS % sets) * _STREAM_CELLS + cells % _STREAM_CELLS
    counts = flat[cells]
    leavers = binomial_counts(
        counts, tables.leave[rows], rng, tables.log_stay[rows], tables.odds[rows]
    )
    going = np.flatnonzero(leavers)
    cells, rows, counts, leavers = cells[going], rows[going], counts[going], leavers[going]
    few = leavers <= FEW_LEAVERS
    each, block = np.flatnonzero(few), np.flatnonzero(~few)
    exits = np.zeros(runs * N_ROUTES, dtype=np.int64)
    # Child by child: each leaver's place in the age line-up, then their outcome.
    cell_of, position = pick_each(leavers[each], counts[each], rng.random(each.size))
    outcome = draw_each(tables.cumulative[rows[each][cell_of]], rng.random(cell_of.size))
    arrivals = pop.remove_each(cells[each], leavers[each], position, outcome)
    gone = outcome >= N_TYPES
    exits += np.bincount(
        cells[each][cell_of[gone]] // _STREAM_CELLS * N_ROUTES + outcome[gone] - N_TYPES,
        minlength=exits.size,
    )
    # Blocks: outcome counts per cell, then ages by systematic sampling.
    outcomes = category_counts(leavers[block], tables.outcome, rng, tables.cumulative, rows[block])
    pop.remove_and_move(
        cells[block], leavers[block], outcomes[:, :N_TYPES], rng.random((3, block.size))
    )
    pop.add_flat(arrivals)
    return exits.reshape(runs, N_ROUTES) + exits_by_run(cells[block], outcomes[:, N_TYPES:], runs)


def entrant_events(
    entrants: np.ndarray, tables: MonthTables, sets: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Entrants' first half month, at the entrants' (group 1) rates.

    ``entrants`` (runs, uasc, bands, types); returns (placed, same shape) and exits by
    (runs, routes).
    """
    runs = entrants.shape[0]
    per_run = entrants[0].size
    flat = entrants.reshape(-1)
    cells = np.flatnonzero(flat)
    rows = (cells // per_run % sets) * _STREAM_CELLS + per_run + cells % per_run
    leavers = binomial_counts(
        flat[cells], tables.leave[rows], rng, tables.log_stay[rows], tables.odds[rows]
    )
    going = np.flatnonzero(leavers)  # rows without leavers draw nothing below
    cells, rows, leavers = cells[going], rows[going], leavers[going]
    outcomes = category_counts(leavers, tables.outcome, rng, tables.cumulative, rows)
    placed = flat.astype(np.int64)
    placed[cells] -= leavers
    moved = outcomes[:, :N_TYPES]
    cell, kind = np.nonzero(moved)
    np.add.at(placed, cells[cell] - cells[cell] % N_TYPES + kind, moved[cell, kind])
    exits = exits_by_run(cells, outcomes[:, N_TYPES:], runs, per_run)
    return placed.reshape(entrants.shape), exits


def exits_by_run(
    cells: np.ndarray, routes: np.ndarray, runs: int, per_run: int = _STREAM_CELLS
) -> np.ndarray:
    """Sum exits (cells, routes) drawn on coarse ``cells`` into (runs, routes)."""
    index = (cells // per_run)[:, None] * N_ROUTES + np.arange(N_ROUTES)
    totals = np.bincount(index.reshape(-1), routes.reshape(-1), minlength=runs * N_ROUTES)
    return totals.astype(np.int64).reshape(runs, N_ROUTES)


def month_tables(move: np.ndarray, exit_: np.ndarray, days: int) -> tuple[MonthTables, MonthTables]:
    """Tables for a whole month (everyone in care) and half a month (that month's entrants).

    The whole month's transition matrix is the half month's squared (a Markov chain's).
    """
    return MonthTableCache(move, exit_).tables(days)


class MonthTableCache:
    """Month tables for months of any length, from powers of one half-day transition matrix.

    A Markov chain's transition matrix over ``n`` half days is the half day's to the power
    ``n``: one matrix exponential serves every month length (28-31 days), each new length
    costing a few matrix products instead of an exponential.
    """

    def __init__(self, move: np.ndarray, exit_: np.ndarray):
        self._powers = {1: expm(generator(move, exit_) * 0.5)}
        self._tables: dict[int, tuple[MonthTables, MonthTables]] = {}

    def _power(self, n: int) -> np.ndarray:
        if n not in self._powers:
            if n - 1 in self._powers:
                self._powers[n] = self._powers[n - 1] @ self._powers[1]
            elif n % 2 == 0:
                self._powers[n] = self._power(n // 2) @ self._power(n // 2)
            else:
                self._powers[n] = self._power(n - 1) @ self._powers[1]
        return self._powers[n]

    def tables(self, days: int) -> tuple[MonthTables, MonthTables]:
        """(whole month, half month) tables for a month of ``days`` days."""
        if days not in self._tables:
            half = self._power(int(days))  # ``days`` half days = half the month
            self._tables[days] = (
                MonthTables.build(transient_rows(half @ half, N_TYPES)),
                MonthTables.build(transient_rows(half, N_TYPES)),
            )
        return self._tables[days]
