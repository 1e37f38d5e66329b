"""Every child's placements located on the map, then written out as SSDA903 episodes and headers.

Children placed together share every placement (same types, postcodes and providers).
Today's fostered children live at their household's postcode; other placements are drawn
in the distance bands of the national statistics. No I/O beyond ``Geography``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.domain import Household, ProviderType
from sufficiency.demo.careers import Period, Person
from sufficiency.demo.episodes import EpisodeRow, PlacedStay, episode_rows
from sufficiency.demo.geography import Geography
from sufficiency.demo.households import postcode_for_band
from sufficiency.demo.placements import Stay, final_type_for_reason, prepare_period, stays_for
from sufficiency.demo.providers import (
    NO_URN,
    VOLUNTARY_AGENCIES,
    Registry,
    place_code,
    provider_for,
)
from sufficiency.demo.quirks import short_break_rows, with_temporary_moves
from sufficiency.demo.statistics import NationalStatistics
from sufficiency.domain import PlacementType, Sex, age_on, eighteenth_birthday

_P = PlacementType
SHORT_BREAK_CHILDREN = 8  # disabled children who only have short breaks (LS V4)


@dataclass(frozen=True, slots=True)
class Header:
    """One child's SSDA903 header (and UASC) fields."""

    child_id: str
    sex: Sex
    date_of_birth: dt.date
    ethnicity: str
    upn: str
    mother: str  # "1", "0" or "" (not applicable)
    mother_child_dob: dt.date | None
    uasc: bool
    uasc_ceased: dt.date | None  # DUC
    disabled: bool = False  # not a header field; kept for ``ChildRecord``


@dataclass(frozen=True, slots=True)
class ChildHistory:
    header: Header
    episodes: tuple[EpisodeRow, ...]


class Locator:
    """Postcode, provider and URN for each placement, consistent across siblings placed together."""

    def __init__(
        self,
        stats: NationalStatistics,
        geography: Geography,
        registry: Registry,
        households: dict[str, Household],
        rng: np.random.Generator,
    ) -> None:
        self.stats, self.geography, self.registry, self.rng = stats, geography, registry, rng
        self.households = households
        self.current: dict[str, str] = {}  # child id -> household id, for today's foster placements
        self.bands: dict[str, str] = {}  # child id -> band of today's placement
        self._shared: dict[tuple, PlacedStay] = {}

    def _band(self, placement_type: PlacementType) -> str:
        over = self.stats.over_20_miles_share[placement_type]
        if self.rng.random() < over:
            return "far"
        return (
            "inside"
            if self.rng.random() < self.stats.inside_boundary_share[placement_type]
            else "near"
        )

    def place(self, person: Person, stay: Stay, home: str) -> PlacedStay:
        key = (person.family_id or person.child_id, stay.started, stay.ended, stay.placement_type)
        if person.family_id and key in self._shared:
            shared = self._shared[key]
            return PlacedStay(
                stay, shared.postcode, shared.provider, shared.urn, shared.household_id, shared.draw
            )
        placed = self._locate(person, stay, home)
        self._shared[key] = placed
        return placed

    def _in_household(self, stay: Stay, household: Household, draw: float) -> PlacedStay:
        """Today's foster placement: the household's postcode, provider and service URN."""
        agency = household.agency_name
        provider = "PR1"
        if household.provider == ProviderType.AGENCY:
            provider = "PR5" if agency in VOLUNTARY_AGENCIES else "PR4"
        urn = self.registry.urn_for(stay.placement_type, agency, self.rng)
        return PlacedStay(
            stay, household.postcode, provider, urn, str(household.household_id), draw
        )

    def _locate(self, person: Person, stay: Stay, home: str) -> PlacedStay:
        draw = float(self.rng.random())
        age = age_on(person.date_of_birth, stay.started)
        code = place_code(stay.placement_type, stay.started, age_years=age, draw=draw)
        if stay.ended is None and person.child_id in self.current:
            return self._in_household(stay, self.households[self.current[person.child_id]], draw)
        band = self.bands.get(person.child_id, "") if stay.ended is None else ""
        band = band or self._band(stay.placement_type)
        near = home if stay.placement_type in {_P.PLACED_WITH_PARENTS, _P.KINSHIP_FOSTERING} else ""
        if near and band == "inside" and self.rng.random() < 0.3:
            postcode = home  # living at the family home
        else:
            postcode = postcode_for_band(band, self.geography, self.rng, near=near)
        urn = NO_URN
        if code not in {"P1", "R2", "R5", "A4", "A5", "A6", "Z1", "Z12", "Z14"}:
            urn = self.registry.urn_for(stay.placement_type, "", self.rng)
        provider = provider_for(stay.placement_type, code, self.rng)
        return PlacedStay(stay, postcode, provider, urn, "", draw)


def _upn(person: Person, rng: np.random.Generator) -> str:
    if person.uasc:
        return "UN2"  # unknown UPN code for a child newly arrived from abroad
    letter = "ABCDEFGHJKLMNPQRTUVWXYZ"[int(rng.integers(23))]
    school = int(rng.integers(1000, 9999))
    year = (person.date_of_birth.year + 5) % 100
    return f"{letter}309{school}{year:02d}{int(rng.integers(1000)):03d}"


def header_for(person: Person, rng: np.random.Generator) -> Header:
    mother, mc_dob = "", None
    if person.sex == Sex.FEMALE:
        mother = "0"
        if rng.random() < 0.01:
            mother = "1"
            mc_dob = eighteenth_birthday(person.date_of_birth) - dt.timedelta(
                days=int(rng.integers(200, 700))
            )
    return Header(
        person.child_id,
        person.sex,
        person.date_of_birth,
        person.ethnicity,
        _upn(person, rng),
        mother,
        mc_dob,
        person.uasc,
        eighteenth_birthday(person.date_of_birth) if person.uasc else None,
        person.disabled,
    )


def child_stays(
    person: Person,
    period: Period,
    current_type: PlacementType | None,
    as_of: dt.date,
    rng: np.random.Generator,
    cache: dict[tuple, list[PlacementType]],
) -> tuple[Period, list[Stay]]:
    """The period (with any placement change its last placement needs) and its placements."""
    end = period.ceased or as_of
    key = (person.family_id or person.child_id, period.started, period.ceased, period.moves)
    if person.family_id and key in cache:
        types = cache[key]
        period = prepare_period(person, period, types[-1], as_of, rng)
        stays = stays_for(person, period, types[-1], as_of, rng)
        if len(stays) == len(types):
            return period, [
                Stay(s.child_id, s.started, s.ended, t, s.last_in_period)
                for s, t in zip(stays, types, strict=True)
            ]
        return period, stays
    last = current_type or final_type_for_reason(person, period.reason_ceased, end, rng)
    period = prepare_period(person, period, last, as_of, rng)
    stays = stays_for(person, period, last, as_of, rng)
    cache[key] = [s.placement_type for s in stays]
    return period, stays


def episodes_for(
    person: Person,
    period: Period,
    placed: list[PlacedStay],
    home: str,
    as_of: dt.date,
    stats: NationalStatistics,
    rng: np.random.Generator,
) -> list[EpisodeRow]:
    return with_temporary_moves(episode_rows(person, period, placed, home, as_of, stats, rng), rng)


def short_break_histories(
    as_of: dt.date,
    geography: Geography,
    registry: Registry,
    ids: list[str],
    rng: np.random.Generator,
) -> list[ChildHistory]:
    """Disabled children who only ever have short breaks with in-house respite carers."""
    histories = []
    for number, child_id in enumerate(ids[:SHORT_BREAK_CHILDREN]):
        born = as_of - dt.timedelta(days=int(rng.integers(5 * 365, 16 * 365)))
        person = Person(
            child_id, "", born, Sex.MALE if rng.random() < 0.6 else Sex.FEMALE, "WBRI", False, True
        )
        first = max(born + dt.timedelta(days=4 * 365), dt.date(2019, 9, 1))
        rows = short_break_rows(
            child_id,
            first,
            as_of - dt.timedelta(days=14),
            geography.home_postcode(rng),
            geography.home_postcode(rng),
            registry.council_fostering,
            rng,
            single=number % 4 == 3,  # a quarter have one break only (V3)
        )
        histories.append(ChildHistory(header_for(person, rng), tuple(rows)))
    return histories
