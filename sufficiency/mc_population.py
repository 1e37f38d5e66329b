"""The simulated population of every Monte Carlo run: counts per state, and ages in months.

Two views kept in step. ``coarse`` counts children per (run, stream, band, type), a stream
being (group, uasc) with group 0 the children in care at the start and 1 those who entered
since; the events
are drawn on it, once per non-empty cell. ``fine`` holds the same children by age in months,
one row per (run, stream, type) and one column per birth month, so that ageing is free (a
child never changes column; the columns that are "age 0 .. 215" slide by one each month)
and children change band and leave at 18 on the right month. Which ages the children
drawn on the coarse view are is decided by systematic sampling (``sufficiency.mc_draws``).
No randomness of its own beyond the uniforms it is given.
"""

from __future__ import annotations

import numpy as np

from sufficiency.events import N_BANDS, N_TYPES
from sufficiency.history import BAND_START_MONTHS, MAX_AGE_MONTHS
from sufficiency.mc_draws import split_by_age, split_by_weights

#: Streams per run: (group, uasc), group 0 = in care at the start, 1 = entered since.
STREAMS = 4
_STREAM_ROWS = N_BANDS * N_TYPES  # coarse cells per (run, stream)
#: Cells with at most this many entrants get their ages entrant by entrant.
FEW_ENTRANTS = 8


class Population:
    """Children in care in ``runs`` runs; see the module docstring for the two views."""

    def __init__(self, start: np.ndarray, runs: int, horizon_months: int):
        """``start``: children at the as-of date by (uasc, age in months, type), (2, 216, types)."""
        start = np.rint(np.asarray(start, dtype=np.float64)).astype(np.int32)
        if start.shape != (2, MAX_AGE_MONTHS, N_TYPES) or (start < 0).any():
            raise ValueError(
                f"start_population: expected non-negative counts shaped (2, {MAX_AGE_MONTHS}, "
                f"{N_TYPES}), got shape {start.shape}"
            )
        self.runs, self.horizon, self.steps = runs, horizon_months, 0
        self.width = horizon_months + MAX_AGE_MONTHS
        by_type = start.transpose(0, 2, 1)  # (2, types, ages)
        self.fine = np.zeros((runs * STREAMS * N_TYPES, self.width), dtype=np.int32)
        view = self.fine.reshape(runs, STREAMS, N_TYPES, self.width)
        view[:, :2, :, horizon_months:] = by_type  # group 0
        self.coarse = np.zeros((runs, STREAMS, N_BANDS, N_TYPES), dtype=np.int64)
        for band in range(N_BANDS):
            lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
            self.coarse[:, :2, band, :] = by_type[:, :, lo:hi].sum(axis=-1)

    def column(self, age_months: int) -> int:
        """Column of ``fine`` holding children of this age now."""
        return age_months + self.horizon - self.steps

    def band_columns(self, band: int) -> slice:
        return slice(self.column(BAND_START_MONTHS[band]), self.column(BAND_START_MONTHS[band + 1]))

    def remove_and_move(
        self, cells: np.ndarray, leavers: np.ndarray, moves: np.ndarray, uniforms: np.ndarray
    ) -> None:
        """Apply one month's events drawn on coarse ``cells`` (flat indices, increasing).

        ``leavers`` [children] left each cell; ``moves`` (cells, types) of them moved to
        another type (the rest left care). ``uniforms`` (3, cells) are random starts.
        """
        flat = self.coarse.reshape(-1)
        run_stream, rest = np.divmod(cells, _STREAM_ROWS)
        band, kind = np.divmod(rest, N_TYPES)
        flat[cells] -= leavers
        dest = (cells - kind)[:, None] + np.arange(N_TYPES)
        flat += np.bincount(dest.reshape(-1), moves.reshape(-1), minlength=flat.size).astype(
            np.int64
        )
        for b in np.unique(band):
            sel = np.flatnonzero(band == b)
            self._move_ages(
                b, run_stream[sel], kind[sel], leavers[sel], moves[sel], uniforms[:, sel]
            )

    def remove_each(
        self, cells: np.ndarray, leavers: np.ndarray, position: np.ndarray, outcome: np.ndarray
    ) -> np.ndarray:
        """Apply events child by child (cells where few leave); returns the movers' new
        ``fine`` flat indices, to add with ``add_flat`` once every cell has been drawn.

        ``leavers[i]`` children left coarse cell ``cells[i]``; the k-th leaver overall is at
        ``position[k]`` in its cell (children lined up by age) and has ``outcome[k]``: a type
        index (moved there) or a route (``types + route``: left care).
        """
        flat = self.coarse.reshape(-1)
        run_stream, rest = np.divmod(cells, _STREAM_ROWS)
        band, kind = np.divmod(rest, N_TYPES)
        cell_of = np.repeat(np.arange(cells.size), leavers)
        moving = outcome < N_TYPES
        flat -= np.bincount(cells, leavers, minlength=flat.size).astype(np.int64)
        arrived = (cells - kind)[cell_of[moving]] + outcome[moving]
        flat += np.bincount(arrived, minlength=flat.size)
        rows = run_stream * N_TYPES + kind
        first = np.cumsum(leavers) - leavers
        source = np.empty(cell_of.size, dtype=np.int64)
        for b in range(N_BANDS):
            sel = np.flatnonzero(band == b)
            if sel.size == 0:
                continue
            cols = self.band_columns(b)
            mine = _ranges(first[sel], leavers[sel])
            slot = np.repeat(np.arange(sel.size), leavers[sel])
            block = np.cumsum(self.fine[rows[sel], cols], axis=1, dtype=np.int32)
            age = _find(block, slot, position[mine])
            source[mine] = rows[sel][slot] * self.width + cols.start + age
        # Children of one cell are lined up by age, so repeats of a source are adjacent.
        _add_sorted(self.fine.reshape(-1), source, -1)
        target = source + (outcome - kind[cell_of]) * self.width
        return target[moving]

    def add_flat(self, index: np.ndarray) -> None:
        """``fine`` += 1 at each flat index (repeats allowed)."""
        _add_sorted(self.fine.reshape(-1), np.sort(index), 1)

    def _move_ages(self, band, run_stream, kind, leavers, moves, uniforms) -> None:
        """Which ages left and moved in one band: leavers, then movers among them, then each
        destination's share of the movers (every draw systematic over ages)."""
        cols = self.band_columns(band)
        rows = run_stream * N_TYPES + kind
        block = self.fine[rows, cols]
        gone = split_by_age(block, leavers, uniforms[0])
        self.fine[rows, cols] = block - gone
        movers_total = moves.sum(axis=1)
        movers = split_by_age(gone, movers_total, uniforms[1])
        for target in np.flatnonzero(moves.any(axis=0)):
            want = moves[:, target]
            sel = np.flatnonzero(want)
            share = split_by_age(movers[sel], want[sel], _shifted(uniforms[2, sel], target))
            movers[sel] -= share
            self._add_rows(run_stream[sel] * N_TYPES + target, cols, share)

    def _add_rows(self, rows: np.ndarray, cols: slice, counts: np.ndarray) -> None:
        """``fine[rows, cols] += counts`` where ``rows`` is sorted and may repeat."""
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        self.fine[rows[starts], cols] += np.add.reduceat(counts, starts, axis=0).astype(np.int32)

    def age(self) -> np.ndarray:
        """Everyone is a month older: band changes on birthdays; returns leavers at 18 by
        (run, stream, type)."""
        last = self.column(MAX_AGE_MONTHS - 1)
        aged_out = self.fine[:, last].reshape(self.runs, STREAMS, N_TYPES).astype(np.int64)
        self.fine[:, last] = 0
        self.steps += 1
        self.coarse[:, :, -1, :] -= aged_out
        for band in range(1, N_BANDS):
            col = self.column(BAND_START_MONTHS[band])
            crossing = self.fine[:, col].reshape(self.runs, STREAMS, N_TYPES)
            self.coarse[:, :, band, :] += crossing
            self.coarse[:, :, band - 1, :] -= crossing
        return aged_out

    def add_entrants(
        self, placed: np.ndarray, cumulative_weights: list, uniform: np.ndarray
    ) -> None:
        """Add entrants (group 1) at ages drawn from each band's entry ages.

        ``placed`` and ``uniform`` (random starts) are shaped (runs, uasc, bands, types);
        ``cumulative_weights[band]`` is (2, months in band), rows increasing to 1.
        """
        self.coarse[:, 2:] += placed
        fine = self.fine.reshape(-1)
        for band in range(N_BANDS):
            counts = placed[:, :, band, :].reshape(-1)  # (run, uasc, type)
            cells = np.flatnonzero(counts)
            run, rest = np.divmod(cells, 2 * N_TYPES)
            rows = (run * STREAMS + 2) * N_TYPES + rest  # fine rows of group 1
            cols = self.band_columns(band)
            starts = uniform[:, :, band, :].reshape(-1)[cells]
            uasc = rest // N_TYPES
            few = counts[cells] <= FEW_ENTRANTS
            # Few entrants: one point each on the entry-age distribution, evenly spaced.
            each = np.flatnonzero(few)
            slot, point = _evenly(counts[cells[each]], starts[each])
            age = np.empty(slot.size, dtype=np.int64)
            for u in (0, 1):
                mine = uasc[each][slot] == u
                age[mine] = np.searchsorted(cumulative_weights[band][u], point[mine], side="right")
            _add_sorted(fine, rows[each][slot] * self.width + cols.start + age, 1)
            # Many entrants: systematic shares over the ages.
            block = np.flatnonzero(~few)
            if block.size:
                ages = split_by_weights(
                    cumulative_weights[band][uasc[block]], counts[cells[block]], starts[block]
                )
                self.fine[rows[block], cols] += ages

    def step_down(self, source: int, target: int, wanted: np.ndarray, uniform: np.ndarray) -> None:
        """Move up to ``wanted`` (runs,) children per run from type ``source`` to ``target``,
        any age, each child of the source type equally likely."""
        live = slice(self.column(0), self.column(MAX_AGE_MONTHS))
        view = self.fine.reshape(self.runs, STREAMS, N_TYPES, self.width)
        block = view[:, :, source, live].reshape(self.runs, -1)
        take = np.minimum(wanted, block.sum(axis=1))
        moved = split_by_age(block, take, uniform).reshape(self.runs, STREAMS, MAX_AGE_MONTHS)
        view[:, :, source, live] -= moved.astype(np.int32)
        view[:, :, target, live] += moved.astype(np.int32)
        for band in range(N_BANDS):
            lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
            by_band = moved[:, :, lo:hi].sum(axis=-1)
            self.coarse[:, :, band, source] -= by_band
            self.coarse[:, :, band, target] += by_band

    def fine_by_age(self) -> np.ndarray:
        """Children by (run, stream, age in months, type), for checks."""
        view = self.fine.reshape(self.runs, STREAMS, N_TYPES, self.width)
        live = view[..., self.column(0) : self.column(MAX_AGE_MONTHS)]
        return live.transpose(0, 1, 3, 2)


def _add_sorted(flat: np.ndarray, index: np.ndarray, sign: int) -> None:
    """``flat[i] += sign`` for each ``i`` in ``index``, whose repeats are adjacent."""
    if index.size == 0:
        return
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    flat[index[starts]] += sign * np.diff(np.r_[starts, index.size]).astype(flat.dtype)


def _evenly(n: np.ndarray, uniform: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``n[i]`` points per row: (row of each point, point ``(j + uniform[i]) / n[i]``)."""
    slot = np.repeat(np.arange(n.size), n)
    j = np.arange(slot.size) - (np.cumsum(n) - n)[slot]
    return slot, (j + uniform[slot]) / n[slot]


def _ranges(first: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(first[i], first[i] + length[i])`` for every ``i``."""
    offsets = np.cumsum(length) - length
    return np.repeat(first - offsets, length) + np.arange(length.sum())


def _find(cumulative: np.ndarray, slot: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Column where each ``position`` falls in row ``slot`` of ``cumulative`` counts."""
    rows, width = cumulative.shape
    base = np.cumsum(np.r_[0, cumulative[:-1, -1]], dtype=np.int64)
    line = (cumulative + base[:, None]).reshape(-1)
    found = np.searchsorted(line, base[slot] + position, side="right")
    return found - slot * width


def _shifted(uniform: np.ndarray, k: int) -> np.ndarray:
    """A different random start for each destination from one uniform (golden-ratio shift)."""
    return (uniform + 0.6180339887498949 * (k + 1)) % 1.0


def cumulative_entry_weights(weights: list[np.ndarray]) -> list[np.ndarray]:
    """Per band, cumulative entry-age probabilities (2, months in band), last column 1."""
    out = []
    for w in weights:
        c = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
        c[:, -1] = 1.0
        out.append(np.minimum(c, 1.0))
    return out
