"""Stitch parsed SSDA903 rows from several years into one clean episode history per child.

Applies the DfE counting conventions: the latest year's copy of an episode wins, overlaps
are trimmed, legal-status-only changes merged, short breaks (LS V3/V4) dropped and
temporary placements (T0-T4) folded into the placement they interrupt. No file access.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from sufficiency.domain import (
    ChildId,
    ChildRecord,
    Episode,
    PlacementType,
    Sex,
    eighteenth_birthday,
)
from sufficiency.errors import FieldError, InputDataError
from sufficiency.history import History
from sufficiency.placement_codes import SHORT_BREAK_LEGAL_STATUSES, placement_type_for
from sufficiency.ssda903_rules import RULES

TEMPORARY_CODES = frozenset({"T0", "T1", "T2", "T3", "T4"})
DISABILITY_NEED = "N2"


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One parsed episodes-file row (codes upper-case, dates parsed)."""

    child_id: ChildId
    started: dt.date
    ceased: dt.date | None
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    placement_code: str
    provider_code: str
    reason_ceased: str
    home_postcode: str
    placement_postcode: str
    source: str
    row: int
    rank: tuple


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """One parsed header-file or UASC-file row."""

    child_id: ChildId
    sex: str
    date_of_birth: dt.date
    ethnicity: str
    is_mother: bool
    source: str
    row: int
    rank: tuple
    uasc: bool = False
    uasc_ceased: dt.date | None = None
    mothers_child_born: dt.date | None = None


def _latest(rows: list[EpisodeRow], log: Counter) -> list[EpisodeRow]:
    """One row per (child, start date): the copy from the latest file wins."""
    best: dict[tuple, EpisodeRow] = {}
    for row in rows:
        key = (row.child_id, row.started)
        if key in best:
            log["duplicate episodes dropped (the latest year's copy kept)"] += 1
        if key not in best or row.rank >= best[key].rank:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.child_id, r.started))


def _trim_overlaps(episodes: list[EpisodeRow], log: Counter) -> list[EpisodeRow]:
    """An episode still open (or ending late) when the next one starts ends that day."""
    out: list[EpisodeRow] = []
    for current, following in zip(episodes, [*episodes[1:], None], strict=False):
        if following is not None and (current.ceased is None or current.ceased > following.started):
            log["overlapping or unclosed episodes trimmed to the next episode's start"] += 1
            current = replace(current, ceased=following.started, reason_ceased="X1")
        out.append(current)
    return out


def _contiguous(previous: EpisodeRow, current: EpisodeRow) -> bool:
    return previous.ceased is not None and previous.ceased == current.started


def _same_placement(previous: EpisodeRow, current: EpisodeRow) -> bool:
    return (previous.placement_code, previous.provider_code, previous.placement_postcode) == (
        current.placement_code,
        current.provider_code,
        current.placement_postcode,
    )


def _merge(episodes: list[EpisodeRow], log: Counter) -> list[EpisodeRow]:
    """Fold legal-status-only changes and temporary placements into the episode before."""
    out: list[EpisodeRow] = []
    for current in episodes:
        previous = out[-1] if out else None
        if previous is not None and _contiguous(previous, current):
            temporary = current.placement_code in TEMPORARY_CODES
            if temporary or current.reason_new_episode == "L" or _same_placement(previous, current):
                kind = (
                    "temporary placements folded into the placement before"
                    if temporary
                    else ("episodes changing only legal status merged")
                )
                log[kind] += 1
                out[-1] = replace(
                    previous, ceased=current.ceased, reason_ceased=current.reason_ceased
                )
                continue
        out.append(current)
    return out


def _clip_at_18(
    episodes: list[EpisodeRow], born: dt.date, end: dt.date, log: Counter
) -> list[EpisodeRow]:
    """Nobody is looked after from their 18th birthday (if by ``end``): later days are cut."""
    limit = eighteenth_birthday(born)
    if limit > end:
        return episodes
    out = []
    for episode in episodes:
        if episode.started >= limit:
            log["episodes starting on or after the 18th birthday dropped"] += 1
            continue
        if episode.ceased is None or episode.ceased > limit:
            log["episodes running past the 18th birthday ended on it"] += 1
            episode = replace(episode, ceased=limit, reason_ceased=episode.reason_ceased or "E8")
        out.append(episode)
    return out


def _clean(rows: list[EpisodeRow], born: dt.date, end: dt.date, log: Counter) -> list[EpisodeRow]:
    kept = []
    for row in rows:
        if row.legal_status in SHORT_BREAK_LEGAL_STATUSES:
            log["short-break episodes (LS V3/V4) excluded"] += 1
        else:
            kept.append(row)
    episodes = _trim_overlaps(kept, log)
    episodes = _merge(episodes, log)
    return _clip_at_18(episodes, born, end, log)


def _to_episode(row: EpisodeRow) -> Episode:
    placement_type = (
        PlacementType.OTHER
        if row.placement_code in TEMPORARY_CODES
        else placement_type_for(row.placement_code, row.provider_code)
    )
    return Episode(
        child_id=row.child_id,
        started=row.started,
        ceased=row.ceased,
        placement_code=row.placement_code,
        placement_type=placement_type,
        legal_status=row.legal_status,
        provider_code=row.provider_code,
        reason_new_episode=row.reason_new_episode,
        reason_ceased=row.reason_ceased,
        category_of_need=row.category_of_need,
        home_postcode=row.home_postcode,
        placement_postcode=row.placement_postcode,
    )


def _headers(header_rows: list[HeaderRow], uasc_rows: list[HeaderRow]) -> dict[ChildId, HeaderRow]:
    """The latest header per child, flagged UASC if any UASC file lists the child."""
    latest: dict[ChildId, HeaderRow] = {}
    for row in sorted(header_rows, key=lambda r: r.rank):
        mother = row.is_mother or (row.child_id in latest and latest[row.child_id].is_mother)
        latest[row.child_id] = replace(row, is_mother=mother)
    for row in uasc_rows:
        if row.child_id in latest:
            latest[row.child_id] = replace(
                latest[row.child_id], uasc=True, uasc_ceased=row.uasc_ceased
            )
    return latest


def mother_since(header_rows: list[HeaderRow]) -> dict[ChildId, dt.date | None]:
    """When each child recorded as a mother (MOTHER = 1) became one, as far as the files say.

    The earliest MC_DOB given; else the start (1 April) of the earliest collection year whose
    header says MOTHER = 1; ``None`` if neither is known (a mother throughout the data).
    """
    since: dict[ChildId, dt.date | None] = {}
    for row in header_rows:
        if not row.is_mother:
            continue
        year = row.rank[0] if row.rank else 0
        day = row.mothers_child_born or (dt.date(year - 1, 4, 1) if year else None)
        known = since.get(row.child_id, day)
        since[row.child_id] = None if day is None or known is None else min(day, known)
    return since


def _check_children(by_child: dict, headers: dict[ChildId, HeaderRow]) -> list[FieldError]:
    errors = []
    for child_id, rows in by_child.items():
        header = headers.get(child_id)
        if header is None:
            first = rows[0]
            errors.append(
                FieldError(
                    first.source,
                    first.row,
                    "CHILD",
                    f"child {child_id} has episodes but no header row in any header file",
                    rule=RULES["no_header"],
                )
            )
            continue
        for row in rows:
            if row.started < header.date_of_birth:
                errors.append(
                    FieldError(
                        row.source,
                        row.row,
                        "DECOM",
                        f"child {child_id}'s episode starts before their "
                        f"date of birth (DOB in {header.source} row {header.row})",
                        actual=row.started.strftime("%d/%m/%Y"),
                        expected="on or after the date of birth",
                        rule=RULES["before_birth"],
                    )
                )
    return errors


def cross_file_errors(
    episode_rows: list[EpisodeRow], header_rows: list[HeaderRow], uasc_rows: list[HeaderRow]
) -> list[FieldError]:
    """Problems between files: episodes without a header, episodes before the birth date."""
    by_child: dict[ChildId, list[EpisodeRow]] = defaultdict(list)
    for row in episode_rows:
        by_child[row.child_id].append(row)
    return _check_children(by_child, _headers(header_rows, uasc_rows))


def stitch(
    episode_rows: list[EpisodeRow],
    header_rows: list[HeaderRow],
    uasc_rows: list[HeaderRow],
    *,
    extract_date: dt.date | None = None,
) -> History:
    """Clean, per-child episode history from parsed rows; ``InputDataError`` if rows disagree."""
    log: Counter = Counter()
    headers = _headers(header_rows, uasc_rows)
    by_child: dict[ChildId, list[EpisodeRow]] = defaultdict(list)
    for row in _latest(episode_rows, log):
        by_child[row.child_id].append(row)
    errors = _check_children(by_child, headers)
    if errors:
        raise InputDataError(
            errors, summary=f"SSDA903 import failed: {len(errors)} problem(s); nothing was imported"
        )
    if extract_date is None:
        extract_date = max(max(r.started, r.ceased or r.started) for r in episode_rows)
    children = []
    for child_id, rows in sorted(by_child.items()):
        header = headers[child_id]
        episodes = tuple(
            _to_episode(r) for r in _clean(rows, header.date_of_birth, extract_date, log)
        )
        if not episodes:
            continue
        children.append(
            ChildRecord(
                child_id=child_id,
                sex=Sex.MALE if header.sex == "1" else Sex.FEMALE,
                date_of_birth=header.date_of_birth,
                ethnicity=header.ethnicity,
                unaccompanied_asylum_seeking=header.uasc,
                disabled=any(r.category_of_need == DISABILITY_NEED for r in rows),
                episodes=episodes,
            )
        )
    since = mother_since(header_rows)
    return History.from_children(
        children,
        mothers=frozenset(c for c, h in headers.items() if h.is_mother),
        mothers_since={c: d for c, d in since.items() if d is not None},
        extract_date=extract_date,
        cleaning_log=tuple(f"{n} {what}" for what, n in sorted(log.items())),
    )
