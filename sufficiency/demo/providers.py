"""SSDA903 PLACE, PLACE_PROVIDER and Ofsted URN for a placement type on a date.

Uses the code list in force on the day (``sufficiency.placement_codes``: H5, P2 and Z1 until
31 March 2025; K3 and Z11-Z14 from 1 April 2025). Provider URNs are synthetic ("SC" + six
digits, the Ofsted social-care format); no real provider is named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.domain import PlacementType
from sufficiency.placement_codes import (
    COLLECTION_2025_26_START,
    PLACEMENT_CODES,
    placement_type_for,
)

_P = PlacementType
NO_URN = "XXXXXXX"  # the 903 value when the placement has no Ofsted-registered provider

#: Invented independent fostering agencies (clearly not real organisations).
AGENCY_NAMES = (
    "Demo IFA: Northern Heights Fostering",
    "Demo IFA: Riverside Family Placements",
    "Demo IFA: Evergreen Foster Care",
    "Demo IFA: Compass Point Fostering",
    "Demo IFA: Kindred Homes Fostering",
    "Demo IFA: Harbour Lights Fostering",
)
AGENCY_SPECIALIST = "Demo IFA: Keystone Therapeutic Fostering"  # takes teenagers with complex needs
VOLUNTARY_AGENCIES = frozenset(AGENCY_NAMES[4:6])  # PR5 (voluntary sector); the others are PR4

_PROVIDERS: dict[PlacementType, tuple[tuple[str, float], ...]] = {
    _P.IN_HOUSE_FOSTERING: (("PR1", 0.97), ("PR2", 0.03)),
    _P.AGENCY_FOSTERING: (("PR4", 0.85), ("PR5", 0.15)),
    _P.KINSHIP_FOSTERING: (("PR1", 1.0),),
    _P.PLACED_FOR_ADOPTION: (("PR1", 0.6), ("PR2", 0.25), ("PR5", 0.15)),
    _P.CHILDRENS_HOME: (("PR4", 0.85), ("PR1", 0.1), ("PR5", 0.05)),
    _P.SECURE: (("PR1", 0.5), ("PR2", 0.5)),
    _P.SUPPORTED_ACCOMMODATION: (("PR4", 0.9), ("PR5", 0.1)),
    _P.PARENT_AND_CHILD: (("PR4", 0.7), ("PR3", 0.3)),
    _P.PLACED_WITH_PARENTS: (("PR0", 1.0),),
    _P.RESIDENTIAL_SCHOOL: (("PR4", 0.6), ("PR5", 0.4)),
    _P.OTHER: (("PR4", 0.7), ("PR3", 0.3)),
}


@dataclass(frozen=True, slots=True)
class Registry:
    """Synthetic Ofsted URNs: the council's fostering service, agencies and provider pools."""

    council_fostering: str
    agencies: dict[str, str]  # agency name -> URN
    pools: dict[PlacementType, tuple[str, ...]]

    def urn_for(
        self, placement_type: PlacementType, agency_name: str, rng: np.random.Generator
    ) -> str:
        if placement_type in {_P.IN_HOUSE_FOSTERING, _P.KINSHIP_FOSTERING}:
            return self.council_fostering
        if placement_type == _P.AGENCY_FOSTERING:
            return self.agencies.get(agency_name) or self.agencies[AGENCY_NAMES[0]]
        pool = self.pools.get(placement_type, ())
        return str(pool[int(rng.integers(len(pool)))]) if pool else NO_URN


def make_registry(rng: np.random.Generator) -> Registry:
    """Draw distinct synthetic URNs for every provider the demo uses."""
    sizes = {
        _P.CHILDRENS_HOME: 40,
        _P.SUPPORTED_ACCOMMODATION: 20,
        _P.SECURE: 4,
        _P.RESIDENTIAL_SCHOOL: 4,
        _P.PARENT_AND_CHILD: 4,
    }
    numbers = iter(
        (100000 + rng.choice(900000, size=1 + 7 + sum(sizes.values()), replace=False)).tolist()
    )
    council = f"SC{next(numbers)}"
    agencies = {name: f"SC{next(numbers)}" for name in (*AGENCY_NAMES, AGENCY_SPECIALIST)}
    pools = {kind: tuple(f"SC{next(numbers)}" for _ in range(size)) for kind, size in sizes.items()}
    return Registry(council, agencies, pools)


def provider_code(placement_type: PlacementType, rng: np.random.Generator) -> str:
    options = _PROVIDERS[placement_type]
    weights = np.array([weight for _code, weight in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def _new_codes(day: dt.date) -> bool:
    return day >= COLLECTION_2025_26_START


def place_code(
    placement_type: PlacementType,
    day: dt.date,
    *,
    long_term: bool = False,
    with_current_carer: bool = False,
    age_years: int = 0,
    draw: float = 0.5,
) -> str:
    """The 903 PLACE code for a type on ``day``; ``draw`` (0-1) picks among equivalent codes."""
    code = {
        _P.IN_HOUSE_FOSTERING: "U4" if long_term else "U6",
        _P.AGENCY_FOSTERING: "U4" if long_term else "U6",
        _P.KINSHIP_FOSTERING: "U1" if long_term else "U3",
        _P.PLACED_FOR_ADOPTION: ("A5" if with_current_carer else "A6") if draw > 0.1 else "A4",
        _P.CHILDRENS_HOME: "K2" if draw > 0.06 else "R1",
        _P.SECURE: "R5" if age_years >= 15 and draw < 0.3 else "K1",
        _P.SUPPORTED_ACCOMMODATION: "K3" if _new_codes(day) else ("P2" if draw < 0.25 else "H5"),
        _P.PARENT_AND_CHILD: "R3",
        _P.PLACED_WITH_PARENTS: "P1",
        _P.RESIDENTIAL_SCHOOL: "S1",
        _P.OTHER: "R2"
        if draw < 0.2
        else (("Z12" if draw < 0.4 else "Z14") if _new_codes(day) else "Z1"),
    }[placement_type]
    if not PLACEMENT_CODES[code].in_use_on(day):  # a bug here would write an invalid return
        raise ValueError(f"place_code: {code} is not in use on {day.isoformat()}")
    return code


def provider_for(placement_type: PlacementType, code: str, rng: np.random.Generator) -> str:
    """A provider code consistent with the code map (R5 young offender institutions are PR3)."""
    if code == "R5" or code == "R2":
        return "PR3"
    provider = provider_code(placement_type, rng)
    if code in {"U4", "U5", "U6"} and placement_type_for(code, provider) != placement_type:
        provider = "PR4" if placement_type == _P.AGENCY_FOSTERING else "PR1"
    return provider
