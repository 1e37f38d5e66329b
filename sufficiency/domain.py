"""Pure domain types for sufficiency work: age bands, placement types, children and episodes.

No file, database, solver or web access here. The SSDA903 code map lives in
``sufficiency.placement_codes`` (an adapter concern), not in these enums.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NewType

ChildId = NewType("ChildId", str)


class AgeBand(enum.StrEnum):
    """The DfE age bands used in the children-looked-after statistics."""

    UNDER_1 = "under 1"
    AGE_1_TO_4 = "1-4"
    AGE_5_TO_9 = "5-9"
    AGE_10_TO_15 = "10-15"
    AGE_16_TO_17 = "16-17"

    @property
    def min_age_years(self) -> int:
        return _BAND_BOUNDS[self][0]

    @property
    def max_age_years(self) -> int:
        """Oldest whole age in the band (inclusive)."""
        return _BAND_BOUNDS[self][1]

    @classmethod
    def for_age(cls, age_years: int) -> AgeBand:
        """The band holding a whole age in years; raises ``ValueError`` outside 0-17."""
        for band, (low, high) in _BAND_BOUNDS.items():
            if low <= age_years <= high:
                return band
        raise ValueError(f"age_years: {age_years} is outside 0-17, the ages a child can be looked after")


_BAND_BOUNDS: dict[AgeBand, tuple[int, int]] = {
    AgeBand.UNDER_1: (0, 0),
    AgeBand.AGE_1_TO_4: (1, 4),
    AgeBand.AGE_5_TO_9: (5, 9),
    AgeBand.AGE_10_TO_15: (10, 15),
    AgeBand.AGE_16_TO_17: (16, 17),
}


class PlacementType(enum.StrEnum):
    """Where a looked-after child lives, at the grain commissioners plan for."""

    IN_HOUSE_FOSTERING = "in-house fostering"
    AGENCY_FOSTERING = "agency fostering"
    KINSHIP_FOSTERING = "kinship fostering"
    PLACED_FOR_ADOPTION = "placed for adoption"
    CHILDRENS_HOME = "children's home"
    SECURE = "secure"
    SUPPORTED_ACCOMMODATION = "supported accommodation 16+"
    PARENT_AND_CHILD = "parent and child"
    PLACED_WITH_PARENTS = "placed with parents"
    RESIDENTIAL_SCHOOL = "residential school"
    OTHER = "other"

    @property
    def is_fostering(self) -> bool:
        return self in {
            PlacementType.IN_HOUSE_FOSTERING,
            PlacementType.AGENCY_FOSTERING,
            PlacementType.KINSHIP_FOSTERING,
        }


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Whole years of age on a date (birthdays on 29 February fall on 1 March in other years)."""
    if on < date_of_birth:
        raise ValueError(f"on: {on.isoformat()} is before the date of birth")
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def age_band_on(date_of_birth: dt.date, on: dt.date) -> AgeBand:
    """DfE age band of a child on a date; ``ValueError`` if the child is 18 or over."""
    return AgeBand.for_age(age_on(date_of_birth, on))


def eighteenth_birthday(date_of_birth: dt.date) -> dt.date:
    """The day a child leaves care by age (29 February births: 1 March)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:
        return dt.date(date_of_birth.year + 18, 3, 1)


@dataclass(frozen=True, slots=True)
class Episode:
    """One SSDA903 episode of care: a period with the same placement and legal status.

    ``placement_code`` is the 903 PLACE code as recorded; ``placement_type`` is its
    category after the adapter's code map (which also uses the provider).
    ``ceased`` is ``None`` while the episode is open.
    """

    child_id: ChildId
    started: dt.date
    ceased: dt.date | None
    placement_code: str
    placement_type: PlacementType
    legal_status: str
    provider_code: str = ""
    reason_new_episode: str = ""
    reason_ceased: str = ""
    category_of_need: str = ""
    home_postcode: str = ""
    placement_postcode: str = ""

    def __post_init__(self) -> None:
        if self.ceased is not None and self.ceased < self.started:
            raise ValueError(
                f"ceased: {self.ceased.isoformat()} is before started {self.started.isoformat()}"
            )

    def days_in(self, start: dt.date, end: dt.date) -> int:
        """Days of this episode inside the half-open window [start, end)."""
        stop = min(self.ceased or end, end)
        return max(0, (stop - max(self.started, start)).days)


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """A looked-after child as the SSDA903 header records them (ids only, no names)."""

    child_id: ChildId
    sex: Sex
    date_of_birth: dt.date
    ethnicity: str = ""
    unaccompanied_asylum_seeking: bool = False
    disabled: bool = False
    episodes: tuple[Episode, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for episode in self.episodes:
            if episode.child_id != self.child_id:
                raise ValueError(f"episodes: episode for {episode.child_id} under child {self.child_id}")
            if episode.started < self.date_of_birth:
                raise ValueError(f"episodes: episode starts {episode.started} before date_of_birth")


# --- Forecast engine contract (issue 5 / issue 6) -------------------------------------------

#: Routes out of care the exit rates are estimated for (from the 903 REC code), plus the
#: forced exit on the 18th birthday, which is never a rate.
EXIT_ROUTES: tuple[str, ...] = ("reunification", "special guardianship", "adoption", "other")
AGE_18_ROUTE = "age 18"


@dataclass(frozen=True, slots=True)
class State:
    """One cell of the forecast: a DfE age band, a placement type and the UASC stream.

    Engines hold counts as numpy arrays whose last axis is labelled by a
    ``states: tuple[State, ...]``.
    """

    age_band: AgeBand
    placement_type: PlacementType
    uasc: bool = False

    @property
    def label(self) -> str:
        """Human-readable name, e.g. ``"10-15 / children's home / UASC"``."""
        suffix = " / UASC" if self.uasc else ""
        return f"{self.age_band.value} / {self.placement_type.value}{suffix}"


def _frozen_mapping(name: str, value: Mapping, check) -> Mapping:
    for key, number in value.items():
        check(name, key, number)
    return MappingProxyType(dict(value))


def _non_negative(name: str, key: object, number: float) -> None:
    if not number >= 0:
        raise ValueError(f"{name}: {number!r} for {key!r} must be a number >= 0")


@dataclass(frozen=True, slots=True)
class DemandAdjustments:
    """Changes to demand applied inside the simulation; every default means "no change".

    ``entry_multiplier_by_age_band`` scales the entry rate of a band;
    ``extra_entries_per_year_by_age_band`` adds entries [children/year];
    ``uasc_entry_multiplier`` scales UASC entries;
    ``entry_mix_shift`` holds ``(from, to, share)``: that share (0-1) of new entries that would
    start in ``from`` start in ``to``; ``exit_multiplier_by_route`` scales the exit rate of a
    route in ``EXIT_ROUTES`` (the exit at 18 is fixed); ``transition_multiplier`` scales the
    rate of moves ``(from, to)``; ``step_downs`` holds ``(from, to, children_per_year)``
    planned moves; all apply from forecast month ``start_month_index`` (0 = the first month).
    """

    entry_multiplier_by_age_band: Mapping[AgeBand, float] = field(default_factory=dict)
    extra_entries_per_year_by_age_band: Mapping[AgeBand, float] = field(default_factory=dict)
    uasc_entry_multiplier: float = 1.0
    entry_mix_shift: tuple[tuple[PlacementType, PlacementType, float], ...] = ()
    exit_multiplier_by_route: Mapping[str, float] = field(default_factory=dict)
    transition_multiplier: Mapping[tuple[PlacementType, PlacementType], float] = field(
        default_factory=dict
    )
    step_downs: tuple[tuple[PlacementType, PlacementType, float], ...] = ()
    start_month_index: int = 0

    def __post_init__(self) -> None:
        for name in ("entry_multiplier_by_age_band", "extra_entries_per_year_by_age_band",
                     "exit_multiplier_by_route", "transition_multiplier"):
            frozen = _frozen_mapping(name, getattr(self, name), _non_negative)
            object.__setattr__(self, name, frozen)
        for route in self.exit_multiplier_by_route:
            if route not in EXIT_ROUTES:
                raise ValueError(
                    f"exit_multiplier_by_route: {route!r} is not a route; expected one of "
                    f"{', '.join(EXIT_ROUTES)} (the exit at 18 cannot be changed)"
                )
        _non_negative("uasc_entry_multiplier", "UASC", self.uasc_entry_multiplier)
        for source, target, share in self.entry_mix_shift:
            if not 0 <= share <= 1:
                raise ValueError(
                    f"entry_mix_shift: share {share!r} for {source} -> {target} must be 0-1"
                )
        for source, target, per_year in self.step_downs:
            _non_negative("step_downs", f"{source} -> {target}", per_year)
        if self.start_month_index < 0:
            raise ValueError(f"start_month_index: {self.start_month_index} must be >= 0")

    @property
    def is_neutral(self) -> bool:
        """True when nothing is changed (the baseline)."""
        return (
            all(v == 1 for v in self.entry_multiplier_by_age_band.values())
            and all(v == 0 for v in self.extra_entries_per_year_by_age_band.values())
            and self.uasc_entry_multiplier == 1
            and all(share == 0 for _, _, share in self.entry_mix_shift)
            and all(v == 1 for v in self.exit_multiplier_by_route.values())
            and all(v == 1 for v in self.transition_multiplier.values())
            and all(n == 0 for _, _, n in self.step_downs)
        )
