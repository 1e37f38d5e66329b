"""SSDA903 PLACE (and PLACE_PROVIDER) codes -> ``PlacementType``, with each code's years of use.

Adapter-level knowledge of the DfE return. The 2025/26 collection added K3 (supported
accommodation) and split Z1 into Z11-Z14, and retired H5 and P2; episodes are checked
against the code list in force on their start date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sufficiency.domain import PlacementType

#: First day of the 2025/26 collection year, when the code changes took effect.
COLLECTION_2025_26_START = dt.date(2025, 4, 1)


@dataclass(frozen=True, slots=True)
class PlacementCode:
    """One PLACE code: its DfE description and the category it counts under."""

    code: str
    description: str
    placement_type: PlacementType | None  # None: depends on the provider (U4-U6)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # last day the code may start an episode

    def in_use_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)


_RETIRED = COLLECTION_2025_26_START - dt.timedelta(days=1)
_P = PlacementType

PLACEMENT_CODES: dict[str, PlacementCode] = {
    c.code: c
    for c in [
        PlacementCode("A3", "Placed for adoption, consent with current foster carer", _P.PLACED_FOR_ADOPTION),
        PlacementCode("A4", "Placed for adoption, consent, not with current foster carer", _P.PLACED_FOR_ADOPTION),
        PlacementCode("A5", "Placed for adoption, placement order, with current foster carer", _P.PLACED_FOR_ADOPTION),
        PlacementCode("A6", "Placed for adoption, placement order, not with current foster carer", _P.PLACED_FOR_ADOPTION),
        PlacementCode("H5", "Semi-independent living accommodation (retired 2025/26)",
                      _P.SUPPORTED_ACCOMMODATION, valid_until=_RETIRED),
        PlacementCode("K1", "Secure children's home", _P.SECURE),
        PlacementCode("K2", "Children's home", _P.CHILDRENS_HOME),
        PlacementCode("K3", "Supported accommodation (registered, 16+)", _P.SUPPORTED_ACCOMMODATION,
                      valid_from=COLLECTION_2025_26_START),
        PlacementCode("P1", "Placed with own parent(s) or person with parental responsibility",
                      _P.PLACED_WITH_PARENTS),
        PlacementCode("P2", "Independent living (retired 2025/26)", _P.SUPPORTED_ACCOMMODATION,
                      valid_until=_RETIRED),
        PlacementCode("P3", "Residential employment", _P.OTHER),
        PlacementCode("R1", "Residential care home", _P.CHILDRENS_HOME),
        PlacementCode("R2", "NHS or health trust establishment", _P.OTHER),
        PlacementCode("R3", "Family centre or mother and baby unit", _P.PARENT_AND_CHILD),
        PlacementCode("R5", "Young offender institution or prison", _P.SECURE),
        PlacementCode("S1", "Residential school", _P.RESIDENTIAL_SCHOOL),
        PlacementCode("T0", "Temporary: all types of temporary move", _P.OTHER),
        PlacementCode("T1", "Temporary: hospital, holiday or respite", _P.OTHER),
        PlacementCode("T2", "Temporary: with another foster carer for up to 3 weeks", _P.OTHER),
        PlacementCode("T3", "Temporary: holiday, school trip or respite", _P.OTHER),
        PlacementCode("T4", "Temporary: other, up to 7 days", _P.OTHER),
        PlacementCode("U1", "Foster: relative or friend, long term (adoption agency rules)", _P.KINSHIP_FOSTERING),
        PlacementCode("U2", "Foster: relative or friend, fostering for adoption / concurrent planning",
                      _P.KINSHIP_FOSTERING),
        PlacementCode("U3", "Foster: relative or friend, not long term or FFA", _P.KINSHIP_FOSTERING),
        PlacementCode("U4", "Foster: other carer, long term", None),
        PlacementCode("U5", "Foster: other carer, fostering for adoption / concurrent planning", None),
        PlacementCode("U6", "Foster: other carer, not long term or FFA", None),
        PlacementCode("Z1", "Other placements (split into Z11-Z14 from 2025/26)", _P.OTHER, valid_until=_RETIRED),
        PlacementCode("Z11", "Other placement: with a parent and child arrangement", _P.OTHER,
                      valid_from=COLLECTION_2025_26_START),
        PlacementCode("Z12", "Other placement: unregistered provision", _P.OTHER,
                      valid_from=COLLECTION_2025_26_START),
        PlacementCode("Z13", "Other placement: custody or detention not elsewhere coded", _P.OTHER,
                      valid_from=COLLECTION_2025_26_START),
        PlacementCode("Z14", "Other placement: any other", _P.OTHER, valid_from=COLLECTION_2025_26_START),
    ]
}

#: PLACE_PROVIDER codes. Own provision and other LAs count as in-house (LA) fostering;
#: private and voluntary providers as agency (IFA) fostering.
PROVIDER_CODES: dict[str, str] = {
    "PR0": "Parent or person with parental responsibility",
    "PR1": "Own provision (by the council)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (e.g. a primary care trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary / third sector provision",
}
_AGENCY_PROVIDERS = frozenset({"PR4", "PR5"})

#: Legal statuses DfE excludes from looked-after counts: pre-planned short breaks.
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})


def placement_type_for(place: str, provider: str = "") -> PlacementType:
    """Category for a 903 PLACE code (case-insensitive) and provider; ``KeyError`` if unknown."""
    code = PLACEMENT_CODES[place.strip().upper()]
    if code.placement_type is not None:
        return code.placement_type
    if provider.strip().upper() in _AGENCY_PROVIDERS:
        return PlacementType.AGENCY_FOSTERING
    return PlacementType.IN_HOUSE_FOSTERING


def codes_for(placement_type: PlacementType) -> list[str]:
    """Every PLACE code that can count under a category (U4-U6 count under both fostering types)."""
    fostering = {PlacementType.IN_HOUSE_FOSTERING, PlacementType.AGENCY_FOSTERING}
    return [
        c.code
        for c in PLACEMENT_CODES.values()
        if c.placement_type == placement_type or (c.placement_type is None and placement_type in fostering)
    ]
