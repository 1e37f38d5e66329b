"""Dashboard indicators on tiny synthetic histories, each answerable by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.domain import Household, HouseholdId, PlacedChild, PlacementKind, ProviderType
from sufficiency.domain import ChildId, ChildRecord, Episode, PlacementType, Sex
from sufficiency.indicators import (
    compute_indicators,
    count_sibling_groups,
    placements_in_year,
    rate_per_10k,
    read_england_percent_beyond_20_miles,
    read_published_rate,
    vacancies_on,
)

AS_OF = dt.date(2026, 3, 31)
D = dt.date


def _episode(child: str, started, ceased=None, code="U6", kind=PlacementType.IN_HOUSE_FOSTERING,
             rne="P", home="AA1 1AA", placed="BB1 1BB") -> Episode:
    return Episode(ChildId(child), started, ceased, code, kind, "C2", reason_new_episode=rne,
                   home_postcode=home, placement_postcode=placed)


def _child(child: str, *episodes: Episode) -> ChildRecord:
    return ChildRecord(ChildId(child), Sex.FEMALE, D(2015, 1, 1), episodes=episodes)


def _household(hid: str, provider=ProviderType.IN_HOUSE, places=2, placed=(), **kw) -> Household:
    return Household(
        HouseholdId(hid), f"Household {hid}", provider, "AA1 1AA", places, 0, 17,
        frozenset({PlacementKind.LONG_TERM}), placed_children=tuple(placed),
        agency_name="Agency" if provider == ProviderType.AGENCY else "", **kw,
    )


def _placed(cid: str, group: str = "") -> PlacedChild:
    return PlacedChild(ChildId(cid), D(2015, 1, 1), sibling_group=group)


# Distances by placement postcode: BB* is 5 miles, FAR is 35 miles, NOWHERE is not found.
def _distance(home: str, placed: str) -> float | None:
    return {"BB1 1BB": 5.0, "FAR 1AA": 35.0}.get(placed)


def _history() -> list[ChildRecord]:
    return [
        _child("c1", _episode("c1", D(2025, 1, 1))),  # in care, 5 miles, in-house
        _child("c2", _episode("c2", D(2025, 6, 1), kind=PlacementType.AGENCY_FOSTERING,
                              placed="FAR 1AA")),  # in care, 35 miles, agency
        _child("c3", _episode("c3", D(2024, 1, 1), D(2026, 3, 31))),  # ceased on the day: out
        _child("c4", _episode("c4", D(2026, 4, 1))),  # starts after: out
        _child("c5", _episode("c5", D(2025, 1, 1), code="K2", kind=PlacementType.CHILDRENS_HOME,
                              placed="NOWHERE")),  # in care, distance unknown
        _child("c6", _episode("c6", D(2025, 9, 1), kind=PlacementType.KINSHIP_FOSTERING,
                              placed="")),  # in care, no placement postcode: unknown
    ]


def test_compute_indicators_counts_by_hand() -> None:
    homes = [
        _household("h1", places=3, placed=[_placed("x1", "g1"), _placed("x2", "g1")]),  # 1 free
        _household("h2", ProviderType.AGENCY, places=2, placed=[_placed("x3", "g2")]),  # 1 free
        _household("h3", places=2, placed=[_placed("x4", "g2")]),  # g2 split; 1 free
        _household("h4", places=2, on_hold=True),  # on hold: 0
    ]
    result = compute_indicators(_history(), homes, AS_OF, _distance, child_population=20_000,
                                target_percent_beyond=20.0)
    assert result.children_in_care == 4  # c1, c2, c5, c6
    assert result.rate_per_10k == pytest.approx(2.0)  # 4 / 20,000 * 10,000
    assert (result.placed_beyond_threshold, result.distance_unknown) == (1, 2)
    assert result.percent_beyond_threshold == pytest.approx(25.0)  # 1 of 4
    assert result.meets_distance_target is False  # 25% > 20%
    assert result.fostering == {PlacementType.IN_HOUSE_FOSTERING: 1,
                                PlacementType.AGENCY_FOSTERING: 1,
                                PlacementType.KINSHIP_FOSTERING: 1}
    assert result.percent_in_house_fostering == pytest.approx(50.0)  # 1 of (1 + 1)
    assert (result.sibling_groups, result.sibling_groups_together) == (2, 1)
    assert result.vacancies == {ProviderType.IN_HOUSE: 2, ProviderType.AGENCY: 1,
                                ProviderType.CONNECTED: 0}
    assert result.total_vacancies == 3


def test_empty_inputs_give_none_percentages() -> None:
    result = compute_indicators([], [], AS_OF, _distance)
    assert result.children_in_care == 0
    assert result.rate_per_10k is None
    assert result.percent_beyond_threshold is None
    assert result.meets_distance_target is None
    assert result.percent_siblings_together is None


def test_rate_per_10k() -> None:
    assert rate_per_10k(321, 20_116) == pytest.approx(159.57, abs=0.01)  # Hartlepool 2023: 160
    assert rate_per_10k(5, None) is None


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        # Three placements inside the year.
        ([("2025-05-01", "2025-08-01", "U6", "S"), ("2025-08-01", "2025-12-01", "U4", "P"),
          ("2025-12-01", None, "K2", "P")], 3),
        # A legal-status change only (L) is the same placement: 2.
        ([("2025-05-01", "2025-08-01", "U6", "S"), ("2025-08-01", "2025-12-01", "U6", "L"),
          ("2025-12-01", None, "K2", "P")], 2),
        # Temporary respite (T3) does not count: 2.
        ([("2025-05-01", "2025-06-01", "U6", "S"), ("2025-06-01", "2025-06-08", "T3", "T"),
          ("2025-06-08", None, "U6", "P")], 2),
        # An episode that ended before the year began does not count: 1.
        ([("2024-01-01", "2025-03-31", "U6", "S"), ("2025-03-31", None, "U4", "P")], 1),
        # The first episode in the year counts even when its reason is L: 1.
        ([("2024-01-01", "2025-01-01", "U6", "S"), ("2025-01-01", None, "U6", "L")], 1),
    ],
)
def test_placements_in_year(episodes, expected) -> None:
    record = _child("c1", *[
        _episode("c1", D.fromisoformat(s), D.fromisoformat(e) if e else None, code=code, rne=rne)
        for s, e, code, rne in episodes
    ])
    assert placements_in_year(record, AS_OF) == expected


def test_three_plus_placements_counted_for_children_in_care_only() -> None:
    moves = [_episode("c1", D(2025, 5, 1), D(2025, 8, 1)), _episode("c1", D(2025, 8, 1), D(2025, 12, 1)),
             _episode("c1", D(2025, 12, 1))]
    left = [_episode("c2", D(2025, 5, 1), D(2025, 8, 1)), _episode("c2", D(2025, 8, 1), D(2025, 9, 1)),
            _episode("c2", D(2025, 9, 1), D(2025, 10, 1))]
    result = compute_indicators([_child("c1", *moves), _child("c2", *left)], [], AS_OF, _distance)
    assert result.three_plus_placements == 1
    assert result.percent_three_plus_placements == pytest.approx(100.0)


def test_vacancies_respect_availability_and_deregistration() -> None:
    homes = [
        _household("h1", available_from=D(2026, 4, 1)),  # not yet available
        _household("h2", deregistered_on=D(2026, 3, 1)),  # gone
        _household("h3", available_from=D(2026, 3, 31)),  # available today: 2
    ]
    assert vacancies_on(homes, AS_OF)[ProviderType.IN_HOUSE] == 2


def test_single_children_are_not_sibling_groups() -> None:
    homes = [_household("h1", placed=[_placed("x1", "g1"), _placed("x2", "")])]
    assert count_sibling_groups(homes) == (0, 0)


def test_published_rates_from_dfe_file() -> None:
    england = read_published_rate(None)
    assert (england.year, england.children_in_care, england.rate_per_10k) == (2023, 83840, 71.0)
    hartlepool = read_published_rate("E06000001")
    assert (hartlepool.area, hartlepool.children_in_care, hartlepool.child_population) == (
        "Hartlepool", 321, 20116)
    # Northamptonshire's 2022-23 row is "z" (abolished): the latest numeric year is used.
    assert read_published_rate("E10000021").year == 2021
    assert read_published_rate("E99999999") is None
    assert read_england_percent_beyond_20_miles() == (2023, 21.0)
