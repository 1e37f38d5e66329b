"""Assembles the demo council from its parts: history, today's placements, households and schools.

Order matters and is fixed: simulate careers, choose today's placement types and bands,
build households around today's fostered children, then locate every placement and write
the episodes. One ``rng`` drives it all, so a seed gives the same council every time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.domain import Household, HouseholdId, School, SchoolUrn
from sufficiency.demo import stock
from sufficiency.demo.careers import Period, Person, simulate_careers
from sufficiency.demo.geography import Geography, school_phase_for_age
from sufficiency.demo.history import (
    ChildHistory,
    Locator,
    child_stays,
    episodes_for,
    header_for,
    short_break_histories,
)
from sufficiency.demo.placements import assign_current_types
from sufficiency.demo.providers import make_registry
from sufficiency.demo.statistics import load_national_statistics
from sufficiency.domain import ChildId, PlacementType, age_on
from sufficiency.placement_codes import placement_type_for

HISTORY_FROM = dt.date(2020, 4, 1)  # first day of the oldest collection year kept (2020/21)
RISK_TO_YOUNGER_SHARE = 0.05  # of children aged 12+ (assumption)


@dataclass(frozen=True, slots=True)
class CurrentPlacement:
    """Where a child looked after on the as-of date lives now, and why that matters for matching."""

    child_id: ChildId
    placement_type: PlacementType
    placement_code: str  # SSDA903 PLACE of the open episode
    provider_code: str  # SSDA903 PLACE_PROVIDER
    household_id: HouseholdId | None  # the fostering household, if in one
    placement_postcode: str
    home_postcode: str
    placed_since: dt.date  # start of the current placement (same carers)
    distance_miles: float  # straight line, home to placement [miles]
    school_urn: SchoolUrn | None
    sibling_group: str  # shared by brothers and sisters looked after, "" otherwise
    poses_risk_to_younger: bool
    uasc: bool
    disabled: bool


@dataclass(frozen=True, slots=True)
class Built:
    persons: dict[str, Person]
    histories: tuple[ChildHistory, ...]
    current: dict[str, CurrentPlacement]
    households: tuple[Household, ...]
    schools: dict[SchoolUrn, School]
    geography: Geography


def _homes(
    persons: dict[str, Person], geography: Geography, rng: np.random.Generator
) -> dict[str, str]:
    homes: dict[str, str] = {}
    by_family: dict[str, str] = {}
    for child_id, person in persons.items():
        if person.family_id and person.family_id in by_family:
            homes[child_id] = by_family[person.family_id]
            continue
        homes[child_id] = geography.home_postcode(rng)
        if person.family_id:
            by_family[person.family_id] = homes[child_id]
    return homes


def _school(
    person: Person,
    placement: str,
    home: str,
    geography: Geography,
    as_of: dt.date,
    placement_type: PlacementType,
    rng: np.random.Generator,
) -> School | None:
    year_start = dt.date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)
    born = person.date_of_birth
    phase = school_phase_for_age(age_on(born, year_start) if born <= year_start else 0)
    if phase is None or placement_type in {PlacementType.SECURE, PlacementType.PARENT_AND_CHILD}:
        return None
    if phase == "post-16" and rng.random() < 0.3:
        return None  # in training, employment or not in education
    keeps_school = geography.distance_miles(home, placement) <= 6 and rng.random() < 0.7
    return geography.nearest_school(home if keeps_school else placement, phase, rng)


@dataclass(slots=True)
class _Today:
    """The simulated population and who is where on the as-of date (internal to ``build``)."""

    persons: dict[str, Person]
    periods: list[Period]
    homes: dict[str, str]
    units: list
    types: dict[str, PlacementType]
    bands: list[str]
    sibling_of: dict[str, str]
    risky: frozenset[str]


def _today(stats, geography: Geography, as_of: dt.date, rng: np.random.Generator) -> _Today:
    people, periods = simulate_careers(stats, as_of, rng)
    persons = {p.child_id: p for p in people}
    homes = _homes(persons, geography, rng)
    units = stock.stock_units(persons, periods)
    types = assign_current_types(units, stats, as_of, rng)
    bands = stock.assign_bands(units, types, stats, rng)
    risky = frozenset(
        c
        for c, p in persons.items()
        if age_on(p.date_of_birth, as_of) >= 12
        and c in types
        and rng.random() < RISK_TO_YOUNGER_SHARE
    )
    return _Today(
        persons, periods, homes, units, types, bands, _sibling_groups(persons, periods), risky
    )


def _current(
    today: _Today,
    current: dict,
    households_of: dict[str, str],
    geography: Geography,
    as_of: dt.date,
    rng: np.random.Generator,
) -> tuple[dict, dict]:
    """``CurrentPlacement`` per child in care now, and the schools they attend."""
    schools: dict[SchoolUrn, School] = {}
    placements: dict[str, CurrentPlacement] = {}
    for child_id, (row, placed_since) in current.items():
        person, home = today.persons[child_id], today.homes[child_id]
        school = _school(
            person, row.placement_postcode, home, geography, as_of, today.types[child_id], rng
        )
        if school is not None:
            schools[school.urn] = school
        household = households_of.get(child_id)
        placements[child_id] = CurrentPlacement(
            ChildId(child_id), today.types[child_id], row.place, row.provider,
            HouseholdId(household) if household else None, row.placement_postcode, home,
            placed_since, round(geography.distance_miles(home, row.placement_postcode), 2),
            school.urn if school else None, today.sibling_of.get(child_id, ""),
            child_id in today.risky, person.uasc, person.disabled,
        )  # fmt: skip
    return placements, schools


def build(seed: int, as_of: dt.date) -> Built:
    """Build every part of the demo council for a seed (see ``sufficiency.demo_council``)."""
    rng = np.random.default_rng(seed)
    stats, geography = load_national_statistics(), Geography.default()
    registry = make_registry(rng)
    today = _today(stats, geography, as_of, rng)
    drafts = stock.pack_households(
        today.units, today.types, today.bands, today.homes, geography, rng
    )
    households = stock.finish_households(
        drafts, as_of, today.sibling_of, today.risky, geography, rng
    )
    locator = Locator(stats, geography, registry, {str(h.household_id): h for h in households}, rng)
    for draft in drafts:
        locator.current.update(
            {c.child_id: draft.household_id for unit in draft.units for c in unit}
        )
    for (unit_people, _period), band in zip(today.units, today.bands, strict=True):
        locator.bands.update({p.child_id: band for p in unit_people})
    histories, current = _histories(
        today.persons, today.periods, today.types, today.homes, locator, as_of, stats, rng
    )
    used = {h.header.child_id for h in histories}
    spare = [str(i) for i in range(900000, 999999) if str(i) not in used]
    histories += short_break_histories(
        as_of, geography, registry, spare[int(rng.integers(1000)) :], rng
    )
    placements, schools = _current(today, current, locator.current, geography, as_of, rng)
    return Built(today.persons, tuple(histories), placements, tuple(households), schools, geography)


def _sibling_groups(persons: dict[str, Person], periods: list[Period]) -> dict[str, str]:
    """Family id of every child in care now who has a brother or sister in care now."""
    open_ids = {p.child_id for p in periods if p.ceased is None}
    families: dict[str, list[str]] = {}
    for child_id in open_ids:
        family = persons[child_id].family_id
        if family:
            families.setdefault(family, []).append(child_id)
    return {c: f for f, members in families.items() if len(members) > 1 for c in members}


def _histories(persons, periods, types, homes, locator, as_of, stats, rng):
    """903 rows for every child with a period touching the kept collection years."""
    cache: dict[tuple, list[PlacementType]] = {}
    rows_by_child: dict[str, list] = {}
    current: dict[str, tuple] = {}
    for period in sorted(periods, key=lambda p: (p.started, p.child_id)):
        if period.ceased is not None and period.ceased < HISTORY_FROM:
            continue
        person = persons[period.child_id]
        period, stays = child_stays(
            person,
            period,
            types.get(person.child_id) if period.ceased is None else None,
            as_of,
            rng,
            cache,
        )
        placed = [locator.place(person, stay, homes[person.child_id]) for stay in stays]
        rows = episodes_for(person, period, placed, homes[person.child_id], as_of, stats, rng)
        rows_by_child.setdefault(person.child_id, []).extend(rows)
        if period.ceased is None:
            current[person.child_id] = (rows[-1], stays[-1].started)
    histories = [
        ChildHistory(header_for(persons[c], rng), tuple(rows)) for c, rows in rows_by_child.items()
    ]
    _check_codes(histories)
    return histories, current


def _check_codes(histories: list[ChildHistory]) -> None:
    for history in histories:
        for row in history.episodes:
            placement_type_for(row.place, row.provider)  # raises KeyError on a code the map lacks
