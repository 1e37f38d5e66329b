"""Pure types for commissioners' scenarios: the levers, supply settings, costs and uncertainty.

A ``Scenario`` is what a TOML file in ``scenarios/`` says, after validation. No file access,
numpy or forecasting here: ``sufficiency.scenario_file`` builds these, ``sufficiency.scenarios``
runs them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sufficiency.domain import AgeBand, PlacementType

#: The one schema version this code reads. Bump it when a key changes meaning.
SCHEMA_VERSION = 1


class HomeType(enum.StrEnum):
    """Types of home whose places the supply model counts (other placement types are unlimited)."""

    IN_HOUSE_FOSTERING = "in-house fostering"
    AGENCY_FOSTERING = "agency fostering"
    CHILDRENS_HOME = "children's home"
    SUPPORTED_ACCOMMODATION = "supported accommodation 16+"

    @property
    def placement_type(self) -> PlacementType:
        return PlacementType(self.value)


class ExitRoute(enum.StrEnum):
    """Ways out of care a scenario can speed up or slow down (leaving at 18 is fixed)."""

    REUNIFICATION = "reunification"
    SPECIAL_GUARDIANSHIP = "special guardianship"
    ADOPTION = "adoption"
    OTHER = "other"


class CarerProvider(enum.StrEnum):
    IN_HOUSE = "in-house"
    AGENCY = "agency"


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Lever:
    """Fields shared by every adjustment: when it starts and the commissioner's own note.

    ``start_month`` is the forecast month (1 = the first month after the as-of date) from
    which the change applies.
    """

    start_month: int = 1
    note: str = ""

    def __post_init__(self) -> None:
        if self.start_month < 1:
            raise ValueError(f"start_month: {self.start_month} must be 1 or more")


@dataclass(frozen=True, slots=True)
class EntryChange(Lever):
    """Change entries into care for one age band (``None``: every band), by % and/or number."""

    age_band: AgeBand | None = None
    change_percent: float = 0.0  # [% of baseline entries], -100 or more
    change_per_year: float = 0.0  # [children per year] added (negative: fewer)


@dataclass(frozen=True, slots=True)
class UascArrivals(Lever):
    """Change arrivals of unaccompanied asylum-seeking children into care [% of baseline]."""

    change_percent: float = 0.0


@dataclass(frozen=True, slots=True)
class MixShift(Lever):
    """A share of new entries who would start in ``from_type`` start in ``to_type`` instead."""

    from_type: PlacementType = PlacementType.CHILDRENS_HOME
    to_type: PlacementType = PlacementType.IN_HOUSE_FOSTERING
    share_percent: float = 0.0  # [% of entries into from_type], 0-100


@dataclass(frozen=True, slots=True)
class StepDown(Lever):
    """Children moved each year from one type of home to another (e.g. residential to fostering)."""

    from_type: PlacementType = PlacementType.CHILDRENS_HOME
    to_type: PlacementType = PlacementType.IN_HOUSE_FOSTERING
    children_per_year: float = 0.0  # [children per year]


@dataclass(frozen=True, slots=True)
class ExitChange(Lever):
    """Change the rate at which children leave care by one route [% of baseline rate]."""

    route: ExitRoute = ExitRoute.REUNIFICATION
    change_percent: float = 0.0


@dataclass(frozen=True, slots=True)
class MoveChange(Lever):
    """Change the rate of moves between two types of home [% of baseline rate]."""

    from_type: PlacementType = PlacementType.AGENCY_FOSTERING
    to_type: PlacementType = PlacementType.IN_HOUSE_FOSTERING
    change_percent: float = 0.0


@dataclass(frozen=True, slots=True)
class ApprovalType:
    """What a group of fostering households is approved for (ages whole years, inclusive)."""

    age_min_years: int = 0
    age_max_years: int = 17
    max_sibling_group: int = 1
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 0 <= self.age_min_years <= self.age_max_years <= 17:
            raise ValueError(
                f"age_min/age_max: {self.age_min_years}-{self.age_max_years} "
                "is not a range within 0-17"
            )
        if self.max_sibling_group < 1:
            raise ValueError(f"max_sibling_group: {self.max_sibling_group} must be 1 or more")

    def covers(self, age_band: AgeBand) -> bool:
        """Whether the approval includes at least half the band's ages (bands are planned whole).

        E.g. 0-3 covers "under 1" and "1-4" (3 of its 4 ages); 14-17 covers "16-17" but not
        "10-15" (2 of its 6 ages).
        """
        low = max(self.age_min_years, age_band.min_age_years)
        high = min(self.age_max_years, age_band.max_age_years)
        width = age_band.max_age_years - age_band.min_age_years + 1
        return high >= low and 2 * (high - low + 1) >= width


@dataclass(frozen=True, slots=True)
class CarerChange(Lever):
    """Extra fostering households recruited, and a change in how many leave, per year."""

    provider: CarerProvider = CarerProvider.IN_HOUSE
    recruited_per_year: float = 0.0  # [households per year], extra to the baseline
    lost_change_percent: float = 0.0  # [% of the baseline attrition rate]
    approval: ApprovalType = field(default_factory=ApprovalType)
    places_per_household: int | None = None  # None: the provider's current average
    within_20_miles_percent: float | None = None  # None: the provider's current share


@dataclass(frozen=True, slots=True)
class BedChange(Lever):
    """Beds opened (positive) or closed (negative) in children's homes or supported homes."""

    home_type: HomeType = HomeType.CHILDRENS_HOME
    beds: int = 0
    within_20_miles: bool = True


@dataclass(frozen=True, slots=True)
class LocalityChange(Lever):
    """Set the share of a type of home's places that are within 20 miles of children's homes."""

    home_type: HomeType = HomeType.AGENCY_FOSTERING
    within_20_miles_percent: float = 0.0


@dataclass(frozen=True, slots=True)
class UnitCostChange(Lever):
    """Change a weekly unit cost by a percentage, or set it (``weekly_gbp``)."""

    placement_type: PlacementType | None = None  # None: every type
    change_percent: float = 0.0
    weekly_gbp: float | None = None


Adjustment = (
    EntryChange
    | UascArrivals
    | MixShift
    | StepDown
    | ExitChange
    | MoveChange
    | CarerChange
    | BedChange
    | LocalityChange
    | UnitCostChange
)
DEMAND_LEVERS = (EntryChange, UascArrivals, MixShift, StepDown, ExitChange, MoveChange)
SUPPLY_LEVERS = (CarerChange, BedChange, LocalityChange)


@dataclass(frozen=True, slots=True)
class OverflowRules:
    """Where children go when the preferred type of home is full, in order of preference.

    Each chain starts with the type of home the child needs. ``local_first``: try places within
    20 miles in every type of the chain before any place further away.
    """

    fostering: tuple[HomeType, ...] = (
        HomeType.IN_HOUSE_FOSTERING,
        HomeType.AGENCY_FOSTERING,
        HomeType.CHILDRENS_HOME,
    )
    childrens_home: tuple[HomeType, ...] = (HomeType.CHILDRENS_HOME,)
    supported_accommodation: tuple[HomeType, ...] = (HomeType.SUPPORTED_ACCOMMODATION,)
    local_first: bool = False


@dataclass(frozen=True, slots=True)
class SupplySettings:
    """Editable supply defaults; ``None`` means "estimate from the council's own data"."""

    in_house_recruited_per_year: float | None = None  # [households per year]
    in_house_lost_percent_per_year: float | None = None  # [% of households per year]
    agency_recruited_per_year: float | None = None
    agency_lost_percent_per_year: float | None = None
    childrens_home_beds: int | None = None  # [beds available to the council]
    supported_accommodation_beds: int | None = None
    within_20_miles_percent: Mapping[HomeType, float] = field(default_factory=lambda: _frozen(None))
    sibling_group_percent: float | None = None  # [% of fostered children needing a sibling place]
    specialist_needs_percent: float | None = None  # [% of fostered children needing skills]
    specialist_skills: frozenset[str] = frozenset(
        {"disability", "learning disability", "complex health"}
    )
    overflow: OverflowRules = field(default_factory=OverflowRules)


@dataclass(frozen=True, slots=True)
class CostSettings:
    """Unit costs: overrides of the default weekly costs, inflation and the cost of no home."""

    weekly_gbp: Mapping[PlacementType, float] = field(default_factory=lambda: _frozen(None))
    inflation_percent_per_year: float | None = None  # None: the cost model's default
    no_registered_home_weekly_gbp: float | None = None  # None: the cost model's default


@dataclass(frozen=True, slots=True)
class UncertaintySettings:
    """How many Monte Carlo runs, the seed, and the interval reported."""

    runs: int = 1000
    seed: int = 20261123
    lower_percentile: float = 10.0
    upper_percentile: float = 90.0

    def __post_init__(self) -> None:
        if self.runs < 1:
            raise ValueError(f"runs: {self.runs} must be 1 or more")
        if not 0 <= self.lower_percentile < 50 < self.upper_percentile <= 100:
            raise ValueError(
                "lower_percentile/upper_percentile: need 0 <= lower < 50 < upper <= 100"
            )


@dataclass(frozen=True, slots=True)
class BaselineSettings:
    """The forecast every scenario in a comparison shares."""

    as_of: dt.date | None = None  # None: the data's own as-of date
    horizon_months: int = 36
    history_years: int = 3  # [years] of history used to estimate rates and carer turnover


@dataclass(frozen=True, slots=True)
class Scenario:
    """One commissioner's "what if": levers applied to the shared baseline."""

    name: str
    description: str
    schema_version: int = SCHEMA_VERSION
    baseline: BaselineSettings = field(default_factory=BaselineSettings)
    adjustments: tuple[Adjustment, ...] = ()
    supply: SupplySettings = field(default_factory=SupplySettings)
    costs: CostSettings = field(default_factory=CostSettings)
    uncertainty: UncertaintySettings = field(default_factory=UncertaintySettings)
    source: str = ""  # the file it came from, for messages

    def levers(self, kind: type | tuple[type, ...]) -> tuple[Adjustment, ...]:
        """The adjustments of one kind (or kinds), in file order."""
        return tuple(a for a in self.adjustments if isinstance(a, kind))

    @property
    def has_changes(self) -> bool:
        return bool(self.adjustments)
