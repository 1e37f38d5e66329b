"""Corporate-parenting dashboard indicators from children looked after, households and 903 history.

Counts only: no file access except the two small readers at the end, which load the DfE
child population and England comparators packaged in ``sufficiency/data/cla_dfe_2023``.
Distances arrive through a caller-supplied function so this module needs no geography.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from matching.domain import Household, LookedAfterChild, ProviderType
from sufficiency.domain import ChildRecord, Episode, PlacementType

#: The DfE distance indicator's line [miles].
DISTANCE_THRESHOLD_MILES = 20.0
#: SSDA903 reason for new episode meaning "change of legal status only" (same placement).
_LEGAL_STATUS_ONLY = "L"
#: Temporary placements (holidays, respite, hospital) do not count as separate placements.
_TEMPORARY_PREFIX = "T"
_DATA = Path(__file__).resolve().parent / "data" / "cla_dfe_2023"

DistanceFunction = Callable[[str, str], "float | None"]


@dataclass(frozen=True, slots=True)
class Indicators:
    """The figures a corporate parenting panel report shows, on one day.

    Percentages are of ``children_in_care`` unless stated; ``None`` when the base is 0.
    """

    as_of: dt.date
    children_in_care: int
    child_population: int | None  # children aged 0-17 in the council (DfE file) [children]
    rate_per_10k: float | None  # children in care per 10,000 children [per 10,000]
    placed_beyond_threshold: int  # placed more than ``threshold_miles`` from home [children]
    distance_unknown: int  # home or placement postcode missing or not found [children]
    threshold_miles: float
    target_percent_beyond: float | None  # the council's target for the above [%]
    fostering: dict[PlacementType, int]  # in-house, agency and kinship fostering [children]
    sibling_groups: int  # groups of 2+ siblings looked after [groups]
    sibling_groups_together: int  # of those, all living in one place [groups]
    three_plus_placements: int | None  # with 3+ placements in the year; None: no 903 history
    vacancies: dict[ProviderType, int] = field(default_factory=dict)  # free places today

    @property
    def percent_beyond_threshold(self) -> float | None:
        return _percent(self.placed_beyond_threshold, self.children_in_care)

    @property
    def meets_distance_target(self) -> bool | None:
        if self.target_percent_beyond is None or self.percent_beyond_threshold is None:
            return None
        return self.percent_beyond_threshold <= self.target_percent_beyond

    @property
    def percent_in_house_fostering(self) -> float | None:
        """In-house share of mainstream (in-house + agency) fostering [%]."""
        in_house = self.fostering.get(PlacementType.IN_HOUSE_FOSTERING, 0)
        agency = self.fostering.get(PlacementType.AGENCY_FOSTERING, 0)
        return _percent(in_house, in_house + agency)

    @property
    def percent_siblings_together(self) -> float | None:
        return _percent(self.sibling_groups_together, self.sibling_groups)

    @property
    def percent_three_plus_placements(self) -> float | None:
        if self.three_plus_placements is None:
            return None
        return _percent(self.three_plus_placements, self.children_in_care)

    @property
    def total_vacancies(self) -> int:
        return sum(self.vacancies.values())


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def episode_on(child: ChildRecord, day: dt.date) -> Episode | None:
    """The child's episode open on ``day`` (started on or before, not ceased by), if any."""
    for episode in child.episodes:
        if episode.started <= day and (episode.ceased is None or episode.ceased > day):
            return episode
    return None


def in_care_on(children: Iterable[ChildRecord], day: dt.date) -> list[tuple[ChildRecord, Episode]]:
    """Children looked after on ``day`` with their current episode."""
    found = []
    for child in children:
        episode = episode_on(child, day)
        if episode is not None:
            found.append((child, episode))
    return found


def rate_per_10k(count: int, child_population: int | None) -> float | None:
    """Children per 10,000 of the child population [per 10,000]; ``None`` without a population."""
    if not child_population:
        return None
    return 10_000.0 * count / child_population


def count_beyond_threshold(
    current: Iterable[LookedAfterChild], distance_miles: DistanceFunction, threshold_miles: float
) -> tuple[int, int]:
    """(placed more than ``threshold_miles`` from home, distance unknown) among ``current``.

    Rules: straight-line distance between the home and placement postcodes' centroids, as in
    the DfE statistics; a missing postcode or one ``distance_miles`` cannot place is unknown.
    """
    beyond = unknown = 0
    for child in current:
        if not child.home_postcode or not child.placement_postcode:
            unknown += 1
            continue
        miles = distance_miles(child.home_postcode, child.placement_postcode)
        if miles is None:
            unknown += 1
        elif miles > threshold_miles:
            beyond += 1
    return beyond, unknown


def count_fostering(current: Iterable[LookedAfterChild]) -> dict[PlacementType, int]:
    """Children in each fostering placement type (zeros included) [children]."""
    counts = {t: 0 for t in PlacementType if t.is_fostering}
    for child in current:
        if child.placement_type.is_fostering:
            counts[child.placement_type] += 1
    return counts


def count_sibling_groups(current: Iterable[LookedAfterChild]) -> tuple[int, int]:
    """(sibling groups of 2+ children looked after, groups living all in one place).

    Siblings share a non-empty ``sibling_group``. One place is one fostering household
    (``household_id``), else one placement postcode; a child with neither counts as apart.
    """
    places: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, int] = defaultdict(int)
    for child in current:
        if child.sibling_group:
            place = child.household_id or child.placement_postcode or f"unknown:{child.child_id}"
            places[child.sibling_group].add(place)
            sizes[child.sibling_group] += 1
    groups = [g for g, size in sizes.items() if size >= 2]
    return len(groups), sum(1 for g in groups if len(places[g]) == 1)


def placements_in_year(child: ChildRecord, as_of: dt.date) -> int:
    """Separate placements a child had in the year ending ``as_of`` (DfE stability measure).

    Rules: an episode counts if it overlaps the 365 days up to and including ``as_of``;
    a new episode for a change of legal status only (reason "L") is the same placement,
    unless it is the first in the year; temporary placements (codes T0-T4) do not count.
    """
    start = as_of - dt.timedelta(days=364)
    count = 0
    for episode in sorted(child.episodes, key=lambda e: e.started):
        if episode.started > as_of or (episode.ceased is not None and episode.ceased <= start):
            continue
        if episode.placement_code.upper().startswith(_TEMPORARY_PREFIX):
            continue
        same_placement = episode.reason_new_episode.upper() == _LEGAL_STATUS_ONLY
        if count == 0 or not same_placement:
            count += 1
    return count


def vacancies_on(households: Iterable[Household], day: dt.date) -> dict[ProviderType, int]:
    """Free approved places usable on ``day``, by provider (zeros included) [places].

    Rules: the household is approved (not deregistered by ``day``), not on hold, and
    available (no ``available_from`` date or one on or before ``day``).
    """
    counts = {p: 0 for p in ProviderType}
    for household in households:
        if household.on_hold or household.vacancies <= 0:
            continue
        if household.deregistered_on is not None and household.deregistered_on <= day:
            continue
        if household.available_from is not None and household.available_from > day:
            continue
        counts[household.provider] += household.vacancies
    return counts


def compute_indicators(
    current: Iterable[LookedAfterChild],
    households: Iterable[Household],
    as_of: dt.date,
    distance_miles: DistanceFunction,
    *,
    history: Iterable[ChildRecord] | None = None,
    child_population: int | None = None,
    threshold_miles: float = DISTANCE_THRESHOLD_MILES,
    target_percent_beyond: float | None = None,
) -> Indicators:
    """All dashboard indicators on ``as_of``.

    Parameters
    ----------
    current : the children looked after on ``as_of`` and where they live.
    households : fostering households, for today's vacancies.
    as_of : the reporting day (the engines never read the clock).
    distance_miles : ``(home_postcode, placement_postcode) -> miles or None`` [miles].
    history : SSDA903 children with episodes, for placement stability; ``None`` if not held.
    child_population : children aged 0-17 in the council [children], for the rate.
    threshold_miles : distance line [miles]; 20 in the DfE statistics.
    target_percent_beyond : the council's target for children placed beyond it [%].
    """
    current = list(current)
    beyond, unknown = count_beyond_threshold(current, distance_miles, threshold_miles)
    groups, together = count_sibling_groups(current)
    three_plus = None
    if history is not None:
        in_care = in_care_on(history, as_of)
        three_plus = sum(1 for c, _ in in_care if placements_in_year(c, as_of) >= 3)
    return Indicators(
        as_of=as_of,
        children_in_care=len(current),
        child_population=child_population,
        rate_per_10k=rate_per_10k(len(current), child_population),
        placed_beyond_threshold=beyond,
        distance_unknown=unknown,
        threshold_miles=threshold_miles,
        target_percent_beyond=target_percent_beyond,
        fostering=count_fostering(current),
        sibling_groups=groups,
        sibling_groups_together=together,
        three_plus_placements=three_plus,
        vacancies=vacancies_on(households, as_of),
    )


@dataclass(frozen=True, slots=True)
class PublishedRate:
    """A DfE published figure for children looked after at 31 March."""

    area: str
    year: int
    children_in_care: int
    child_population: int  # children aged 0-17 [children]
    rate_per_10k: float  # as published (rounded) [per 10,000]


def read_published_rate(la_code: str | None = None, folder: Path = _DATA) -> PublishedRate | None:
    """Latest DfE stock and child population for an LA (GSS code or DfE number), or England.

    Reads ``cla_number_and_rate_per_10k_children.csv``; returns ``None`` for an unknown code.
    """
    best: PublishedRate | None = None
    with open(folder / "cla_number_and_rate_per_10k_children.csv", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if not row["population_count"].startswith("Children looked after at 31 March"):
                continue
            national = la_code is None and row["geographic_level"] == "National"
            if not (national or (la_code and la_code in (row["new_la_code"], row["old_la_code"]))):
                continue
            if not (row["number"].isdigit() and row["population_estimate"].isdigit()):
                continue  # suppressed or not applicable ("c", "x", "z")
            year = int(row["time_period"])
            if best is None or year > best.year:
                best = PublishedRate(
                    area=row["la_name"] or row["country_name"],
                    year=year,
                    children_in_care=int(row["number"]),
                    child_population=int(row["population_estimate"]),
                    rate_per_10k=float(row["rate_per_10000"]),
                )
    return best


def read_england_percent_beyond_20_miles(folder: Path = _DATA) -> tuple[int, float] | None:
    """(year, % of all children looked after placed over 20 miles from home) for England."""
    name = "national_cla_on_31_march_by_placement_distance_and_placement_locality.csv"
    best: tuple[int, float] | None = None
    with open(folder / name, encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            over = row["characteristic"].lower() == "2. over 20 miles"
            wanted = over and row["cla_group"] == "All children"
            if wanted and (best is None or int(row["time_period"]) > best[0]):
                best = (int(row["time_period"]), float(row["percentage"]))
    return best
