"""Adapter: one ``[[adjustment]]`` table -> a lever of ``sufficiency.scenario_domain``.

Each lever reads only its own keys (``scenario_schema.LEVER_KEYS``); every problem is
recorded on the shared ``Reader`` with its key and line, nothing is raised here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.scenario_domain import (
    Adjustment,
    ApprovalType,
    BedChange,
    CarerChange,
    CarerProvider,
    EntryChange,
    ExitChange,
    ExitRoute,
    HomeType,
    LocalityChange,
    MixShift,
    MoveChange,
    StepDown,
    UascArrivals,
    UnitCostChange,
)
from sufficiency.scenario_schema import (
    AGE_BANDS,
    BED_HOME_TYPES,
    COMMON_ADJUSTMENT_KEYS,
    EXIT_ROUTES,
    HOME_TYPES,
    LEVER_KEYS,
    PLACEMENT_TYPES,
    PROVIDERS,
    SKILLS,
)
from sufficiency.scenario_toml import MISSING, Reader

_LEVER_NAMES = tuple(LEVER_KEYS)


def read_adjustment(reader: Reader, table: Mapping, prefix: str) -> Adjustment | None:
    """The lever one ``[[adjustment]]`` table describes, or ``None`` after recording errors."""
    lever = reader.required(table, prefix, "lever", "one of: " + ", ".join(_LEVER_NAMES))
    if lever is MISSING:
        return None
    lever = reader.choice(lever, f"{prefix}.lever", _LEVER_NAMES, "lever")
    if lever is MISSING:
        return None
    required, optional = LEVER_KEYS[lever]
    reader.unknown_keys(
        table, prefix, COMMON_ADJUSTMENT_KEYS + required + optional, f'for lever "{lever}"'
    )
    for key in required:
        if key not in table:
            reader.error(
                f"{prefix}.{key}",
                f'missing key for lever "{lever}"',
                expected=_REQUIRED_HINT.get(key, "a value"),
            )
    table = {**table, **{key: MISSING for key in required if key not in table}}
    start = reader.number(table, prefix, "start_month", 1, 1, 120, integer=True)
    note = reader.text(table, prefix, "note", "")
    values = _READERS[lever](reader, table, prefix)
    if MISSING in (start, note) or values is None:
        return None
    return values(start_month=start, note=note)


_REQUIRED_HINT = {
    "age_band": "an age band: " + ", ".join(AGE_BANDS) + ' or "all"',
    "from": "a placement type: " + ", ".join(PLACEMENT_TYPES),
    "to": "a placement type: " + ", ".join(PLACEMENT_TYPES),
    "share_percent": "a percentage 0 to 100",
    "children_per_year": "children per year, e.g. 5",
    "route": "one of: " + ", ".join(EXIT_ROUTES),
    "change_percent": "a percentage change, e.g. -20",
    "provider": "one of: " + ", ".join(PROVIDERS),
    "home_type": "a type of home: " + ", ".join(HOME_TYPES),
    "beds_change": "beds opened (e.g. 4) or closed (e.g. -2)",
    "within_20_miles_percent": "a percentage 0 to 100",
    "placement_type": 'a placement type or "all"',
}

Partial = Callable[..., Adjustment]


def _bind(cls: type, **fields: object) -> Partial | None:
    if MISSING in fields.values():
        return None
    return lambda **common: cls(**fields, **common)


def _percent_change(
    reader: Reader, table: Mapping, prefix: str, default: object = MISSING
) -> object:
    return reader.number(table, prefix, "change_percent", default, minimum=-100, maximum=1000)


def _entries(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    band = table["age_band"]
    band = (
        None
        if isinstance(band, str) and band.strip().lower() == "all"
        else reader.choice(band, f"{prefix}.age_band", AGE_BANDS + ("all",), "age band")
    )
    percent = _percent_change(reader, table, prefix, 0.0)
    per_year = reader.number(table, prefix, "change_per_year", 0.0, -10_000, 10_000)
    if "change_percent" not in table and "change_per_year" not in table:
        reader.error(
            f"{prefix}.change_percent",
            'lever "entries" needs change_percent or change_per_year',
            expected="change_percent = -20 or change_per_year = -10",
        )
        return None
    return _bind(
        EntryChange,
        age_band=None if band is None else (band if band is MISSING else AgeBand(band)),
        change_percent=percent,
        change_per_year=per_year,
    )


def _uasc(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    return _bind(UascArrivals, change_percent=_percent_change(reader, table, prefix))


def _from_to(reader: Reader, table: Mapping, prefix: str) -> tuple[object, object]:
    source = reader.choice(table["from"], f"{prefix}.from", PLACEMENT_TYPES, "placement type")
    target = reader.choice(table["to"], f"{prefix}.to", PLACEMENT_TYPES, "placement type")
    if MISSING not in (source, target) and source == target:
        reader.error(
            f"{prefix}.to",
            "must differ from `from`",
            expected="another placement type",
            actual=target,
        )
        return MISSING, MISSING
    return (
        source if source is MISSING else PlacementType(source),
        target if target is MISSING else PlacementType(target),
    )


def _mix(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    source, target = _from_to(reader, table, prefix)
    share = reader.number(table, prefix, "share_percent", MISSING, 0, 100)
    return _bind(MixShift, from_type=source, to_type=target, share_percent=share)


def _step_down(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    source, target = _from_to(reader, table, prefix)
    per_year = reader.number(table, prefix, "children_per_year", MISSING, 0, 10_000)
    return _bind(StepDown, from_type=source, to_type=target, children_per_year=per_year)


def _exits(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    route = reader.choice(table["route"], f"{prefix}.route", EXIT_ROUTES, "exit route")
    return _bind(
        ExitChange,
        route=route if route is MISSING else ExitRoute(route),
        change_percent=_percent_change(reader, table, prefix),
    )


def _moves(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    source, target = _from_to(reader, table, prefix)
    return _bind(
        MoveChange,
        from_type=source,
        to_type=target,
        change_percent=_percent_change(reader, table, prefix),
    )


def _carers(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    provider = reader.choice(table["provider"], f"{prefix}.provider", PROVIDERS, "provider")
    recruited = reader.number(table, prefix, "recruited_per_year", 0.0, -1000, 1000)
    lost = reader.number(table, prefix, "lost_change_percent", 0.0, -100, 1000)
    age_min = reader.number(table, prefix, "age_min", 0, 0, 17, integer=True)
    age_max = reader.number(table, prefix, "age_max", 17, 0, 17, integer=True)
    places = reader.number(table, prefix, "places_per_household", None, 1, 6, integer=True)
    siblings = reader.number(table, prefix, "max_sibling_group", 1, 1, 6, integer=True)
    skills = reader.choices(table, prefix, "skills", SKILLS, "skill", ())
    local = reader.number(table, prefix, "within_20_miles_percent", None, 0, 100)
    if MISSING not in (age_min, age_max) and age_min > age_max:
        reader.error(
            f"{prefix}.age_max",
            "must be at least age_min",
            expected=f"{age_min} or more",
            actual=age_max,
        )
        return None
    if MISSING in (age_min, age_max, places, siblings, skills):
        return None
    approval = ApprovalType(age_min, age_max, siblings, frozenset(skills))
    return _bind(
        CarerChange,
        provider=provider if provider is MISSING else CarerProvider(provider),
        recruited_per_year=recruited,
        lost_change_percent=lost,
        approval=approval,
        places_per_household=places,
        within_20_miles_percent=local,
    )


def _beds(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    home = reader.choice(table["home_type"], f"{prefix}.home_type", BED_HOME_TYPES, "bed type")
    beds = reader.number(table, prefix, "beds_change", MISSING, -10_000, 10_000, integer=True)
    local = reader.boolean(table, prefix, "within_20_miles", True)
    return _bind(
        BedChange,
        home_type=home if home is MISSING else HomeType(home),
        beds=beds,
        within_20_miles=local,
    )


def _locality(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    home = reader.choice(table["home_type"], f"{prefix}.home_type", HOME_TYPES, "type of home")
    share = reader.number(table, prefix, "within_20_miles_percent", MISSING, 0, 100)
    return _bind(
        LocalityChange,
        home_type=home if home is MISSING else HomeType(home),
        within_20_miles_percent=share,
    )


def _unit_cost(reader: Reader, table: Mapping, prefix: str) -> Partial | None:
    raw = table["placement_type"]
    is_all = isinstance(raw, str) and raw.strip().lower() == "all"
    kind = (
        None
        if is_all
        else reader.choice(raw, f"{prefix}.placement_type", PLACEMENT_TYPES, "placement type")
    )
    percent = _percent_change(reader, table, prefix, 0.0)
    weekly = reader.number(table, prefix, "weekly_gbp", None, 0, 100_000)
    if ("change_percent" in table) == ("weekly_gbp" in table):
        reader.error(
            f"{prefix}.change_percent",
            'lever "unit_cost" needs exactly one of change_percent or weekly_gbp',
            expected="change_percent = 5 or weekly_gbp = 1200",
        )
        return None
    return _bind(
        UnitCostChange,
        placement_type=None if kind is None else (kind if kind is MISSING else PlacementType(kind)),
        change_percent=percent,
        weekly_gbp=weekly,
    )


_READERS: dict[str, Callable[[Reader, Mapping, str], Partial | None]] = {
    "entries": _entries,
    "uasc_arrivals": _uasc,
    "placement_mix": _mix,
    "step_down": _step_down,
    "exits": _exits,
    "moves": _moves,
    "carers": _carers,
    "beds": _beds,
    "locality": _locality,
    "unit_cost": _unit_cost,
}
