"""When past referrals occupy a household's places: spans of days, and their cliques.

A household's places are shared over time; the capacity rules only need one row per
*maximal* set of referrals there at the same time (the maximal cliques of an interval graph),
found here by one sweep over start and end points. No solver, no dates from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from matching.gaps import PastReferral

#: The end of a span that is still open (a placement going on past the as-of date).
OPEN_END = dt.date.max


def day_span(past: PastReferral) -> tuple[dt.date, dt.date]:
    """Days the children would live in the household: [start, end), at least their first day.

    A placement still open on the as-of date (or a referral not placed yet) runs on: it holds
    its places for any referral that starts later, such as today's open referrals.
    """
    start = past.referral.start_date
    if past.still_open:
        return start, OPEN_END
    return start, max(past.ends_on, start + dt.timedelta(days=1))


def interval_cliques(spans: Sequence[tuple[object, object]]) -> list[tuple[int, ...]]:
    """The maximal sets of half-open spans [start, end) that all overlap at one moment.

    Returns the positions of the spans in each set, sorted. A set is recorded just before an
    end point follows a start point (ends sort before starts at the same moment, as the spans
    are half-open), so every set that another set contains is left out.
    """
    events = sorted(
        [(end, 0, i) for i, (_, end) in enumerate(spans)]
        + [(start, 1, i) for i, (start, _) in enumerate(spans)]
    )
    active: set[int] = set()
    grown = False
    cliques: list[tuple[int, ...]] = []
    for _, is_start, index in events:
        if is_start:
            active.add(index)
            grown = True
            continue
        if grown:
            cliques.append(tuple(sorted(active)))
            grown = False
        active.discard(index)
    if grown:
        cliques.append(tuple(sorted(active)))
    return cliques
