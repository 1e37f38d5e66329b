"""The cleaned SSDA903 history, and what engines need from it: stock, exposure and events.

``History`` is the stitched, per-child record (built by ``sufficiency.ssda903``);
``spell_table`` flattens it to numpy arrays; ``stock_series`` and ``population_on`` count
children by state. Rates are estimated elsewhere (``sufficiency.rates``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from sufficiency.domain import (
    AGE_18_ROUTE,
    EXIT_ROUTES,
    AgeBand,
    ChildId,
    ChildRecord,
    PlacementType,
    State,
    eighteenth_birthday,
)

AGE_BANDS: tuple[AgeBand, ...] = tuple(AgeBand)
PLACEMENT_TYPES: tuple[PlacementType, ...] = tuple(PlacementType)
#: Every forecast state, in the order engines use: band, then placement type, then UASC.
STATES: tuple[State, ...] = tuple(
    State(band, placement, uasc)
    for uasc in (False, True)
    for band in AGE_BANDS
    for placement in PLACEMENT_TYPES
)
#: Months of age at which a child enters each band (0, 12, 60, 120, 192) and leaves care (216).
BAND_START_MONTHS = np.array([b.min_age_years * 12 for b in AGE_BANDS] + [216])
MAX_AGE_MONTHS = 216

#: 903 reason-episode-ceased codes per exit route; any other code is "other".
REASON_ROUTES: dict[str, str] = {
    "E4A": "reunification",
    "E4B": "reunification",
    "E13": "reunification",
    "E43": "special guardianship",
    "E44": "special guardianship",
    "E45": "special guardianship",
    "E46": "special guardianship",
    "E11": "adoption",
    "E12": "adoption",
}
STAYING_PUT_REASON = "E17"
#: Outcome codes in ``SpellTable.outcome``.
CENSORED, MOVE, EXIT = 0, 1, 2


def state_index(band: int, placement: int, uasc: bool) -> int:
    """Position of (band, placement type, UASC) in ``STATES``."""
    return (len(AGE_BANDS) * int(uasc) + band) * len(PLACEMENT_TYPES) + placement


def band_of_months(age_months: np.ndarray) -> np.ndarray:
    """Age band index for ages in whole months (0-215)."""
    return np.searchsorted(BAND_START_MONTHS, age_months, side="right") - 1


def age_months_on(born: dt.date, day: dt.date) -> int:
    """Whole months of age on ``day``."""
    months = (day.year - born.year) * 12 + day.month - born.month
    return months - (1 if day.day < born.day else 0)


@dataclass(frozen=True, slots=True)
class History:
    """Cleaned looked-after history: one record per child with their episodes in order.

    ``data_start`` is the first day the files describe completely (children who left care
    before it are missing); ``extract_date`` the last. ``mothers`` are children recorded as
    mothers (header MOTHER = 1); ``mothers_since`` when each became one where the files say
    (MC_DOB, else the collection year; absent = throughout). ``cleaning_log`` says what
    stitching changed.
    """

    children: tuple[ChildRecord, ...]
    data_start: dt.date
    extract_date: dt.date
    mothers: frozenset[ChildId] = frozenset()
    cleaning_log: tuple[str, ...] = ()
    mothers_since: Mapping[ChildId, dt.date] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.extract_date < self.data_start:
            raise ValueError(
                f"extract_date: {self.extract_date} is before data_start {self.data_start}"
            )

    @classmethod
    def from_children(
        cls,
        children: Iterable[ChildRecord],
        *,
        mothers: frozenset[ChildId] = frozenset(),
        extract_date: dt.date | None = None,
        data_start: dt.date | None = None,
        cleaning_log: tuple[str, ...] = (),
        mothers_since: Mapping[ChildId, dt.date] | None = None,
    ) -> History:
        """Build a history; default dates: earliest episode end (or start) and latest date seen."""
        children = tuple(children)
        episodes = [e for c in children for e in c.episodes]
        if not episodes:
            raise ValueError("children: the history holds no episodes")
        ends = [e.ceased for e in episodes if e.ceased is not None]
        starts = [e.started for e in episodes]
        if data_start is None:
            data_start = min(ends) if ends else min(starts)
        if extract_date is None:
            extract_date = max(starts + ends)
        return cls(
            children,
            min(data_start, extract_date),
            extract_date,
            mothers,
            cleaning_log,
            dict(mothers_since or {}),
        )

    def truncated(self, as_of: dt.date) -> History:
        """The history as it was known at the end of ``as_of`` (later events unknown)."""
        children = []
        for child in self.children:
            kept = []
            for episode in child.episodes:
                if episode.started > as_of:
                    continue
                if episode.ceased is not None and episode.ceased > as_of:
                    episode = replace(episode, ceased=None, reason_ceased="")
                kept.append(episode)
            if kept:
                children.append(replace(child, episodes=tuple(kept)))
        return replace(self, children=tuple(children), extract_date=as_of)


@dataclass(frozen=True, slots=True)
class SpellTable:
    """Each episode as numpy arrays of day numbers (``date.toordinal()``).

    A spell is in care on days ``start <= day < stop``; ``stop`` is the extract date + 1
    for open episodes. ``outcome``: 0 open at the extract date, 1 moved to another
    placement type (``next_placement``), 2 left care by ``route`` (index into
    ``EXIT_ROUTES``, or ``len(EXIT_ROUTES)`` for the 18th birthday). ``entry`` marks the
    first episode of a period of care.
    """

    child: np.ndarray
    born: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    placement: np.ndarray
    uasc: np.ndarray
    outcome: np.ndarray
    next_placement: np.ndarray
    route: np.ndarray
    entry: np.ndarray
    staying_put: np.ndarray
    disabled: np.ndarray


def _exit_route(reason: str, ceased: dt.date, born: dt.date) -> int:
    if ceased >= eighteenth_birthday(born):
        return len(EXIT_ROUTES)
    return EXIT_ROUTES.index(REASON_ROUTES.get(reason, "other"))


def _spell_rows(index: int, child: ChildRecord, end: int) -> Iterable[tuple]:
    placements = PLACEMENT_TYPES
    episodes = child.episodes
    for k, episode in enumerate(episodes):
        following = episodes[k + 1] if k + 1 < len(episodes) else None
        entry = k == 0 or episodes[k - 1].ceased != episode.started
        stop = end if episode.ceased is None else min(episode.ceased.toordinal(), end)
        outcome, next_placement, route = CENSORED, -1, -1
        if episode.ceased is not None and episode.ceased.toordinal() <= end:
            if following is not None and following.started == episode.ceased:
                outcome, next_placement = MOVE, placements.index(following.placement_type)
            else:
                outcome = EXIT
                route = _exit_route(episode.reason_ceased, episode.ceased, child.date_of_birth)
        yield (
            index,
            child.date_of_birth.toordinal(),
            episode.started.toordinal(),
            stop,
            placements.index(episode.placement_type),
            child.unaccompanied_asylum_seeking,
            outcome,
            next_placement,
            route,
            entry,
            episode.reason_ceased == STAYING_PUT_REASON,
            child.disabled,
        )


def spell_table(history: History) -> SpellTable:
    """Flatten a history to arrays (one row per episode) for vectorised counting."""
    end = history.extract_date.toordinal() + 1
    rows = [row for i, child in enumerate(history.children) for row in _spell_rows(i, child, end)]
    columns = list(zip(*rows, strict=True)) if rows else [()] * 12
    names = (
        "child",
        "born",
        "start",
        "stop",
        "placement",
        "uasc",
        "outcome",
        "next_placement",
        "route",
        "entry",
        "staying_put",
        "disabled",
    )
    types = (np.int64,) * 5 + (bool,) + (np.int64,) * 3 + (bool,) * 3
    return SpellTable(
        **{n: np.asarray(c, dtype=t) for n, c, t in zip(names, columns, types, strict=True)}
    )


def _age_months(born: np.ndarray, day: dt.date) -> np.ndarray:
    dates = [dt.date.fromordinal(int(b)) for b in born]
    return np.array([age_months_on(b, day) for b in dates], dtype=np.int64)


def population_on(spells: SpellTable, day: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children in care at the end of ``day``: (age in months, placement index, UASC) arrays."""
    ordinal = day.toordinal()
    here = (spells.start <= ordinal) & (spells.stop > ordinal)
    ages = _age_months(spells.born[here], day)
    keep = ages < MAX_AGE_MONTHS
    return ages[keep], spells.placement[here][keep], spells.uasc[here][keep]


def counts_by_state(ages: np.ndarray, placements: np.ndarray, uasc: np.ndarray) -> np.ndarray:
    """Counts per ``STATES`` entry from per-child arrays."""
    index = (len(AGE_BANDS) * uasc.astype(np.int64) + band_of_months(ages)) * len(
        PLACEMENT_TYPES
    ) + placements
    return np.bincount(index, minlength=len(STATES))


def stock_series(spells: SpellTable, days: Sequence[dt.date]) -> np.ndarray:
    """Children in care at the end of each day, shape (days, states)."""
    return (
        np.stack([counts_by_state(*population_on(spells, day)) for day in days])
        if days
        else (np.zeros((0, len(STATES)), dtype=np.int64))
    )


def state_label_index() -> dict[State, int]:
    return {state: i for i, state in enumerate(STATES)}


__all__ = [
    "AGE_18_ROUTE",
    "STATES",
    "History",
    "SpellTable",
    "spell_table",
    "population_on",
    "stock_series",
]
