"""Random draws for the Monte Carlo engine: category counts and allocations of counts to ages.

Two kinds of draw, both vectorised over many rows at once:

- ``category_counts``: how many of ``n`` children in a row have each outcome (an exact
  multinomial draw; one uniform per child for small rows, numpy's multinomial for large).
- ``split_by_age`` / ``split_by_weights``: which ages (or, generally, which columns) those
  children are. This is *systematic sampling* with a random start, which gives every child
  exactly its probability of being picked (so every expected value is exact) and keeps
  counts whole, non-negative and summing to the row total, at a cost of a few array
  passes per row instead of one random draw per child. Its only departure from picking
  children independently is a smaller spread of the ages picked within a row (see
  docs/forecast.md, "Accuracy of the fast simulation").

No state, no I/O; randomness only through the ``rng`` or uniforms passed in.
"""

from __future__ import annotations

import numpy as np

#: Rows with at most this many children draw one uniform per child; larger rows call numpy's
#: multinomial (cheaper per child when rows are large, dearer per row).
SMALL_ROW = 48


def category_counts(
    n: np.ndarray,
    probabilities: np.ndarray,
    rng: np.random.Generator,
    cumulative: np.ndarray | None = None,
    table_rows: np.ndarray | None = None,
) -> np.ndarray:
    """Multinomial counts: the ``n[i]`` children of row ``i`` over categories.

    Parameters
    ----------
    n : numpy.ndarray
        Children per row [children], shape (rows,), non-negative integers.
    probabilities : numpy.ndarray
        Category probabilities of each row, shape (rows, categories); rows sum to 1.
    rng : numpy.random.Generator
        Source of randomness (always called in the same order for the same input).
    cumulative : numpy.ndarray, optional
        ``probabilities`` summed along each row, if already known (saves the sum).
    table_rows : numpy.ndarray, optional
        If given, ``probabilities`` and ``cumulative`` are tables and row ``i`` draws from
        their row ``table_rows[i]`` (saves copying the rows).

    Returns
    -------
    numpy.ndarray
        Counts [children], shape (rows, categories), int64; each row sums to ``n``.
    """
    categories = probabilities.shape[1]
    rows = n.size
    if table_rows is None:
        table_rows = np.arange(rows)
    out = np.zeros((rows, categories), dtype=np.int64)
    small = n <= SMALL_ROW
    idx = np.flatnonzero(small & (n > 0))
    if idx.size:
        child_row = np.repeat(idx, n[idx])
        uniform = rng.random(child_row.size)
        if cumulative is None:
            each = np.cumsum(probabilities[table_rows[idx]], axis=1)
            each = each[np.repeat(np.arange(idx.size), n[idx])]
        else:
            each = cumulative[table_rows[child_row]]
        category = draw_each(each, uniform)
        np.add.at(out.reshape(-1), child_row * categories + category, np.int64(1))
    big = np.flatnonzero(~small)
    if big.size:
        out[big] = rng.multinomial(n[big], probabilities[table_rows[big]])
    return out


def split_by_age(counts: np.ndarray, picks: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Pick ``picks[i]`` of the children counted in row ``i`` of ``counts`` (systematic sampling).

    Parameters
    ----------
    counts : numpy.ndarray
        Children per column (e.g. per age in months) [children], shape (rows, columns).
    picks : numpy.ndarray
        How many to pick per row, 0 <= picks <= row total, shape (rows,).
    uniform : numpy.ndarray
        One uniform [0, 1) per row: the random start.

    Returns
    -------
    numpy.ndarray
        Picked children per column, shape (rows, columns), int32, each <= ``counts``.

    Rules
    -----
    Line the row's children up column by column and take every (total/picks)-th from a
    random start. Each child is picked with probability picks/total exactly; integer
    arithmetic makes the row sum exactly ``picks``.
    """
    cumulative = np.cumsum(counts, axis=1, dtype=np.int32)
    total = np.maximum(cumulative[:, -1], 1)
    start = np.minimum((uniform * total).astype(np.int32), total - 1)
    # Whole numbers this small (numerators below 1e12) divide exactly enough in float64 for
    # truncation to give the exact floor, and float division is much faster than int64's.
    numerator = cumulative.astype(np.float64) * picks[:, None] + start[:, None]
    return _diff((numerator / total[:, None]).astype(np.int32))


def _diff(reached: np.ndarray) -> np.ndarray:
    """Column differences with an implicit 0 before the first column."""
    out = np.empty_like(reached)
    out[:, 0] = reached[:, 0]
    np.subtract(reached[:, 1:], reached[:, :-1], out=out[:, 1:])
    return out


def split_by_weights(
    cumulative_weights: np.ndarray, picks: np.ndarray, uniform: np.ndarray
) -> np.ndarray:
    """Share ``picks[i]`` children over columns with probabilities (systematic sampling).

    ``cumulative_weights`` is shaped (rows, columns), increasing, last column exactly 1.
    Each child falls in column ``k`` with probability ``w_k`` exactly; with one child this is
    an ordinary draw from the distribution. Returns counts (rows, columns), int32.
    """
    reached = (cumulative_weights * picks[:, None] + uniform[:, None]).astype(np.int32)
    reached[:, -1] = picks
    return _diff(reached)


def pick_each(
    n: np.ndarray, totals: np.ndarray, uniform: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``n[i]`` children picked among ``totals[i]`` (systematic, one start per row).

    Returns (row of each pick, position 0 .. totals-1 of each pick); positions in a row are
    distinct and increasing, and each position is picked with probability n/total exactly.
    """
    row = np.repeat(np.arange(n.size), n)
    first = np.cumsum(n) - n
    j = np.arange(row.size) - first[row]
    start = np.minimum(np.floor(uniform * totals), totals - 1).astype(np.int64)
    position = (j * totals[row] + start[row]) // np.maximum(n[row], 1)
    return row, position


def draw_each(cumulative: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Category of each draw from its row of ``cumulative`` probabilities.

    The first category whose cumulative probability exceeds the uniform; a uniform beyond
    the last value (rounding) falls in the last category.
    """
    return np.minimum(
        np.count_nonzero(cumulative <= uniform[:, None], axis=1), cumulative.shape[1] - 1
    )


def binomial_terms(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log(1 - p) and p / (1 - p) for ``binomial_counts`` (finite where p < 1)."""
    q = np.maximum(1.0 - p, 1e-300)
    return np.log(q), p / q


def binomial_counts(
    n: np.ndarray,
    p: np.ndarray,
    rng: np.random.Generator,
    log_stay: np.ndarray | None = None,
    odds: np.ndarray | None = None,
) -> np.ndarray:
    """Binomial draws ``Bin(n[i], p[i])`` (exact), cheaper than numpy's for small means.

    Where the mean ``n p`` is at most 4 (and ``p`` <= 1/2) the draw is by inversion of the
    distribution with one uniform, vectorised (a few passes over a shrinking set of rows);
    elsewhere numpy's binomial. ``log_stay`` and ``odds`` may carry ``binomial_terms(p)``
    if already known. Returns int64 counts.
    """
    out = np.zeros(n.size, dtype=np.int64)
    small = (n * p <= 4.0) & (p <= 0.5)
    idx = np.flatnonzero(small & (n > 0) & (p > 0))
    uniform = rng.random(idx.size)
    trials = n[idx].astype(np.float64)
    if log_stay is None or odds is None:
        log_stay, odds = binomial_terms(p)
    ratio = odds[idx]
    pmf = np.exp(trials * log_stay[idx])  # P(0 successes)
    cdf = pmf.copy()
    k = 0
    while idx.size:
        more = np.flatnonzero((uniform >= cdf) & (trials > k))
        if more.size == 0:
            break
        idx, uniform, trials, ratio = idx[more], uniform[more], trials[more], ratio[more]
        out[idx] += 1
        pmf = pmf[more] * (trials - k) / (k + 1) * ratio
        cdf = cdf[more] + pmf
        k += 1
    big = np.flatnonzero(~small)
    out[big] = rng.binomial(n[big], p[big])
    return out
