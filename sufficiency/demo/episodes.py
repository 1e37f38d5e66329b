"""SSDA903 episodes for a child's periods of care: placements, legal statuses and their changes.

A new episode starts whenever the placement, the carers' placement code or the legal status
changes (RNE S/P/T/B/L), as the DfE return requires. Adds the quirks a real return has:
emergency legal statuses, long-term fostering agreed with the same carers, the April 2025
code change. Temporary moves and short breaks are added by ``quirks``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.demo.careers import Period, Person
from sufficiency.demo.placements import Stay
from sufficiency.demo.providers import place_code
from sufficiency.demo.statistics import NationalStatistics
from sufficiency.domain import PlacementType, age_on
from sufficiency.placement_codes import COLLECTION_2025_26_START

_P = PlacementType
_FOSTER_TYPES = {_P.IN_HOUSE_FOSTERING, _P.AGENCY_FOSTERING, _P.KINSHIP_FOSTERING}
ENTRY_LEGAL_STATUS = {
    "C1": 0.32,
    "L1": 0.03,
    "L2": 0.07,
    "V2": 0.565,
    "J2": 0.015,
}  # national starts


@dataclass(frozen=True, slots=True)
class PlacedStay:
    """A placement with where it is and who provides it."""

    stay: Stay
    postcode: str
    provider: str  # PLACE_PROVIDER
    urn: str  # Ofsted URN of the provider, or "XXXXXXX"
    household_id: str = ""
    draw: float = 0.5  # picks among equivalent PLACE codes, fixed for the whole stay


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One row of the SSDA903 episodes table, typed."""

    child_id: str
    started: dt.date
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    place: str
    provider: str
    ceased: dt.date | None
    reason_ceased: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    provider_urn: str


def _pick(options: dict[str, float], rng: np.random.Generator) -> str:
    keys = list(options)
    weights = np.array([options[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def offset_day(day: dt.date, rng: np.random.Generator, low: int, high: int) -> dt.date:
    return day + dt.timedelta(days=int(rng.integers(low, high)))


def legal_statuses(
    person: Person, period: Period, stays: list[PlacedStay], rng: np.random.Generator
) -> dict[dt.date, str]:
    """Legal status from each change date: emergency orders, interim then full care orders."""
    young = age_on(person.date_of_birth, period.started) < 10
    first = "V2" if person.uasc else _pick(ENTRY_LEGAL_STATUS, rng)
    if first == "J2" and age_on(person.date_of_birth, period.started) < 12:
        first = "V2"
    changes = {period.started: first}
    status, day = first, period.started
    if status in {"L1", "L2"}:  # emergency protection or police protection, then a court order
        day, status = offset_day(day, rng, 1, 9), ("C1" if rng.random() < 0.6 else "V2")
        changes[day] = status
    if status == "V2" and young and rng.random() < 0.2:
        day, status = offset_day(day, rng, 30, 200), "C1"
        changes[day] = status
    if status == "J2":
        day, status = offset_day(day, rng, 20, 90), "V2"
        changes[day] = status
    if status == "C1":
        changes[offset_day(day, rng, 180, 420)] = "C2"
    for placed in stays:
        if placed.stay.placement_type == _P.PLACED_FOR_ADOPTION:
            changes[placed.stay.started] = "E1"
        elif placed.stay.placement_type == _P.PLACED_WITH_PARENTS:
            before = [s for d, s in sorted(changes.items()) if d <= placed.stay.started]
            if before[-1] not in {"C1", "C2"}:
                changes[placed.stay.started] = "C2"
    end = period.ceased or dt.date.max
    placed_for_adoption = [d for d, s in changes.items() if s == "E1"]
    if placed_for_adoption:  # the placement order holds from then on
        end = min(end, placed_for_adoption[0] + dt.timedelta(days=1))
    return {d: s for d, s in sorted(changes.items()) if d < end}


def _carer_changes(
    placed: PlacedStay, end: dt.date, rng: np.random.Generator
) -> dict[dt.date, bool]:
    """Dates a stay's code changes with the same carers -> whether it is now long-term."""
    stay, changes = placed.stay, {}
    if (
        stay.placement_type in _FOSTER_TYPES
        and (end - stay.started).days > 400
        and rng.random() < 0.7
    ):
        changes[offset_day(stay.started, rng, 250, 400)] = True
    if (
        stay.placement_type in {_P.SUPPORTED_ACCOMMODATION, _P.OTHER}
        and stay.started < COLLECTION_2025_26_START < end
    ):
        changes[COLLECTION_2025_26_START] = False  # retired code closed, new code opened
    return changes


def _need(person: Person, stats: NationalStatistics, rng: np.random.Generator) -> str:
    """Category of need (CIN): absent parenting for UASC, else the national starts mix."""
    if person.uasc:
        return "N8"
    if person.disabled and rng.random() < 0.5:
        return "N2"
    return _pick(stats.start_need, rng)


def _events(
    stays: list[PlacedStay], statuses: dict[dt.date, str], end: dt.date, rng: np.random.Generator
) -> dict[dt.date, dict]:
    """Change dates -> what changed: "stay" (index), "carer" (now long-term?), "legal"."""
    events: dict[dt.date, dict] = {}
    for index, placed in enumerate(stays):
        events.setdefault(placed.stay.started, {})["stay"] = index
        for day, long_term in _carer_changes(placed, placed.stay.ended or end, rng).items():
            events.setdefault(day, {}).setdefault("carer", long_term)
    for day, status in statuses.items():
        events.setdefault(day, {})["legal"] = status
    return events


def _reason_new_episode(first: bool, moved: bool, legal_changed: bool, carer: bool) -> str:
    """RNE: S start, B/P new carers (with/without a legal change), U/T same carers, L legal only."""
    if first:
        return "S"
    if moved:
        return "B" if legal_changed else "P"
    if carer:
        return "U" if legal_changed else "T"
    return "L"


def episode_rows(
    person: Person,
    period: Period,
    stays: list[PlacedStay],
    home_postcode: str,
    as_of: dt.date,
    stats: NationalStatistics,
    rng: np.random.Generator,
) -> list[EpisodeRow]:
    """Every 903 episode of one period of care, in date order."""
    end = period.ceased or as_of
    need = _need(person, stats, rng)
    statuses = legal_statuses(person, period, stays, rng)
    events = _events(stays, statuses, end, rng)
    rows: list[EpisodeRow] = []
    state = {"stay": 0, "legal": statuses[period.started], "long": False}
    for day in sorted(d for d in events if d < end or d == period.started):
        event = events[day]
        moved = "stay" in event and day != period.started
        if "stay" in event:
            state.update(stay=event["stay"], long=False)
        if "carer" in event:
            state["long"] = state["long"] or event["carer"]
        legal_changed = "legal" in event and event["legal"] != state["legal"]
        state["legal"] = event.get("legal", state["legal"])
        if rows and not (moved or legal_changed or "carer" in event):
            continue
        placed = stays[state["stay"]]
        code = place_code(
            placed.stay.placement_type,
            day,
            long_term=state["long"],
            age_years=age_on(person.date_of_birth, day),
            draw=placed.draw,
        )
        rne = _reason_new_episode(not rows, moved, legal_changed, "carer" in event)
        rows.append(
            EpisodeRow(person.child_id, day, rne, state["legal"], need, code, placed.provider, None,
                       "", "", home_postcode, placed.postcode, placed.urn)
        )  # fmt: skip
    return _close(rows, period, stats, rng)


def _close(
    rows: list[EpisodeRow], period: Period, stats: NationalStatistics, rng: np.random.Generator
) -> list[EpisodeRow]:
    """Fill DEC, REC (X1 between episodes) and the reason each placement ended."""
    moves = {k: v for k, v in stats.move_reasons.items() if k != "PLACE"}
    closed = []
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        if following is None:
            closed.append(
                replace_row(row, ceased=period.ceased, reason_ceased=period.reason_ceased)
            )
            continue
        why = (
            ""
            if following.reason_new_episode == "L"
            else ("PLACE" if following.reason_new_episode in {"T", "U"} else _pick(moves, rng))
        )
        closed.append(
            replace_row(row, ceased=following.started, reason_ceased="X1", reason_place_change=why)
        )
    return closed


def replace_row(row: EpisodeRow, **changes) -> EpisodeRow:
    values = {name: getattr(row, name) for name in EpisodeRow.__slots__}
    values.update(changes)
    return EpisodeRow(**values)
