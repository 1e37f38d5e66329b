"""The scenario file schema: every key, its type, unit, default and meaning, in one registry.

``sufficiency.scenario_file`` validates against it and ``tests/test_docs.py`` checks that
``scenarios/README.md`` documents every key listed here. No parsing happens in this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.domain import Need
from sufficiency.domain import AgeBand, PlacementType
from sufficiency.scenario_domain import CarerProvider, ExitRoute, HomeType


@dataclass(frozen=True, slots=True)
class Key:
    """One documented key. ``path`` is dotted; ``adjustment.x`` keys sit in ``[[adjustment]]``."""

    path: str
    kind: str
    unit: str
    default: str
    help: str


AGE_BANDS = tuple(b.value for b in AgeBand)
PLACEMENT_TYPES = tuple(p.value for p in PlacementType)
HOME_TYPES = tuple(h.value for h in HomeType)
BED_HOME_TYPES = (HomeType.CHILDRENS_HOME.value, HomeType.SUPPORTED_ACCOMMODATION.value)
EXIT_ROUTES = tuple(r.value for r in ExitRoute)
PROVIDERS = tuple(p.value for p in CarerProvider)
SKILLS = tuple(n.value for n in Need)

_K = Key
KEYS: tuple[Key, ...] = (
    _K("schema_version", "integer", "", "required", "Version of this schema; must be 1."),
    _K("name", "text", "", "required", "Short name shown in comparison tables."),
    _K("description", "text", "", "required", "What the scenario assumes, in plain words."),
    _K("baseline.as_of", "date", "", "the data's as-of date", "Forecast start date."),
    _K("baseline.horizon_months", "integer 1-120", "months", "36", "How far ahead to forecast."),
    _K(
        "baseline.history_years",
        "integer 1-10",
        "years",
        "3",
        "Years of history used to estimate rates and carer recruitment and attrition.",
    ),
    _K(
        "adjustment.lever",
        "text",
        "",
        "required",
        "Which lever: "
        + ", ".join(
            (
                "entries",
                "uasc_arrivals",
                "placement_mix",
                "step_down",
                "exits",
                "moves",
                "carers",
                "beds",
                "locality",
                "unit_cost",
            )
        ),
    ),
    _K(
        "adjustment.start_month",
        "integer",
        "forecast month",
        "1",
        "First forecast month the change applies (1 = the month after the as-of date).",
    ),
    _K(
        "adjustment.note",
        "text",
        "",
        '""',
        "The commissioner's own words or the plan it comes from.",
    ),
    _K(
        "adjustment.age_band",
        'age band or "all"',
        "",
        "required (entries)",
        "Age band whose entries change: " + ", ".join(AGE_BANDS) + ".",
    ),
    _K(
        "adjustment.change_percent",
        "number",
        "% of baseline",
        "0",
        "Percentage change in entries, UASC arrivals, exit or move rate, or a unit cost.",
    ),
    _K(
        "adjustment.change_per_year",
        "number",
        "children per year",
        "0",
        "Extra (or, negative, fewer) entries per year for the age band.",
    ),
    _K("adjustment.from", "placement type", "", "required", "Placement type children move from."),
    _K("adjustment.to", "placement type", "", "required", "Placement type children move to."),
    _K(
        "adjustment.share_percent",
        "number 0-100",
        "% of entries",
        "required (placement_mix)",
        "Share of new entries into `from` who start in `to` instead.",
    ),
    _K(
        "adjustment.children_per_year",
        "number >= 0",
        "children per year",
        "required (step_down)",
        "Children stepped down from `from` to `to` each year.",
    ),
    _K(
        "adjustment.route",
        "exit route",
        "",
        "required (exits)",
        "Route out of care: " + ", ".join(EXIT_ROUTES) + ".",
    ),
    _K(
        "adjustment.provider",
        "in-house or agency",
        "",
        "required (carers)",
        "Whose fostering households are recruited or lost.",
    ),
    _K(
        "adjustment.recruited_per_year",
        "number",
        "households per year",
        "0",
        "Extra households approved each year, on top of the baseline recruitment.",
    ),
    _K(
        "adjustment.lost_change_percent",
        "number >= -100",
        "% of baseline attrition",
        "0",
        "Change in the share of households leaving each year (negative: better retention).",
    ),
    _K("adjustment.age_min", "integer 0-17", "years", "0", "Youngest age the new households take."),
    _K("adjustment.age_max", "integer 0-17", "years", "17", "Oldest age the new households take."),
    _K(
        "adjustment.places_per_household",
        "integer >= 1",
        "children",
        "provider's average",
        "Approved places per new household.",
    ),
    _K(
        "adjustment.max_sibling_group",
        "integer >= 1",
        "children",
        "1",
        "Largest sibling group a new household can take together.",
    ),
    _K(
        "adjustment.skills",
        "list of skills",
        "",
        "[]",
        "Skills of the new households: " + ", ".join(SKILLS) + ".",
    ),
    _K(
        "adjustment.within_20_miles_percent",
        "number 0-100",
        "% of places",
        "current share",
        "Share of the places (new households, or a type of home for `locality`) within 20 miles.",
    ),
    _K(
        "adjustment.home_type",
        "type of home",
        "",
        "required (beds, locality)",
        "Type of home: " + ", ".join(HOME_TYPES) + " (beds: the last two only).",
    ),
    _K(
        "adjustment.beds_change",
        "integer",
        "beds",
        "required (beds)",
        "Beds opened (positive) or closed (negative).",
    ),
    _K(
        "adjustment.within_20_miles",
        "true or false",
        "",
        "true",
        "Whether the opened or closed beds are within 20 miles.",
    ),
    _K(
        "adjustment.placement_type",
        'placement type or "all"',
        "",
        "required (unit_cost)",
        "Placement type whose weekly cost changes.",
    ),
    _K(
        "adjustment.weekly_gbp",
        "number >= 0",
        "GBP per child per week",
        "none",
        "New weekly cost (instead of change_percent).",
    ),
    _K(
        "supply.in_house_recruited_per_year",
        "number >= 0",
        "households per year",
        "estimated",
        "In-house households approved each year (default: approvals in the history years).",
    ),
    _K(
        "supply.in_house_lost_percent_per_year",
        "number 0-100",
        "% of households per year",
        "estimated",
        "Share of in-house households deregistering each year.",
    ),
    _K(
        "supply.agency_recruited_per_year",
        "number >= 0",
        "households per year",
        "estimated",
        "Agency households available to the council added each year.",
    ),
    _K(
        "supply.agency_lost_percent_per_year",
        "number 0-100",
        "% of households per year",
        "estimated",
        "Share of agency households lost each year.",
    ),
    _K(
        "supply.childrens_home_beds",
        "integer >= 0",
        "beds",
        "children in children's homes now",
        "Children's home beds available to the council at the start.",
    ),
    _K(
        "supply.supported_accommodation_beds",
        "integer >= 0",
        "beds",
        "young people in supported accommodation now",
        "Supported accommodation beds at the start.",
    ),
    _K(
        "supply.within_20_miles_percent",
        "table: type of home -> number 0-100",
        "% of places",
        "estimated",
        "Share of each type of home's places within 20 miles of children's homes.",
    ),
    _K(
        "supply.sibling_group_percent",
        "number 0-100",
        "% of fostered children",
        "estimated",
        "Children in foster care who need a place with their brothers or sisters.",
    ),
    _K(
        "supply.specialist_needs_percent",
        "number 0-100",
        "% of fostered children",
        "estimated",
        "Children in foster care who need a household with specialist skills.",
    ),
    _K(
        "supply.specialist_skills",
        "list of skills",
        "",
        '["disability", "learning disability", "complex health"]',
        "Skills any one of which meets a specialist need.",
    ),
    _K(
        "supply.overflow.fostering",
        "list of types of home",
        "",
        '["in-house fostering", "agency fostering", "children\'s home"]',
        "Where children needing foster care go, in order, when the first is full.",
    ),
    _K(
        "supply.overflow.childrens_home",
        "list of types of home",
        "",
        '["children\'s home"]',
        "Where children needing a children's home go, in order.",
    ),
    _K(
        "supply.overflow.supported_accommodation",
        "list of types of home",
        "",
        '["supported accommodation 16+"]',
        "Where young people needing supported accommodation go.",
    ),
    _K(
        "supply.overflow.local_first",
        "true or false",
        "",
        "false",
        "Try every type's places within 20 miles before any place further away.",
    ),
    _K(
        "costs.inflation_percent_per_year",
        "number",
        "% per year",
        "cost model default",
        "Annual rise in every unit cost.",
    ),
    _K(
        "costs.no_registered_home_weekly_gbp",
        "number >= 0",
        "GBP per child per week",
        "cost model default",
        "Weekly cost of a child for whom no home in the chain is free.",
    ),
    _K(
        "costs.weekly_gbp",
        "table: placement type -> number >= 0",
        "GBP per child per week",
        "cost model defaults",
        "Weekly unit cost by placement type at the as-of date.",
    ),
    _K("uncertainty.runs", "integer 1-100000", "runs", "1000", "Monte Carlo runs."),
    _K(
        "uncertainty.seed",
        "integer >= 0",
        "",
        "20261123",
        "Random seed; the same seed gives the same result.",
    ),
    _K(
        "uncertainty.lower_percentile", "number 0-49", "percentile", "10", "Lower end of intervals."
    ),
    _K(
        "uncertainty.upper_percentile",
        "number 51-100",
        "percentile",
        "90",
        "Upper end of intervals.",
    ),
)

KEY_PATHS = frozenset(k.path for k in KEYS)
SECTIONS = ("baseline", "supply", "supply.overflow", "costs", "uncertainty")
TOP_LEVEL = (
    "schema_version",
    "name",
    "description",
    "baseline",
    "adjustment",
    "supply",
    "costs",
    "uncertainty",
)

#: For each lever: (required keys, optional keys), besides lever, start_month and note.
LEVER_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "entries": (("age_band",), ("change_percent", "change_per_year")),
    "uasc_arrivals": (("change_percent",), ()),
    "placement_mix": (("from", "to", "share_percent"), ()),
    "step_down": (("from", "to", "children_per_year"), ()),
    "exits": (("route", "change_percent"), ()),
    "moves": (("from", "to", "change_percent"), ()),
    "carers": (
        ("provider",),
        (
            "recruited_per_year",
            "lost_change_percent",
            "age_min",
            "age_max",
            "places_per_household",
            "max_sibling_group",
            "skills",
            "within_20_miles_percent",
        ),
    ),
    "beds": (("home_type", "beds_change"), ("within_20_miles",)),
    "locality": (("home_type", "within_20_miles_percent"), ()),
    "unit_cost": (("placement_type",), ("change_percent", "weekly_gbp")),
}
COMMON_ADJUSTMENT_KEYS = ("lever", "start_month", "note")


def render_key_table() -> str:
    """The key reference as a Markdown table (used to write ``scenarios/README.md``)."""
    lines = ["| key | type | unit | default | meaning |", "| --- | --- | --- | --- | --- |"]
    for key in KEYS:
        lines.append(f"| `{key.path}` | {key.kind} | {key.unit} | {key.default} | {key.help} |")
    return "\n".join(lines)
