"""Pure domain types for sufficiency work: age bands, placement types, children and episodes.

No file, database, solver or web access here. The SSDA903 code map lives in
``sufficiency.placement_codes`` (an adapter concern), not in these enums.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
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
