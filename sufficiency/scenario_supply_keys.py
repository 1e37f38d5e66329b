"""Adapter: the ``[supply]`` and ``[supply.overflow]`` tables -> ``SupplySettings``.

Absent keys stay ``None`` ("estimate from the council's own data"); every problem is
recorded on the shared ``Reader`` with its key and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sufficiency.scenario_domain import HomeType, OverflowRules, SupplySettings
from sufficiency.scenario_schema import HOME_TYPES, SKILLS
from sufficiency.scenario_toml import MISSING, Reader

_SUPPLY_KEYS = (
    "in_house_recruited_per_year",
    "in_house_lost_percent_per_year",
    "agency_recruited_per_year",
    "agency_lost_percent_per_year",
    "childrens_home_beds",
    "supported_accommodation_beds",
    "within_20_miles_percent",
    "sibling_group_percent",
    "specialist_needs_percent",
    "specialist_skills",
    "overflow",
)
_OVERFLOW_KEYS = ("fostering", "childrens_home", "supported_accommodation", "local_first")
_CHAIN_STARTS = {
    "fostering": (HomeType.IN_HOUSE_FOSTERING, HomeType.AGENCY_FOSTERING),
    "childrens_home": (HomeType.CHILDRENS_HOME,),
    "supported_accommodation": (HomeType.SUPPORTED_ACCOMMODATION,),
}


def read_supply(reader: Reader, table: Mapping) -> SupplySettings | None:
    """Supply settings from ``[supply]``; ``None`` after recording errors."""
    p = "supply"
    reader.unknown_keys(table, p, _SUPPLY_KEYS, "in [supply]")
    values = {
        "in_house_recruited_per_year": reader.number(
            table, p, "in_house_recruited_per_year", None, 0, 10_000
        ),
        "in_house_lost_percent_per_year": reader.number(
            table, p, "in_house_lost_percent_per_year", None, 0, 100
        ),
        "agency_recruited_per_year": reader.number(
            table, p, "agency_recruited_per_year", None, 0, 10_000
        ),
        "agency_lost_percent_per_year": reader.number(
            table, p, "agency_lost_percent_per_year", None, 0, 100
        ),
        "childrens_home_beds": reader.number(
            table, p, "childrens_home_beds", None, 0, 100_000, integer=True
        ),
        "supported_accommodation_beds": reader.number(
            table, p, "supported_accommodation_beds", None, 0, 100_000, integer=True
        ),
        "sibling_group_percent": reader.number(table, p, "sibling_group_percent", None, 0, 100),
        "specialist_needs_percent": reader.number(
            table, p, "specialist_needs_percent", None, 0, 100
        ),
        "specialist_skills": reader.choices(
            table, p, "specialist_skills", SKILLS, "skill", SupplySettings().specialist_skills
        ),
        "within_20_miles_percent": _local_shares(
            reader, reader.table(table, p, "within_20_miles_percent")
        ),
        "overflow": _overflow(reader, reader.table(table, p, "overflow")),
    }
    if MISSING in values.values():
        return None
    values["specialist_skills"] = frozenset(values["specialist_skills"])
    return SupplySettings(**values)


def _local_shares(reader: Reader, table: Mapping) -> object:
    shares = {}
    for key in table:
        path = f"supply.within_20_miles_percent.{key}"
        home = reader.choice(key, path, HOME_TYPES, "type of home")
        share = reader.number(table, "supply.within_20_miles_percent", key, MISSING, 0, 100)
        if MISSING in (home, share):
            continue
        shares[HomeType(home)] = float(share)
    return MappingProxyType(shares)


def _overflow(reader: Reader, table: Mapping) -> object:
    p = "supply.overflow"
    reader.unknown_keys(table, p, _OVERFLOW_KEYS, "in [supply.overflow]")
    defaults = OverflowRules()
    chains = {}
    for name, starts in _CHAIN_STARTS.items():
        chain = reader.choices(table, p, name, HOME_TYPES, "type of home", getattr(defaults, name))
        if chain is MISSING:
            return MISSING
        chain = tuple(HomeType(h) for h in chain)
        if not chain or chain[0] not in starts:
            reader.error(
                f"{p}.{name}",
                "must start with the type of home the children need",
                expected="a list starting with " + " or ".join(f'"{s}"' for s in starts),
                actual=", ".join(chain) or "[]",
            )
            return MISSING
        if len(set(chain)) != len(chain):
            reader.error(
                f"{p}.{name}",
                "lists a type of home twice",
                expected="each type once",
                actual=", ".join(chain),
            )
            return MISSING
        chains[name] = chain
    local_first = reader.boolean(table, p, "local_first", False)
    if local_first is MISSING:
        return MISSING
    return OverflowRules(local_first=local_first, **chains)
