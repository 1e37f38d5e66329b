"""Need beyond placement type: disability, sibling groups, parent and child, from SSDA903.

Flags each episode with the needs the 903 data can show, and estimates each need's share of
the children in every forecast state (UASC x age band x placement type) from the recent
history, small cells pooled towards their placement type. The forecast of need counts is
``sufficiency.need_forecast``. What SSDA903 can and cannot say is in docs/forecast.md.

- disability: the episode's category of need is N2 ("child's disability");
- sibling group: the child's period of care began on the same day as another child's, with
  the same (non-blank) home postcode HOME_POST on that first episode. SSDA903 has no family
  identifier, so this is an inference: it misses siblings who come into care on different
  days or from different addresses, and counts unrelated children entering on one day from
  one postcode (rare with full postcodes, common if only the district is recorded);
- parent and child: the episode is a parent-and-child placement (PLACE R3, family centre or
  mother and baby unit, or Z11 from 2025/26), or the child is recorded as a mother (header
  MOTHER = 1) and the episode runs past the day she became one (MC_DOB where given).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import PlacementType
from sufficiency.events import N_BANDS, N_TYPES, _birthdays, add_months
from sufficiency.history import PLACEMENT_TYPES, STATES, History, SpellTable, spell_table

NEEDS: tuple[str, ...] = ("disability", "sibling group", "parent and child")
DISABILITY_NEED = "N2"
PARENT_AND_CHILD_CODES = frozenset({"R3", "Z11"})
_PARENT_AND_CHILD = PLACEMENT_TYPES.index(PlacementType.PARENT_AND_CHILD)


def _period_starts(history: History) -> list[list[dt.date]]:
    """Per child, the start of the period of care each episode belongs to."""
    out = []
    for child in history.children:
        starts, start, previous = [], None, None
        for episode in child.episodes:
            if previous is None or previous.ceased != episode.started:
                start = episode.started
            starts.append(start)
            previous = episode
        out.append(starts)
    return out


def _sibling_periods(history: History, periods: list[list[dt.date]]) -> set[tuple[int, dt.date]]:
    """(child index, period start) of every period of care begun on the same day, from the
    same home postcode, as another child's."""
    first: dict[tuple[int, dt.date], str] = {}
    for i, child in enumerate(history.children):
        for episode, start in zip(child.episodes, periods[i], strict=True):
            if episode.started == start and episode.home_postcode.strip():
                first[(i, start)] = episode.home_postcode.replace(" ", "").upper()
    together = Counter((start, post) for (_, start), post in first.items())
    return {key for key, post in first.items() if together[(key[1], post)] > 1}


def spell_needs(history: History) -> np.ndarray:
    """Need flags of every episode, in ``spell_table`` row order: (spells, ``NEEDS``) bool."""
    periods = _period_starts(history)
    siblings = _sibling_periods(history, periods)
    rows = []
    for i, child in enumerate(history.children):
        mother = child.child_id in history.mothers
        since = history.mothers_since.get(child.child_id)
        for episode, start in zip(child.episodes, periods[i], strict=True):
            is_mother = mother and (
                since is None or episode.ceased is None or episode.ceased > since
            )
            rows.append(
                (
                    episode.category_of_need == DISABILITY_NEED,
                    (i, start) in siblings,
                    episode.placement_code in PARENT_AND_CHILD_CODES or is_mother,
                )
            )
    return np.array(rows, dtype=bool).reshape(-1, len(NEEDS))


@dataclass(frozen=True, slots=True)
class NeedShares:
    """Each need's share of the children in each state, with its uncertainty.

    Attributes
    ----------
    needs : tuple[str, ...]
        Names of the needs (``NEEDS``), the first axis of the arrays.
    share : numpy.ndarray
        Posterior mean share of children in the state who have the need [0-1],
        shape (needs, states), states in ``STATES`` order.
    concentration : numpy.ndarray
        Strength of the Beta posterior of each share [children], shape (needs, states):
        ``share ~ Beta(share * concentration, (1 - share) * concentration)``.
    children : numpy.ndarray
        Different children seen in each state in the window [children], shape (states,).
    child_days : numpy.ndarray
        Days in care in each state in the window [child-days], shape (states,).
    window_start, as_of : datetime.date
        The window the shares were measured over (both days included).
    in_care_now : numpy.ndarray
        Children in care at the end of ``as_of`` with each need [children], shape (needs,).
    """

    needs: tuple[str, ...]
    share: np.ndarray
    concentration: np.ndarray
    children: np.ndarray
    child_days: np.ndarray
    window_start: dt.date
    as_of: dt.date
    in_care_now: np.ndarray

    def draw(
        self, runs: int, rng: np.random.Generator, uncertain: bool = True, sets: int = 100
    ) -> np.ndarray:
        """Shares for each run, (runs, needs, states): Beta draws, or the means.

        ``sets`` draws are shared by the runs in turn (run ``r`` uses draw ``r % sets``), as
        the simulation shares its rate draws.
        """
        inside = (self.share > 0) & (self.share < 1)
        a = np.where(inside, self.share * self.concentration, 1.0)
        b = np.where(inside, (1.0 - self.share) * self.concentration, 1.0)
        drawn = rng.beta(a, b, size=(min(runs, sets), *self.share.shape))
        if not uncertain:
            return np.broadcast_to(self.share, (runs, *self.share.shape)).copy()
        drawn = np.where(inside, drawn, self.share)
        return drawn[np.arange(runs) % drawn.shape[0]]


def _cell_days(spells: SpellTable, first: int, last: int) -> np.ndarray:
    """Days of each spell in each age band inside [first, last], shape (spells, bands)."""
    birthdays = _birthdays(spells.born)
    lo = np.maximum(spells.start, first)
    hi = np.minimum(spells.stop, last + 1)
    days = np.empty((spells.start.size, N_BANDS), dtype=np.int64)
    for band in range(N_BANDS):
        days[:, band] = np.minimum(hi, birthdays[:, band + 1]) - np.maximum(lo, birthdays[:, band])
    return np.maximum(days, 0)


def _distinct(child: np.ndarray, key: np.ndarray, size: int) -> np.ndarray:
    """Different children per key value."""
    pairs = np.unique(child * size + key)
    return np.bincount(pairs % size, minlength=size)


def _pooled(days, need_days, children, key, size, prior_children, towards):
    """Share per key value, shrunk towards ``towards`` (per key) with ``prior_children``."""
    total = np.bincount(key, days, minlength=size)
    needed = np.stack([np.bincount(key, d, minlength=size) for d in need_days])
    raw = np.divide(needed, total, out=np.zeros_like(needed), where=total > 0)
    weight = children / (children + prior_children)
    return weight * raw + (1 - weight) * towards, total


def estimate_need_shares(
    history: History, as_of: dt.date, *, window_months: int = 36, prior_children: float = 2.0
) -> NeedShares:
    """Share of children with each need per state, from the ``window_months`` to ``as_of``.

    Parameters
    ----------
    history : History
        Cleaned SSDA903 history (later events are ignored).
    as_of : datetime.date
        Last day of data to use.
    window_months : int
        Months of history the shares are measured over [months].
    prior_children : float
        Strength of pooling [children]: a state seen with this many different children is
        pulled halfway to its placement type's share.

    Returns
    -------
    NeedShares

    Rules
    -----
    A state's raw share is the need's child-days over all child-days in the state (so a
    child counts for the time spent there). With ``n`` different children seen in the state
    the share is ``(n * raw + k * type share) / (n + k)``, ``k = prior_children``; the type
    share is pooled the same way towards the need's share over all children. The Beta
    posterior's concentration is ``n + k``: uncertainty follows the number of children,
    not of days.
    """
    known = history.truncated(as_of)
    spells = spell_table(known)
    flags = spell_needs(known)
    first = add_months(as_of, -window_months).toordinal() + 1
    days = _cell_days(spells, first, as_of.toordinal())
    spell, band = np.nonzero(days > 0)
    d = days[spell, band].astype(float)
    state = (N_BANDS * spells.uasc[spell].astype(np.int64) + band) * N_TYPES
    state = state + spells.placement[spell]
    need_days = [d * flags[spell, k] for k in range(len(NEEDS))]
    child = spells.child[spell]
    placement = state % N_TYPES
    overall_days = max(d.sum(), 1.0)
    overall = np.array([nd.sum() / overall_days for nd in need_days])[:, None]
    type_share, _ = _pooled(
        d,
        need_days,
        _distinct(child, placement, N_TYPES),
        placement,
        N_TYPES,
        prior_children,
        overall,
    )
    children = _distinct(child, state, len(STATES))
    share, child_days = _pooled(
        d,
        need_days,
        children,
        state,
        len(STATES),
        prior_children,
        type_share[:, np.arange(len(STATES)) % N_TYPES],
    )
    # A parent-and-child placement is that need by definition: no estimate, no uncertainty.
    share[
        NEEDS.index("parent and child"), np.arange(len(STATES)) % N_TYPES == _PARENT_AND_CHILD
    ] = 1.0
    now = (spells.start <= as_of.toordinal()) & (spells.stop > as_of.toordinal())
    return NeedShares(
        NEEDS,
        share,
        np.broadcast_to(children + prior_children, share.shape).astype(float),
        children,
        child_days,
        dt.date.fromordinal(first),
        as_of,
        flags[now].sum(axis=0),
    )
