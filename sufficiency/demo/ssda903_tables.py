"""SSDA903 header, episodes and UASC tables per collection year, as the DfE return lays them out.

A collection year ending 31 March Y holds every episode open at any time from 1 April Y-1 to
31 March Y (or to the as-of date for the current year); an episode still open at the end of
the year has DEC, REC and REASON_PLACE_CHANGE blank. Dates are dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt

from sufficiency.demo.episodes import EpisodeRow
from sufficiency.demo.history import ChildHistory, Header
from sufficiency.domain import Sex
from sufficiency.ssda903 import DFE_COLUMNS

HEADER_COLUMNS = DFE_COLUMNS["header"]
EPISODE_COLUMNS = DFE_COLUMNS["episodes"]
UASC_COLUMNS = DFE_COLUMNS["uasc"]
Tables = dict[int, dict[str, list[dict[str, str]]]]


def _date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _sex(sex: Sex) -> str:
    return "1" if sex == Sex.MALE else "2"


def collection_year(day: dt.date) -> int:
    """The collection year (by its ending 31 March) a day falls in: 23/11/2026 -> 2027."""
    return day.year + 1 if day.month >= 4 else day.year


def _episode(row: EpisodeRow, year_end: dt.date) -> dict[str, str]:
    closed = row.ceased is not None and row.ceased <= year_end
    return {
        "CHILD": row.child_id,
        "DECOM": _date(row.started),
        "RNE": row.reason_new_episode,
        "LS": row.legal_status,
        "CIN": row.category_of_need,
        "PLACE": row.place,
        "PLACE_PROVIDER": row.provider,
        "DEC": _date(row.ceased) if closed else "",
        "REC": row.reason_ceased if closed else "",
        "REASON_PLACE_CHANGE": row.reason_place_change if closed else "",
        "HOME_POST": row.home_postcode,
        "PL_POST": row.placement_postcode,
        "URN": row.provider_urn,
    }


def _header(child: Header, end: dt.date) -> dict[str, str]:
    """A header row; MOTHER is 1 only once the child's own baby is born."""
    baby = (
        child.mother_child_dob if child.mother_child_dob and child.mother_child_dob <= end else None
    )
    return {
        "CHILD": child.child_id, "SEX": _sex(child.sex), "DOB": _date(child.date_of_birth),
        "ETHNIC": child.ethnicity, "UPN": child.upn,
        "MOTHER": ("1" if baby else "0") if child.mother else "", "MC_DOB": _date(baby),
    }  # fmt: skip


def tables_for(
    histories: tuple[ChildHistory, ...],
    as_of: dt.date,
    first_year: int,
    last_year: int | None = None,
) -> Tables:
    """``{year: {"header": rows, "episodes": rows, "uasc": rows}}`` for each collection year.

    ``year`` is the calendar year the collection year ends in (2021 = 2020/21); the last
    defaults to the year holding ``as_of``, whose tables stop at ``as_of``.
    """
    tables: Tables = {}
    for year in range(first_year, (last_year or collection_year(as_of)) + 1):
        start, end = dt.date(year - 1, 4, 1), min(dt.date(year, 3, 31), as_of)
        header, episodes, uasc = [], [], []
        for history in histories:
            rows = [
                r
                for r in history.episodes
                if r.started <= end and (r.ceased is None or r.ceased >= start)
            ]
            if not rows:
                continue
            child = history.header
            header.append(_header(child, end))
            episodes.extend(_episode(r, end) for r in rows)
            if child.uasc:
                uasc.append(
                    {
                        "CHILD": child.child_id,
                        "SEX": _sex(child.sex),
                        "DOB": _date(child.date_of_birth),
                        "DUC": _date(child.uasc_ceased),
                    }
                )
        tables[year] = {"header": header, "episodes": episodes, "uasc": uasc}
    return tables
