"""Placement types for every stay in the simulated history, and the current mix on the as-of date.

Children in care on the as-of date get placement types in the national stock proportions
exactly (largest remainder), subject to what their age allows; earlier placements follow
age-based mixes and the reason the child left. No codes or postcodes here (``episodes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from sufficiency.demo.careers import Period, Person
from sufficiency.demo.statistics import NationalStatistics
from sufficiency.domain import PlacementType, age_on

_P = PlacementType

#: Earlier placements (not the last of a period) by age at the move: assumption, shaped like
#: the national placement mix by age (younger children fostered, teenagers also in homes).
PAST_MIX_BY_AGE: dict[str, dict[PlacementType, float]] = {
    "under 10": {
        _P.IN_HOUSE_FOSTERING: 0.45,
        _P.AGENCY_FOSTERING: 0.30,
        _P.KINSHIP_FOSTERING: 0.20,
        _P.PLACED_WITH_PARENTS: 0.05,
    },
    "10-15": {
        _P.IN_HOUSE_FOSTERING: 0.33,
        _P.AGENCY_FOSTERING: 0.36,
        _P.KINSHIP_FOSTERING: 0.10,
        _P.CHILDRENS_HOME: 0.18,
        _P.PLACED_WITH_PARENTS: 0.03,
    },
    "16-17": {
        _P.IN_HOUSE_FOSTERING: 0.15,
        _P.AGENCY_FOSTERING: 0.30,
        _P.KINSHIP_FOSTERING: 0.05,
        _P.CHILDRENS_HOME: 0.15,
        _P.SUPPORTED_ACCOMMODATION: 0.35,
    },
    "uasc": {
        _P.AGENCY_FOSTERING: 0.55,
        _P.IN_HOUSE_FOSTERING: 0.2,
        _P.SUPPORTED_ACCOMMODATION: 0.25,
    },
}

#: Types filled first are the ones few children can have (by age or need).
_QUOTA_ORDER = (
    _P.PARENT_AND_CHILD,
    _P.SECURE,
    _P.RESIDENTIAL_SCHOOL,
    _P.PLACED_FOR_ADOPTION,
    _P.SUPPORTED_ACCOMMODATION,
    _P.CHILDRENS_HOME,
    _P.OTHER,
    _P.PLACED_WITH_PARENTS,
    _P.KINSHIP_FOSTERING,
    _P.AGENCY_FOSTERING,
    _P.IN_HOUSE_FOSTERING,
)
_GROUP_TYPES = {
    _P.PLACED_FOR_ADOPTION,
    _P.PLACED_WITH_PARENTS,
    _P.KINSHIP_FOSTERING,
    _P.AGENCY_FOSTERING,
    _P.IN_HOUSE_FOSTERING,
}


@dataclass(frozen=True, slots=True)
class Stay:
    """One placement: from ``started`` until ``ended`` (``None`` while current)."""

    child_id: str
    started: dt.date
    ended: dt.date | None
    placement_type: PlacementType
    last_in_period: bool


def largest_remainder(shares: dict, total: int) -> dict:
    """Whole counts summing to ``total`` in proportion to ``shares`` (Hamilton's method)."""
    weight = sum(shares.values())
    exact = {key: total * value / weight for key, value in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
        : total - sum(counts.values())
    ]:
        counts[key] += 1
    return counts


def _age_key(person: Person, day: dt.date) -> str:
    if person.uasc:
        return "uasc"
    age = age_on(person.date_of_birth, day)
    return "under 10" if age < 10 else ("10-15" if age < 16 else "16-17")


def _draw(mix: dict[PlacementType, float], rng: np.random.Generator) -> PlacementType:
    keys = list(mix)
    weights = np.array([mix[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def final_type_for_reason(
    person: Person, reason: str, day: dt.date, rng: np.random.Generator
) -> PlacementType:
    """Where a child who left for ``reason`` most plausibly lived last."""
    if reason in {"E11", "E12"}:
        return _P.PLACED_FOR_ADOPTION
    if reason == "E45":
        return _P.KINSHIP_FOSTERING
    if reason in {"E46", "E17"}:
        return _P.IN_HOUSE_FOSTERING if rng.random() < 0.6 else _P.AGENCY_FOSTERING
    if reason in {"E41", "E47", "E48"} and rng.random() < 0.5:
        return _P.KINSHIP_FOSTERING
    if reason == "E4A" and not person.uasc and rng.random() < 0.4:
        return _P.PLACED_WITH_PARENTS
    if reason in {"E5", "E6"} and age_on(person.date_of_birth, day) >= 16:
        return _P.SUPPORTED_ACCOMMODATION
    if reason == "E7":
        return _P.CHILDRENS_HOME
    if reason == "E9" and rng.random() < 0.4:
        return _P.SECURE
    return _draw(PAST_MIX_BY_AGE[_age_key(person, day)], rng)


def _eligible(
    placement_type: PlacementType, people: list[Person], period: Period, as_of: dt.date
) -> bool:
    ages = [age_on(p.date_of_birth, as_of) for p in people]
    uasc = any(p.uasc for p in people)
    if len(people) > 1 and placement_type not in _GROUP_TYPES:
        return False
    rules = {
        _P.PARENT_AND_CHILD: max(ages) <= 1,
        _P.SECURE: min(ages) >= 12,
        _P.RESIDENTIAL_SCHOOL: min(ages) >= 8,
        _P.PLACED_FOR_ADOPTION: max(ages) <= 6
        and not uasc
        and (as_of - period.started).days >= 200,
        _P.SUPPORTED_ACCOMMODATION: min(ages) >= 16,
        _P.CHILDRENS_HOME: min(ages) >= 8,
        _P.OTHER: min(ages) >= 5,
        _P.PLACED_WITH_PARENTS: not uasc,
        _P.KINSHIP_FOSTERING: not uasc,
    }
    return rules.get(placement_type, True)


def _weight(placement_type: PlacementType, people: list[Person], as_of: dt.date) -> float:
    age = min(age_on(p.date_of_birth, as_of) for p in people)
    uasc = any(p.uasc for p in people)
    if placement_type == _P.SUPPORTED_ACCOMMODATION:
        return (4.0 if uasc else 1.0) * (2.0 if age >= 17 else 1.0)
    if placement_type in {_P.CHILDRENS_HOME, _P.SECURE}:
        return 3.0 if age >= 12 else 1.0
    if placement_type == _P.RESIDENTIAL_SCHOOL:
        return 5.0 if any(p.disabled for p in people) else 1.0
    if placement_type == _P.AGENCY_FOSTERING and uasc:
        return 3.0
    return 1.0 + 0.5 * (len(people) - 1)  # sibling groups mostly live in foster families


def assign_current_types(
    units: list[tuple[list[Person], Period]],
    stats: NationalStatistics,
    as_of: dt.date,
    rng: np.random.Generator,
) -> dict[str, PlacementType]:
    """Current placement type per child, the national stock mix in whole children.

    ``units`` are children placed together (a sibling group sharing placements, or one child)
    with one of their open periods. Types few children can have are filled first; in-house
    fostering takes whoever is left.
    """
    total = sum(len(people) for people, _ in units)
    targets = largest_remainder(stats.stock_placement, total)
    free = list(range(len(units)))
    chosen: dict[str, PlacementType] = {}
    for placement_type in _QUOTA_ORDER:
        remaining = targets[placement_type] if placement_type != _P.IN_HOUSE_FOSTERING else total
        candidates = [i for i in free if _eligible(placement_type, units[i][0], units[i][1], as_of)]
        while remaining > 0 and candidates:
            weights = np.array([_weight(placement_type, units[i][0], as_of) for i in candidates])
            pick = candidates.pop(int(rng.choice(len(candidates), p=weights / weights.sum())))
            if len(units[pick][0]) > remaining:
                continue
            free.remove(pick)
            remaining -= len(units[pick][0])
            chosen.update({p.child_id: placement_type for p in units[pick][0]})
    return chosen


def with_boundary(period: Period, day: dt.date) -> Period:
    """The period with an extra placement change on ``day`` (ignored outside the period)."""
    end = period.ceased or dt.date.max
    if not period.started < day < end or day in period.moves:
        return period
    return replace(period, moves=tuple(sorted((*period.moves, day))))


def stays_for(
    person: Person,
    period: Period,
    last_type: PlacementType,
    as_of: dt.date,
    rng: np.random.Generator,
) -> list[Stay]:
    """Every placement in a period: the last one of ``last_type``, earlier ones by age mix."""
    starts = [period.started, *period.moves]
    ends: list[dt.date | None] = [*period.moves, period.ceased]
    stays: list[Stay] = []
    for index, (started, ended) in enumerate(zip(starts, ends, strict=True)):
        last = index == len(starts) - 1
        placement_type = (
            last_type if last else _draw(PAST_MIX_BY_AGE[_age_key(person, started)], rng)
        )
        if (
            placement_type == _P.SUPPORTED_ACCOMMODATION
            and age_on(person.date_of_birth, started) < 16
        ):
            placement_type = _P.AGENCY_FOSTERING
        stays.append(Stay(person.child_id, started, ended, placement_type, last))
    return stays


def prepare_period(
    person: Person,
    period: Period,
    last_type: PlacementType,
    as_of: dt.date,
    rng: np.random.Generator,
) -> Period:
    """Add the placement changes a last placement of ``last_type`` needs to be possible.

    Rules: a child is placed for adoption after at least 5 months in care and for the last
    2-10 months of the period; supported accommodation starts on or after the 16th birthday.
    """
    end = period.ceased or as_of
    if last_type == _P.PLACED_FOR_ADOPTION:
        placed = max(
            end - dt.timedelta(days=int(rng.integers(60, 300))),
            period.started + dt.timedelta(days=150),
        )
        if placed < end:
            period = with_boundary(
                replace(period, moves=tuple(m for m in period.moves if m < placed)), placed
            )
    if last_type == _P.SUPPORTED_ACCOMMODATION:
        sixteen = (
            person.date_of_birth.replace(year=person.date_of_birth.year + 16)
            if (person.date_of_birth.month, person.date_of_birth.day) != (2, 29)
            else dt.date(person.date_of_birth.year + 16, 3, 1)
        )
        last_start = period.moves[-1] if period.moves else period.started
        if last_start < sixteen < end:
            period = with_boundary(
                period,
                sixteen + dt.timedelta(days=int(rng.integers(0, max(1, (end - sixteen).days)))),
            )
    return period
