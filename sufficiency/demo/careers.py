"""Stock-and-flow simulation of who enters care, when they move and when and why they leave.

Produces periods of care only (dates, ages, reasons); placement types, codes and postcodes
are attached later (``placements``, ``episodes``). Entries follow the national start mix by
age with a mild upward trend; lengths of stay the national "duration of last period of care";
exits the national reasons, restricted to the reasons possible at the child's age.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sufficiency.demo.statistics import NationalStatistics
from sufficiency.domain import AgeBand, Sex, age_on, eighteenth_birthday

SIMULATION_START = dt.date(
    2001, 4, 1
)  # early enough for 17-year-olds in care in 2020 to have entered
ENTRIES_PER_YEAR = 140.0  # in the year to 31 March 2024; the trend scales other years
ENTRY_TREND_PER_YEAR = 0.02  # mild growth in starts, as London councils saw from 2022
SIBLING_GROUP_SIZES = {1: 0.55, 2: 0.25, 3: 0.14, 4: 0.06}  # wished-for sizes under 13 (assumption)
UASC_SHARE_BY_ENTRY_AGE = {14: 0.1, 15: 0.2, 16: 0.6, 17: 0.6}  # London, assumption
MOVES_PER_YEAR = 0.35  # after the first year; national placement changes per child-year ~0.5
FIRST_YEAR_MOVES_PER_YEAR = 0.6
EMERGENCY_FIRST_PLACEMENT_SHARE = 0.3  # first placement is a short emergency one
UNSTABLE_SHARE = 0.08  # of 10-15 year-old entrants: 3 or more moves a year at first
REENTRY_SHARE = 0.12  # of children going home under 14 who come back into care
#: Share of entrants who stay until their 18th birthday, by age on entry. Chosen so that, with
#: the national start mix, about 39% of leavers leave at 18 and stock / starts is about 2.5,
#: as in the national figures (derivation in docs/demo-council.md).
STAY_TO_18_SHARE = {
    AgeBand.UNDER_1: 0.05,
    AgeBand.AGE_1_TO_4: 0.10,
    AgeBand.AGE_5_TO_9: 0.30,
    AgeBand.AGE_10_TO_15: 0.55,
    AgeBand.AGE_16_TO_17: 0.45,
}
UASC_STAY_TO_18_SHARE = 0.85
_AT_18 = ("E17", "E5", "E6", "E7", "E8", "E13", "E9")


@dataclass(frozen=True, slots=True)
class Person:
    """A child in the simulated history (ids only)."""

    child_id: str
    family_id: str  # children entering together share it (sibling group)
    date_of_birth: dt.date
    sex: Sex
    ethnicity: str  # SSDA903 ETHNIC code
    uasc: bool
    disabled: bool


@dataclass(frozen=True, slots=True)
class Period:
    """One period of care: ``moves`` are the dates the child changed placement."""

    child_id: str
    started: dt.date
    ceased: dt.date | None  # None: still looked after on the as-of date
    reason_ceased: str  # SSDA903 REC code, "" while open
    moves: tuple[dt.date, ...]


def _days(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, max(high, low + 1)))


def _entry_age_days(stats: NationalStatistics, rng: np.random.Generator) -> int:
    bands = list(stats.start_age)
    band = bands[int(rng.choice(len(bands), p=np.array([stats.start_age[b] for b in bands])))]
    if band == AgeBand.UNDER_1:  # half of babies come into care in their first weeks
        return _days(rng, 0, 30) if rng.random() < 0.5 else _days(rng, 30, 365)
    return _days(rng, band.min_age_years * 365, (band.max_age_years + 1) * 365 - 1)


def _duration_days(
    stats: NationalStatistics, entry_age_days: int, uasc: bool, rng: np.random.Generator
) -> int:
    """Length of stay [days]: until 18 for a share by entry age, else the national distribution."""
    band = AgeBand.for_age(min(entry_age_days // 365, 17))
    stay_share = UASC_STAY_TO_18_SHARE if uasc else STAY_TO_18_SHARE[band]
    if rng.random() < stay_share:
        return 10**5  # cut at the 18th birthday
    bins = stats.care_duration_days
    weights = np.array([share for _low, _high, share in bins])
    low, high, _ = bins[int(rng.choice(len(bins), p=weights / weights.sum()))]
    return _days(rng, max(low, 1), high)


def _exit_reason(
    stats: NationalStatistics,
    person: Person,
    ceased: dt.date,
    stay_days: int,
    rng: np.random.Generator,
) -> str:
    """A REC code possible for this age and stay, weighted by the national reasons."""
    if ceased >= eighteenth_birthday(person.date_of_birth):
        allowed = set(_AT_18)
    else:
        age = age_on(person.date_of_birth, ceased)
        allowed = {"E4A", "E13", "E8", "E16"}
        if age < 8 and stay_days >= 270:
            allowed |= {"E11", "E12"}
        if age < 16:
            allowed |= {"E41", "E45", "E46", "E47", "E48"}
        if age >= 16:
            allowed |= {"E5", "E6"}
        if age >= 12:
            allowed.add("E9")
        if person.uasc:
            allowed = {"E15", "E8", "E5", "E16"} if age >= 16 else {"E15", "E8", "E16"}
    codes = sorted(allowed)
    weights = np.array([stats.cease_reasons.get(code, 0.0) + 1e-3 for code in codes])
    if not person.uasc and ceased < eighteenth_birthday(person.date_of_birth):
        # Adoption is rarer per leaver than nationally once restricted to young children, and
        # E8 is open to every age: reweight so the mix of reasons stays near the national one.
        boost = {"E11": 4.0, "E12": 4.0, "E8": 0.5}
        weights *= np.array([boost.get(code, 1.0) for code in codes])
    return codes[int(rng.choice(len(codes), p=weights / weights.sum()))]


def _moves(
    started: dt.date, end: dt.date, entry_age_days: int, rng: np.random.Generator
) -> list[dt.date]:
    """Placement change dates strictly after ``started`` and on or before ``end``."""
    moves: list[dt.date] = []
    if rng.random() < EMERGENCY_FIRST_PLACEMENT_SHARE:
        moves.append(started + dt.timedelta(days=_days(rng, 1, 40)))
    unstable = 3650 <= entry_age_days < 5840 and rng.random() < UNSTABLE_SHARE
    day = started
    while True:
        years_in = (day - started).days / 365.25
        rate = (
            3.5
            if unstable and years_in < 1.5
            else (FIRST_YEAR_MOVES_PER_YEAR if years_in < 1 else MOVES_PER_YEAR)
        )
        day = day + dt.timedelta(days=max(1, int(rng.exponential(365.25 / rate))))
        if day > end:
            break
        moves.append(day)
    return sorted(set(m for m in moves if started < m <= end))


def _entry_rate(day: dt.date) -> float:
    years = (day - dt.date(2023, 10, 1)).days / 365.25
    return ENTRIES_PER_YEAR * (1.0 + ENTRY_TREND_PER_YEAR) ** years


def _families(ages: list[int], rng: np.random.Generator) -> list[list[int]]:
    """Group one month's entrants (ages [days]) into sibling groups of compatible ages.

    Every child's age is drawn from the national start mix first, so grouping keeps that mix.
    """
    order = sorted(range(len(ages)), key=lambda i: ages[i])
    families: list[list[int]] = []
    used: set[int] = set()
    sizes = list(SIBLING_GROUP_SIZES)
    for i in order:
        if i in used:
            continue
        used.add(i)
        family = [i]
        size = sizes[int(rng.choice(len(sizes), p=np.array(list(SIBLING_GROUP_SIZES.values()))))]
        for j in order:
            if len(family) >= size or ages[i] >= 13 * 365:
                break
            if (
                j not in used
                and 365 <= ages[j] - ages[family[-1]] <= 5 * 365
                and ages[j] < 16 * 365
            ):
                family.append(j)
                used.add(j)
        families.append(family)
    return families


class _Simulation:
    """Draws entry events month by month and each child's periods of care."""

    def __init__(self, stats: NationalStatistics, as_of: dt.date, rng: np.random.Generator) -> None:
        self.stats, self.as_of, self.rng = stats, as_of, rng
        self.ids = iter((100000 + rng.choice(900000, size=30000, replace=False)).tolist())
        self.persons: list[Person] = []
        self.periods: list[Period] = []

    def run(self) -> tuple[list[Person], list[Period]]:
        month = SIMULATION_START
        while month <= self.as_of:
            following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            ages = [
                _entry_age_days(self.stats, self.rng)
                for _ in range(int(self.rng.poisson(_entry_rate(month) / 12.0)))
            ]
            for family in _families(ages, self.rng):
                started = month + dt.timedelta(days=_days(self.rng, 0, (following - month).days))
                if started <= self.as_of:
                    self._family(started, [ages[i] for i in family])
            month = following
        return self.persons, self.periods

    def _person(self, family_id: str, started: dt.date, age_days: int, ethnicity: str) -> Person:
        age_years = age_days // 365
        uasc = family_id == "" and self.rng.random() < UASC_SHARE_BY_ENTRY_AGE.get(age_years, 0.0)
        male = self.rng.random() < (
            self.stats.uasc_male_share if uasc else self.stats.start_male_share
        )
        return Person(
            child_id=str(next(self.ids)),
            family_id=family_id,
            date_of_birth=started - dt.timedelta(days=age_days),
            sex=Sex.MALE if male else Sex.FEMALE,
            ethnicity=self._ethnicity() if uasc else ethnicity,
            uasc=uasc,
            disabled=self.rng.random() < 0.06,
        )

    def _ethnicity(self) -> str:
        codes = list(self.stats.start_ethnicity)
        weights = np.array([self.stats.start_ethnicity[c] for c in codes])
        if codes and self.rng.random() < 1.0:
            return codes[int(self.rng.choice(len(codes), p=weights / weights.sum()))]
        return "NOBT"

    def _family(self, started: dt.date, ages: list[int]) -> None:
        family_id = f"F{next(self.ids)}" if len(ages) > 1 else ""
        ethnicity = self._ethnicity()
        children = [self._person(family_id, started, age, ethnicity) for age in ages]
        self.persons.extend(children)
        stay = _duration_days(self.stats, ages[0], children[0].uasc, self.rng)
        together = self.rng.random() < 0.75
        shared = _moves(started, self.as_of, ages[0], self.rng)
        for child, age in zip(children, ages, strict=True):
            moves = shared if together else _moves(started, self.as_of, age, self.rng)
            self._periods(child, started, stay, age, moves)

    def _periods(
        self, child: Person, started: dt.date, stay_days: int, age_days: int, moves: list[dt.date]
    ) -> None:
        end = min(started + dt.timedelta(days=stay_days), eighteenth_birthday(child.date_of_birth))
        if end > self.as_of:
            kept = tuple(m for m in moves if m <= self.as_of)
            self.periods.append(Period(child.child_id, started, None, "", kept))
            return
        reason = _exit_reason(self.stats, child, end, (end - started).days, self.rng)
        self.periods.append(
            Period(child.child_id, started, end, reason, tuple(m for m in moves if m < end))
        )
        age_at_end = age_on(child.date_of_birth, end)
        if reason in {"E4A", "E13"} and age_at_end < 14 and self.rng.random() < REENTRY_SHARE:
            again = end + dt.timedelta(days=_days(self.rng, 90, 720))
            if again <= self.as_of:
                age = (again - child.date_of_birth).days
                stay = _duration_days(self.stats, age, False, self.rng)
                self._periods(child, again, stay, age, _moves(again, self.as_of, age, self.rng))


def simulate_careers(
    stats: NationalStatistics, as_of: dt.date, rng: np.random.Generator
) -> tuple[list[Person], list[Period]]:
    """Simulate entries from ``SIMULATION_START`` to ``as_of`` and every child's periods of care.

    Parameters
    ----------
    stats : national shares (start ages, lengths of stay, reasons for leaving)
    as_of : last day simulated; periods still open then have ``ceased=None``
    rng : the only source of randomness

    Returns
    -------
    persons, periods : one ``Person`` per child, one ``Period`` per period of care (a child
        who returns home and comes back has two)
    """
    return _Simulation(stats, as_of, rng).run()
