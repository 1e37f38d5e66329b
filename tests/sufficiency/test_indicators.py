"""Dashboard indicators on tiny synthetic histories, each answerable by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.domain import (
    Household,
    HouseholdId,
    LookedAfterChild,
    PlacedChild,
    PlacementKind,
    ProviderType,
)
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


def _episode(
    child: str,
    started,
    ceased=None,
    code="U6",
    kind=PlacementType.IN_HOUSE_FOSTERING,
    rne="P",
    home="AA1 1AA",
    placed="BB1 1BB",
) -> Episode:
    return Episode(
        ChildId(child),
        started,
        ceased,
        code,
        kind,
        "C2",
        reason_new_episode=rne,
        home_postcode=home,
        placement_postcode=placed,
    )


def _child(child: str, *episodes: Episode) -> ChildRecord:
    return ChildRecord(ChildId(child), Sex.FEMALE, D(2015, 1, 1), episodes=episodes)


def _household(hid: str, provider=ProviderType.IN_HOUSE, places=2, placed=(), **kw) -> Household:
    return Household(
        HouseholdId(hid),
        f"Household {hid}",
        provider,
        "AA1 1AA",
        places,
        0,
        17,
        frozenset({PlacementKind.LONG_TERM}),
        placed_children=tuple(placed),
        agency_name="Agency" if provider == ProviderType.AGENCY else "",
        **kw,
    )


def _placed(cid: str, group: str = "") -> PlacedChild:
    return PlacedChild(ChildId(cid), D(2015, 1, 1), sibling_group=group)


def _looked_after(
    cid: str,
    kind=PlacementType.IN_HOUSE_FOSTERING,
    placed="BB1 1BB",
    household: str | None = None,
    group: str = "",
) -> LookedAfterChild:
    return LookedAfterChild(
        ChildId(cid),
        D(2015, 1, 1),
        Sex.MALE,
        kind,
        household_id=household,
        placement_postcode=placed,
        home_postcode="AA1 1AA",
        sibling_group=group,
    )


# Distances by placement postcode: BB* is 5 miles, FAR is 35 miles, NOWHERE is not found.
def _distance(home: str, placed: str) -> float | None:
    return {"BB1 1BB": 5.0, "FAR 1AA": 35.0}.get(placed)


def _current() -> list[LookedAfterChild]:
    return [
        _looked_after("c1", household="h1", group="g1"),  # 5 miles, in-house, with sibling c2
        _looked_after("c2", household="h1", group="g1"),  # 5 miles, in-house
        _looked_after("c3", PlacementType.AGENCY_FOSTERING, "FAR 1AA", "h2", "g2"),  # 35 miles
        _looked_after("c4", PlacementType.KINSHIP_FOSTERING, "BB1 1BB", "h3", "g2"),  # g2 apart
        _looked_after("c5", PlacementType.CHILDRENS_HOME, "NOWHERE"),  # distance unknown
        _looked_after("c6", PlacementType.CHILDRENS_HOME, ""),  # no placement postcode: unknown
        _looked_after("c7", PlacementType.CHILDRENS_HOME, "FAR 1AA", group="g3"),  # alone: no group
    ]


def test_compute_indicators_counts_by_hand() -> None:
    homes = [
        _household("h1", places=3, placed=[_placed("c1", "g1"), _placed("c2", "g1")]),  # 1 free
        _household("h2", ProviderType.AGENCY, places=2, placed=[_placed("c3", "g2")]),  # 1 free
        _household("h3", places=2, placed=[_placed("c4", "g2")]),  # 1 free
        _household("h4", places=2, on_hold=True),  # on hold: 0
    ]
    result = compute_indicators(
        _current(), homes, AS_OF, _distance, child_population=35_000, target_percent_beyond=20.0
    )
    assert result.children_in_care == 7
    assert result.rate_per_10k == pytest.approx(2.0)  # 7 / 35,000 * 10,000
    assert (result.placed_beyond_threshold, result.distance_unknown) == (2, 2)  # c3, c7; c5, c6
    assert result.percent_beyond_threshold == pytest.approx(200 / 7)  # 28.6%
    assert result.meets_distance_target is False  # 28.6% > 20%
    assert result.fostering == {
        PlacementType.IN_HOUSE_FOSTERING: 2,
        PlacementType.AGENCY_FOSTERING: 1,
        PlacementType.KINSHIP_FOSTERING: 1,
    }
    assert result.percent_in_house_fostering == pytest.approx(200 / 3)  # 2 of (2 + 1)
    assert (result.sibling_groups, result.sibling_groups_together) == (2, 1)  # g1 yes, g2 no
    assert result.percent_siblings_together == pytest.approx(50.0)
    assert result.three_plus_placements is None  # no 903 history given
    assert result.percent_three_plus_placements is None
    assert result.vacancies == {
        ProviderType.IN_HOUSE: 2,
        ProviderType.AGENCY: 1,
        ProviderType.CONNECTED: 0,
    }
    assert result.total_vacancies == 3


def test_siblings_in_one_placement_without_a_household_are_together() -> None:
    current = [
        _looked_after("a", PlacementType.CHILDRENS_HOME, "BB1 1BB", group="g"),
        _looked_after("b", PlacementType.CHILDRENS_HOME, "BB1 1BB", group="g"),
        _looked_after("c", PlacementType.CHILDRENS_HOME, "", group="h"),
        _looked_after("d", PlacementType.CHILDRENS_HOME, "", group="h"),
    ]
    assert count_sibling_groups(current) == (2, 1)  # unknown placements count as apart


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
        (
            [
                ("2025-05-01", "2025-08-01", "U6", "S"),
                ("2025-08-01", "2025-12-01", "U4", "P"),
                ("2025-12-01", None, "K2", "P"),
            ],
            3,
        ),
        # A legal-status change only (L) is the same placement: 2.
        (
            [
                ("2025-05-01", "2025-08-01", "U6", "S"),
                ("2025-08-01", "2025-12-01", "U6", "L"),
                ("2025-12-01", None, "K2", "P"),
            ],
            2,
        ),
        # Temporary respite (T3) does not count: 2.
        (
            [
                ("2025-05-01", "2025-06-01", "U6", "S"),
                ("2025-06-01", "2025-06-08", "T3", "T"),
                ("2025-06-08", None, "U6", "P"),
            ],
            2,
        ),
        # An episode that ended before the year began does not count: 1.
        ([("2024-01-01", "2025-03-31", "U6", "S"), ("2025-03-31", None, "U4", "P")], 1),
        # The first episode in the year counts even when its reason is L: 1.
        ([("2024-01-01", "2025-01-01", "U6", "S"), ("2025-01-01", None, "U6", "L")], 1),
    ],
)
def test_placements_in_year(episodes, expected) -> None:
    record = _child(
        "c1",
        *[
            _episode(
                "c1", D.fromisoformat(s), D.fromisoformat(e) if e else None, code=code, rne=rne
            )
            for s, e, code, rne in episodes
        ],
    )
    assert placements_in_year(record, AS_OF) == expected


def test_three_plus_placements_counted_for_children_in_care_only() -> None:
    moves = [
        _episode("c1", D(2025, 5, 1), D(2025, 8, 1)),
        _episode("c1", D(2025, 8, 1), D(2025, 12, 1)),
        _episode("c1", D(2025, 12, 1)),
    ]
    left = [
        _episode("c2", D(2025, 5, 1), D(2025, 8, 1)),  # three placements, but left care
        _episode("c2", D(2025, 8, 1), D(2025, 9, 1)),
        _episode("c2", D(2025, 9, 1), D(2025, 10, 1)),
    ]
    history = [_child("c1", *moves), _child("c2", *left)]
    result = compute_indicators([_looked_after("c1")], [], AS_OF, _distance, history=history)
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
    assert count_sibling_groups([_looked_after("x1", group="g1"), _looked_after("x2")]) == (0, 0)


def test_published_rates_from_dfe_file() -> None:
    england = read_published_rate(None)
    assert (england.year, england.children_in_care, england.rate_per_10k) == (2023, 83840, 71.0)
    hartlepool = read_published_rate("E06000001")
    assert (hartlepool.area, hartlepool.children_in_care, hartlepool.child_population) == (
        "Hartlepool",
        321,
        20116,
    )
    # Northamptonshire's 2022-23 row is "z" (abolished): the latest numeric year is used.
    assert read_published_rate("E10000021").year == 2021
    assert read_published_rate("805") == hartlepool  # DfE LA number
    assert read_published_rate("E99999999") is None
    assert read_england_percent_beyond_20_miles() == (2023, 21.0)
