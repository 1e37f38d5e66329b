"""Exposure and events in a window: child-days, moves, exits and entries by state.

Counts only (pure numpy over a ``SpellTable``); turning them into rates, with pooling of
small cells, is ``sufficiency.rates``. Days are split at the birthdays where a child
changes DfE age band, so every child-day and event sits in the band the child was in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import EXIT_ROUTES
from sufficiency.history import AGE_BANDS, EXIT, MAX_AGE_MONTHS, MOVE, PLACEMENT_TYPES, SpellTable

N_BANDS, N_TYPES, N_ROUTES = len(AGE_BANDS), len(PLACEMENT_TYPES), len(EXIT_ROUTES)
_BAND_YEARS = [band.min_age_years for band in AGE_BANDS] + [18]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day-of-month ``months`` later (or earlier), clipped to the month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def _birthdays(born: np.ndarray) -> np.ndarray:
    """Ordinal of the birthday starting each band (and the 18th), shape (n, bands + 1)."""
    out = np.empty((born.size, len(_BAND_YEARS)), dtype=np.int64)
    for i, ordinal in enumerate(born):
        day = dt.date.fromordinal(int(ordinal))
        for j, years in enumerate(_BAND_YEARS):
            out[i, j] = add_months(day, 12 * years).toordinal()
    return out


def _band_on(birthdays: np.ndarray, ordinal: np.ndarray) -> np.ndarray:
    """Band index on a day (ages 18+ give the last band; callers exclude them)."""
    band = (birthdays[:, 1:-1] <= ordinal[:, None]).sum(axis=1)
    return np.minimum(band, N_BANDS - 1)


@dataclass(frozen=True, slots=True)
class EventCounts:
    """What happened in the window ``[start, end]`` (both inclusive).

    Arrays are indexed (uasc 0/1, band, placement type, ...):
    ``exposure_days`` [child-days], ``moves`` (.., to type) and ``exits`` (.., route)
    [events]; ``entries`` (uasc, band, type) [children starting care];
    ``entries_by_month`` (months, uasc, band) with ``month_ends`` (oldest first);
    ``entry_age_months`` (uasc, age in months) [children]; ``age18_exits`` and
    ``staying_put`` (placement type) [young people leaving at 18 / of them staying put].
    The ``*_by_group`` arrays split exposure, moves and exits by a leading group axis:
    0 = children whose period of care began before the window ("stock"), 1 = during it
    ("entrants"); summed over it they give the plain arrays.
    """

    start: dt.date
    end: dt.date
    exposure_days: np.ndarray
    moves: np.ndarray
    exits: np.ndarray
    entries: np.ndarray
    entries_by_month: np.ndarray
    month_ends: tuple[dt.date, ...]
    entry_age_months: np.ndarray
    age18_exits: np.ndarray
    staying_put: np.ndarray
    exposure_by_group: np.ndarray | None = None
    moves_by_group: np.ndarray | None = None
    exits_by_group: np.ndarray | None = None


def period_starts(spells: SpellTable) -> np.ndarray:
    """Day (ordinal) each spell's period of care began (spells are in child, time order)."""
    if spells.start.size == 0:
        return spells.start.copy()
    latest_entry = np.maximum.accumulate(np.where(spells.entry, np.arange(spells.start.size), 0))
    return spells.start[latest_entry]


def _exposure(
    spells: SpellTable, birthdays: np.ndarray, first: int, last: int, group: np.ndarray
) -> np.ndarray:
    out = np.zeros((2, 2, N_BANDS, N_TYPES))
    lo = np.maximum(spells.start, first)
    hi = np.minimum(spells.stop, last + 1)
    for band in range(N_BANDS):
        days = np.minimum(hi, birthdays[:, band + 1]) - np.maximum(lo, birthdays[:, band])
        days = np.maximum(days, 0)
        np.add.at(out, (group, spells.uasc.astype(int), band, spells.placement), days)
    return out


def _events(spells: SpellTable, birthdays: np.ndarray, first: int, last: int, group: np.ndarray):
    moves = np.zeros((2, 2, N_BANDS, N_TYPES, N_TYPES))
    exits = np.zeros((2, 2, N_BANDS, N_TYPES, N_ROUTES))
    inside = (spells.stop > first) & (spells.stop <= last + 1)
    band = _band_on(birthdays, spells.stop - 1)
    uasc = spells.uasc.astype(int)
    sel = inside & (spells.outcome == MOVE)
    key = (group[sel], uasc[sel], band[sel], spells.placement[sel])
    np.add.at(moves, (*key, spells.next_placement[sel]), 1)
    sel = inside & (spells.outcome == EXIT) & (spells.route < N_ROUTES)
    key = (group[sel], uasc[sel], band[sel], spells.placement[sel])
    np.add.at(exits, (*key, spells.route[sel]), 1)
    at18 = inside & (spells.outcome == EXIT) & (spells.route == N_ROUTES)
    age18 = np.bincount(spells.placement[at18], minlength=N_TYPES)
    staying = np.bincount(spells.placement[at18 & spells.staying_put], minlength=N_TYPES)
    return moves, exits, age18, staying


def _entries(spells: SpellTable, birthdays: np.ndarray, month_edges: np.ndarray):
    first, last = month_edges[0], month_edges[-1]
    sel = spells.entry & (spells.start >= first) & (spells.start < last)
    uasc = spells.uasc[sel].astype(int)
    band = _band_on(birthdays[sel], spells.start[sel])
    entries = np.zeros((2, N_BANDS, N_TYPES))
    np.add.at(entries, (uasc, band, spells.placement[sel]), 1)
    month = np.searchsorted(month_edges, spells.start[sel], side="right") - 1
    by_month = np.zeros((len(month_edges) - 1, 2, N_BANDS))
    np.add.at(by_month, (month, uasc, band), 1)
    ages = np.array(
        [
            _months_between(int(b), int(s))
            for b, s in zip(spells.born[sel], spells.start[sel], strict=True)
        ],
        dtype=np.int64,
    )
    ages = np.clip(ages, 0, MAX_AGE_MONTHS - 1)
    entry_ages = np.zeros((2, MAX_AGE_MONTHS))
    np.add.at(entry_ages, (uasc, ages), 1)
    return entries, by_month, entry_ages


def _months_between(born: int, day: int) -> int:
    b, d = dt.date.fromordinal(born), dt.date.fromordinal(day)
    return (d.year - b.year) * 12 + d.month - b.month - (1 if d.day < b.day else 0)


def count_events(spells: SpellTable, end: dt.date, months: int) -> EventCounts:
    """Exposure and events in the ``months`` whole months ending on ``end`` (inclusive).

    Parameters
    ----------
    spells : SpellTable
        The history, flattened.
    end : datetime.date
        Last day of the window (the forecast's as-of date).
    months : int
        Window length [months]; month bins end on ``end``'s day of month.
    """
    if months < 1:
        raise ValueError(f"months: {months} must be at least 1")
    month_ends = [add_months(end, -k) for k in range(months, -1, -1)]
    edges = np.array([d.toordinal() + 1 for d in month_ends], dtype=np.int64)
    first, last = int(edges[0]), end.toordinal()
    birthdays = _birthdays(spells.born)
    group = (period_starts(spells) >= first).astype(np.int64)
    moves, exits, age18, staying = _events(spells, birthdays, first, last, group)
    entries, by_month, entry_ages = _entries(spells, birthdays, edges)
    exposure = _exposure(spells, birthdays, first, last, group)
    return EventCounts(
        start=dt.date.fromordinal(first),
        end=end,
        exposure_days=exposure.sum(axis=0),
        moves=moves.sum(axis=0),
        exits=exits.sum(axis=0),
        entries=entries,
        entries_by_month=by_month,
        month_ends=tuple(month_ends[1:]),
        entry_age_months=entry_ages,
        age18_exits=age18,
        staying_put=staying,
        exposure_by_group=exposure,
        moves_by_group=moves,
        exits_by_group=exits,
    )
