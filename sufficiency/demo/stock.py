"""Today's looked-after children: who is placed together, where, and the households they live in.

Groups children in care on the as-of date into units placed together, gives each unit its
placement type (national mix) and distance band (national shares of placements over 20
miles and inside the council's boundary, as exact whole-child quotas), and packs fostered
units into households with room to spare.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from matching.domain import Household, PlacementKind, ProviderType
from sufficiency.demo.careers import Period, Person
from sufficiency.demo.geography import Geography
from sufficiency.demo.households import Draft, agency_for, finish, postcode_for_band
from sufficiency.demo.placements import largest_remainder
from sufficiency.demo.providers import AGENCY_SPECIALIST
from sufficiency.demo.statistics import NationalStatistics
from sufficiency.domain import PlacementType, age_on

_P = PlacementType
Unit = tuple[list[Person], Period]
_PROVIDER = {
    _P.IN_HOUSE_FOSTERING: ProviderType.IN_HOUSE,
    _P.AGENCY_FOSTERING: ProviderType.AGENCY,
    _P.KINSHIP_FOSTERING: ProviderType.CONNECTED,
}
PLACES_DRAW = {1: 0.4, 2: 0.45, 3: 0.15}  # approved places of a new household (assumption)
SHARE_HOUSEHOLD_CHANCE = 0.5  # a unit joins a household already caring for another child
VACANCY_TARGET = 33  # vacant places across active households (some on hold or free later)
VACANT_HOUSEHOLDS = {ProviderType.IN_HOUSE: 8, ProviderType.AGENCY: 4}  # no child placed today
DEREGISTERED = {ProviderType.IN_HOUSE: 22, ProviderType.AGENCY: 6}  # since April 2020


def stock_units(persons: dict[str, Person], periods: list[Period]) -> list[Unit]:
    """Children in care now, grouped when they share a family and every placement date."""
    groups: dict[tuple, list[Person]] = defaultdict(list)
    open_periods = {p.child_id: p for p in periods if p.ceased is None}
    for child_id, period in sorted(open_periods.items()):
        person = persons[child_id]
        groups[(person.family_id or child_id, period.started, period.moves)].append(person)
    return [(people, open_periods[people[0].child_id]) for people in groups.values()]


def assign_bands(
    units: list[Unit],
    types: dict[str, PlacementType],
    stats: NationalStatistics,
    rng: np.random.Generator,
) -> list[str]:
    """Distance band per unit: each placement type gets the national shares in whole children."""
    bands = ["inside"] * len(units)
    by_type: dict[PlacementType, list[int]] = defaultdict(list)
    for index, (people, _period) in enumerate(units):
        by_type[types[people[0].child_id]].append(index)
    for placement_type, indexes in by_type.items():
        children = sum(len(units[i][0]) for i in indexes)
        over = stats.over_20_miles_share[placement_type]
        inside = (1 - over) * stats.inside_boundary_share[placement_type]
        quota = largest_remainder(
            {"far": over, "near": 1 - over - inside, "inside": inside}, children
        )
        order = [indexes[i] for i in rng.permutation(len(indexes))]
        for band in ("far", "near"):
            for index in list(order):
                if quota[band] >= len(units[index][0]):
                    bands[index] = band
                    quota[band] -= len(units[index][0])
                    order.remove(index)
    return bands


def _new_draft(
    number: int,
    provider: ProviderType,
    band: str,
    size: int,
    geography: Geography,
    rng: np.random.Generator,
    home: str = "",
) -> Draft:
    prefix = {ProviderType.IN_HOUSE: "IH", ProviderType.AGENCY: "AG", ProviderType.CONNECTED: "CC"}[
        provider
    ]
    places = max(size, int(rng.choice(list(PLACES_DRAW), p=list(PLACES_DRAW.values()))))
    if provider == ProviderType.CONNECTED:
        places = size
    agency = agency_for(rng) if provider == ProviderType.AGENCY else ""
    postcode = postcode_for_band(
        band, geography, rng, near=home if provider == ProviderType.CONNECTED else ""
    )
    return Draft(f"{prefix}{number:03d}", provider, band, postcode, places, agency)


def _host(
    drafts: list[Draft], provider: ProviderType, band: str, size: int, rng: np.random.Generator
) -> Draft | None:
    """Sometimes an existing household of the same provider and band with room (never kin)."""
    if provider == ProviderType.CONNECTED or rng.random() >= SHARE_HOUSEHOLD_CHANCE:
        return None
    room = [d for d in drafts if d.provider == provider and d.band == band
            and d.approved_places - d.placed >= size]  # fmt: skip
    return room[int(rng.integers(len(room)))] if room else None


def pack_households(
    units: list[Unit],
    types: dict[str, PlacementType],
    bands: list[str],
    homes: dict[str, str],
    geography: Geography,
    rng: np.random.Generator,
) -> list[Draft]:
    """Fostered units into households: connected carers hold one unit, others sometimes share."""
    drafts: list[Draft] = []
    counters = {provider: 0 for provider in ProviderType}
    for index in rng.permutation(len(units)).tolist():
        people, period = units[index]
        provider = _PROVIDER.get(types[people[0].child_id])
        if provider is None:
            continue
        since = period.moves[-1] if period.moves else period.started
        host = _host(drafts, provider, bands[index], len(people), rng)
        if host is None:
            counters[provider] += 1
            home = homes[people[0].child_id]
            host = _new_draft(
                counters[provider], provider, bands[index], len(people), geography, rng, home
            )
            drafts.append(host)
        host.units.append(people)
        host.placed_since = min(host.placed_since or since, since)
    for provider, count in VACANT_HOUSEHOLDS.items():
        for _ in range(count):
            counters[provider] += 1
            band = "inside" if provider == ProviderType.IN_HOUSE and rng.random() < 0.6 else "near"
            drafts.append(_new_draft(counters[provider], provider, band, 1, geography, rng))
    specialist = _new_draft(
        counters[ProviderType.AGENCY] + 1, ProviderType.AGENCY, "near", 2, geography, rng
    )
    specialist.agency_name = AGENCY_SPECIALIST
    drafts.append(specialist)
    _trim_vacancies(drafts, rng)
    return drafts


def _trim_vacancies(drafts: list[Draft], rng: np.random.Generator) -> None:
    """Lower approved places (never below the children placed, nor below one) to the target."""
    spare = sum(d.approved_places - d.placed for d in drafts)
    while spare > VACANCY_TARGET:
        room = [d for d in drafts if d.approved_places > max(d.placed, 1) and d.units
                and d.provider != ProviderType.CONNECTED]  # fmt: skip
        if not room:
            return
        room[int(rng.integers(len(room)))].approved_places -= 1
        spare -= 1


def finish_households(
    drafts: list[Draft],
    as_of: dt.date,
    sibling_of: dict[str, str],
    risky: frozenset[str],
    geography: Geography,
    rng: np.random.Generator,
) -> list[Household]:
    """Approvals for every draft, some vacancies on hold or free later, and deregistered history."""
    with_room = [
        d for d in drafts if d.approved_places > d.placed and d.agency_name != AGENCY_SPECIALIST
    ]
    order = [with_room[i] for i in rng.permutation(len(with_room))]
    on_hold = {d.household_id for d in order[:4]}
    later = {
        d.household_id: as_of + dt.timedelta(days=int(rng.integers(10, 80))) for d in order[4:7]
    }
    parent_and_child = {d.household_id for d in order[7:10] if d.provider != ProviderType.CONNECTED}
    households = []
    for draft in drafts:
        extra = (
            frozenset({PlacementKind.PARENT_AND_CHILD})
            if draft.household_id in parent_and_child
            else frozenset()
        )
        age_range = (13, 17) if draft.agency_name == AGENCY_SPECIALIST else None
        if draft.provider == ProviderType.CONNECTED and draft.units:  # their named children only
            ages = [age_on(c.date_of_birth, as_of) for unit in draft.units for c in unit]
            age_range = (min(ages), max(ages))
        households.append(
            finish(
                draft,
                as_of,
                rng,
                sibling_of=sibling_of,
                risky=risky,
                on_hold=draft.household_id in on_hold,
                available_from=later.get(draft.household_id),
                extra_kinds=extra,
                age_range=age_range,
            )
        )
    households += _deregistered(len(drafts), as_of, sibling_of, risky, geography, rng)
    return households


def _deregistered(
    start: int,
    as_of: dt.date,
    sibling_of: dict[str, str],
    risky: frozenset[str],
    geography: Geography,
    rng: np.random.Generator,
) -> list[Household]:
    """Households that stopped fostering since April 2020 (retired, moved, resigned)."""
    result = []
    for provider, count in DEREGISTERED.items():
        for offset in range(count):
            draft = _new_draft(
                start + offset + (100 if provider == ProviderType.AGENCY else 0),
                provider,
                "inside" if rng.random() < 0.5 else "near",
                1,
                geography,
                rng,
            )
            draft.household_id = "X" + draft.household_id
            left = dt.date(2020, 4, 1) + dt.timedelta(
                days=int(rng.integers(0, (as_of - dt.date(2020, 4, 1)).days))
            )
            draft.placed_since = left - dt.timedelta(days=int(rng.integers(400, 6000)))
            result.append(
                finish(draft, as_of, rng, sibling_of=sibling_of, risky=risky, deregistered_on=left)
            )
    return result
