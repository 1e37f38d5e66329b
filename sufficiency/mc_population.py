"""The simulated population of every Monte Carlo run: counts per state, and ages in months.

Two views kept in step. ``coarse`` counts children per (run, stream, band, type), a stream
being (group, uasc) with group 0 the children in care at the start and 1 those who entered
since; the events are drawn on it, once per non-empty cell. ``fine`` holds the same children
by birth month, *age-first*: one row per birth month, one column per (run, stream, type)
"line". Ageing is free (a child never changes row; the rows that are "age 0 .. 215" slide
by one each month), and one age across every run is one contiguous row, so band changes
and 18th birthdays cost a row read each. Which ages the children drawn on the coarse view
are is decided by systematic sampling (``sufficiency.mc_draws``). No randomness of its own
beyond the uniforms it is given.
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
#: ``fine`` is int16 (half the memory traffic) while no run holds more children than this.
_INT16_LIMIT = np.iinfo(np.int16).max


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
        self.width = horizon_months + MAX_AGE_MONTHS  # birth months tracked
        self.lines = runs * STREAMS * N_TYPES  # (run, stream, type) columns of ``fine``
        small = int(start.sum()) <= _INT16_LIMIT
        self.fine = np.zeros((self.width, self.lines), dtype=np.int16 if small else np.int32)
        view = self.fine.reshape(self.width, runs, STREAMS, N_TYPES)
        view[horizon_months:, :, :2, :] = start.transpose(1, 0, 2)[:, None]  # group 0
        self.coarse = np.zeros((runs, STREAMS, N_BANDS, N_TYPES), dtype=np.int64)
        for band in range(N_BANDS):
            lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
            self.coarse[:, :2, band, :] = start[:, lo:hi, :].sum(axis=1)

    def age_row(self, age_months: int) -> int:
        """Row of ``fine`` holding children of this age now."""
        return age_months + self.horizon - self.steps

    def band_rows(self, band: int) -> slice:
        return slice(
            self.age_row(BAND_START_MONTHS[band]), self.age_row(BAND_START_MONTHS[band + 1])
        )

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
        np.add.at(flat, dest.reshape(-1), moves.reshape(-1).astype(flat.dtype))
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
        flat[cells] -= leavers  # cells are distinct
        np.add.at(flat, (cells - kind)[cell_of[moving]] + outcome[moving], flat.dtype.type(1))
        lines = run_stream * N_TYPES + kind
        first = np.cumsum(leavers) - leavers
        source = np.empty(cell_of.size, dtype=np.int64)
        for b in range(N_BANDS):
            sel = np.flatnonzero(band == b)
            if sel.size == 0:
                continue
            rows = self.band_rows(b)
            block = _running_sums(np.take(self.fine[rows], lines[sel], axis=1))  # (ages, cells)
            age = _ages_at(block, leavers[sel], first[sel], position)
            source[_ranges(first[sel], leavers[sel])] = (rows.start + age) * self.lines + np.repeat(
                lines[sel], leavers[sel]
            )
        np.add.at(self.fine.reshape(-1), source, self.fine.dtype.type(-1))
        target = source + (outcome - kind[cell_of])  # same run and stream, another type
        return target[moving]

    def add_flat(self, index: np.ndarray) -> None:
        """``fine`` += 1 at each flat index (repeats allowed)."""
        np.add.at(self.fine.reshape(-1), index, self.fine.dtype.type(1))

    def _move_ages(self, band, run_stream, kind, leavers, moves, uniforms) -> None:
        """Which ages left and moved in one band: leavers, then movers among them, then each
        destination's share of the movers (every draw systematic over ages)."""
        rows = self.band_rows(band)
        lines = run_stream * N_TYPES + kind
        block = self.fine[rows, lines].T  # (cells, ages)
        gone = split_by_age(block, leavers, uniforms[0])
        self.fine[rows, lines] = (block - gone).T.astype(self.fine.dtype)
        movers_total = moves.sum(axis=1)
        movers = split_by_age(gone, movers_total, uniforms[1])
        for target in np.flatnonzero(moves.any(axis=0)):
            want = moves[:, target]
            sel = np.flatnonzero(want)
            share = split_by_age(movers[sel], want[sel], _shifted(uniforms[2, sel], target))
            movers[sel] -= share
            self._add_lines(run_stream[sel] * N_TYPES + target, rows, share)

    def _add_lines(self, lines: np.ndarray, rows: slice, counts: np.ndarray) -> None:
        """``fine[rows, lines] += counts.T`` where ``lines`` is sorted and may repeat."""
        starts = np.flatnonzero(np.r_[True, lines[1:] != lines[:-1]])
        summed = np.add.reduceat(counts, starts, axis=0).astype(self.fine.dtype)
        self.fine[rows, lines[starts]] += summed.T

    def age(self) -> np.ndarray:
        """Everyone is a month older: band changes on birthdays; returns leavers at 18 by
        (run, stream, type)."""
        last = self.age_row(MAX_AGE_MONTHS - 1)
        aged_out = self.fine[last].reshape(self.runs, STREAMS, N_TYPES).astype(np.int64)
        self.fine[last] = 0
        self.steps += 1
        self.coarse[:, :, -1, :] -= aged_out
        for band in range(1, N_BANDS):
            crossing = self.fine[self.age_row(BAND_START_MONTHS[band])]
            crossing = crossing.reshape(self.runs, STREAMS, N_TYPES)
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
        # A cell of ``fine`` never holds more than its run, and runs only grow here.
        if self.fine.dtype == np.int16 and self.coarse.sum(axis=(1, 2, 3)).max() > _INT16_LIMIT:
            self.fine = self.fine.astype(np.int32)
        fine = self.fine.reshape(-1)
        one = self.fine.dtype.type(1)
        flat = placed.reshape(-1)
        cells = np.flatnonzero(flat)  # (run, uasc, band, type), once for all bands
        counts, starts = flat[cells], uniform.reshape(-1)[cells]
        run, rest = np.divmod(cells, 2 * N_BANDS * N_TYPES)
        uasc, rest = np.divmod(rest, N_BANDS * N_TYPES)
        bands, kind = np.divmod(rest, N_TYPES)
        lines = (run * STREAMS + 2 + uasc) * N_TYPES + kind  # lines of group 1
        few = counts <= FEW_ENTRANTS
        for band in range(N_BANDS):
            rows = self.band_rows(band)
            # Few entrants: one point each on the entry-age distribution, evenly spaced.
            each = np.flatnonzero(few & (bands == band))
            slot, point = _evenly(counts[each], starts[each])
            age = np.empty(slot.size, dtype=np.int64)
            for u in (0, 1):
                mine = uasc[each][slot] == u
                age[mine] = np.searchsorted(cumulative_weights[band][u], point[mine], side="right")
            np.add.at(fine, (rows.start + age) * self.lines + lines[each][slot], one)
            # Many entrants: systematic shares over the ages.
            block = np.flatnonzero(~few & (bands == band))
            if block.size:
                ages = split_by_weights(
                    cumulative_weights[band][uasc[block]], counts[block], starts[block]
                )
                self.fine[rows, lines[block]] += ages.T.astype(self.fine.dtype)

    def step_down(self, source: int, target: int, wanted: np.ndarray, uniform: np.ndarray) -> None:
        """Move up to ``wanted`` (runs,) children per run from type ``source`` to ``target``,
        any age, each child of the source type equally likely."""
        live = slice(self.age_row(0), self.age_row(MAX_AGE_MONTHS))
        view = self.fine.reshape(self.width, self.runs, STREAMS, N_TYPES)
        block = view[live, :, :, source].transpose(1, 2, 0).reshape(self.runs, -1)
        take = np.minimum(wanted, block.sum(axis=1))
        moved = split_by_age(block, take, uniform).reshape(self.runs, STREAMS, MAX_AGE_MONTHS)
        by_age = moved.transpose(2, 0, 1)  # (ages, runs, streams)
        view[live, :, :, source] -= by_age.astype(self.fine.dtype)
        view[live, :, :, target] += by_age.astype(self.fine.dtype)
        for band in range(N_BANDS):
            lo, hi = BAND_START_MONTHS[band], BAND_START_MONTHS[band + 1]
            by_band = moved[:, :, lo:hi].sum(axis=-1)
            self.coarse[:, :, band, source] -= by_band
            self.coarse[:, :, band, target] += by_band

    def fine_by_age(self) -> np.ndarray:
        """Children by (run, stream, age in months, type), for checks."""
        view = self.fine.reshape(self.width, self.runs, STREAMS, N_TYPES)
        live = view[self.age_row(0) : self.age_row(MAX_AGE_MONTHS)]
        return live.transpose(1, 2, 0, 3)


def _running_sums(block: np.ndarray) -> np.ndarray:
    """Cumulative sums down the rows, in place and in the block's dtype (no run holds more
    children than it can count). Row by row is about twice numpy's ``cumsum`` for int16."""
    for row in range(1, block.shape[0]):
        np.add(block[row - 1], block[row], out=block[row])
    return block


def _ages_at(
    cumulative: np.ndarray, n: np.ndarray, first: np.ndarray, position: np.ndarray
) -> np.ndarray:
    """Row where each picked child falls: ``n[i]`` picks in column ``i`` of ``cumulative``
    (ages x cells), the k-th at ``position[first[i] + k]``; returned in pick order.

    One pass per pick rank: the first picks of every cell compare against the whole block
    (no copy), later ranks against the few cells that have them.
    """
    out = np.empty(n.sum(), dtype=np.int64)
    offset = np.cumsum(n) - n
    cells = np.arange(n.size)
    rank = 0
    while cells.size:
        block = cumulative if rank == 0 else cumulative[:, cells]
        wanted = position[first[cells] + rank].astype(cumulative.dtype)
        out[offset[cells] + rank] = np.count_nonzero(block <= wanted, axis=0)
        rank += 1
        cells = cells[n[cells] > rank]
    return out


def _evenly(n: np.ndarray, uniform: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``n[i]`` points per row: (row of each point, point ``(j + uniform[i]) / n[i]``)."""
    slot = np.repeat(np.arange(n.size), n)
    j = np.arange(slot.size) - (np.cumsum(n) - n)[slot]
    return slot, (j + uniform[slot]) / n[slot]


def _ranges(first: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(first[i], first[i] + length[i])`` for every ``i``."""
    offsets = np.cumsum(length) - length
    return np.repeat(first - offsets, length) + np.arange(length.sum())


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
