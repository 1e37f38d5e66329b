"""What a DfE-style cleaner must drop from a real SSDA903 return: temporary moves, short breaks.

Temporary moves (PLACE T1-T4) interrupt a foster placement for a few days and return to it;
short breaks (LS V3 single, V4 series) belong to disabled children who are not otherwise
looked after. Both are excluded from DfE's looked-after counts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sufficiency.demo.episodes import EpisodeRow, offset_day, replace_row
from sufficiency.demo.providers import NO_URN

TEMPORARY_MOVE_SHARE = 0.03  # of foster placements over 90 days: a T-code episode in the middle


def with_temporary_moves(rows: list[EpisodeRow], rng: np.random.Generator) -> list[EpisodeRow]:
    """Split a few long foster episodes around a short temporary move (T1-T4; cleaners drop it)."""
    result: list[EpisodeRow] = []
    for row in rows:
        long_enough = row.ceased is not None and (row.ceased - row.started).days > 90
        if not (
            long_enough
            and row.place in {"U1", "U3", "U4", "U6"}
            and rng.random() < TEMPORARY_MOVE_SHARE
        ):
            result.append(row)
            continue
        away = offset_day(row.started, rng, 20, (row.ceased - row.started).days - 30)
        back = offset_day(away, rng, 2, 12)
        code = ("T1", "T2", "T3", "T4")[int(rng.integers(4))]
        result += [
            replace_row(row, ceased=away, reason_ceased="X1", reason_place_change="OTHER"),
            replace_row(
                row,
                started=away,
                reason_new_episode="P",
                place=code,
                ceased=back,
                reason_ceased="X1",
                reason_place_change="OTHER",
                provider_urn=NO_URN,
            ),
            replace_row(row, started=back, reason_new_episode="P"),
        ]
    return result


def short_break_rows(
    child_id: str,
    first: dt.date,
    last: dt.date,
    home_postcode: str,
    carer_postcode: str,
    urn: str,
    rng: np.random.Generator,
    *,
    single: bool = False,
) -> list[EpisodeRow]:
    """A disabled child's agreed series of short breaks (LS V4): 1-3 nights every 6-13 weeks.

    ``single``: one short break only (LS V3). DfE excludes these children from looked-after
    counts; a reader must drop them too.
    """
    rows: list[EpisodeRow] = []
    day = offset_day(first, rng, 0, 30)
    while day < last and not (single and rows):
        home = offset_day(day, rng, 1, 4)
        rows.append(
            EpisodeRow(
                child_id,
                day,
                "S",
                "V3" if single else "V4",
                "N2",
                "U6",
                "PR1",
                home,
                "E4A",
                "",
                home_postcode,
                carer_postcode,
                urn,
            )
        )
        day = offset_day(home, rng, 42, 90)
    return rows
