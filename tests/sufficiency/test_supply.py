"""Supply model and overflow on hand-made numbers: capacity over time, chains, the 20-mile split."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sufficiency.domain import AgeBand
from sufficiency.scenario_domain import (
    ApprovalType,
    BedChange,
    CarerChange,
    CarerProvider,
    HomeType,
    LocalityChange,
    OverflowRules,
)
from sufficiency.supply import Capacity, FosteringPool, PlaceGroup, SupplyBaseline, build_capacity
from sufficiency.supply_overflow import Need, accepts, place_children, steps

ANY_AGE = ApprovalType(0, 17, 1)
TEENS = ApprovalType(14, 17, 1)
SIBLINGS = ApprovalType(0, 17, 3)
SPECIALIST = ApprovalType(0, 17, 1, frozenset({"disability"}))
H = HomeType


def pool(
    places: float,
    recruited: float = 0.0,
    lost: float = 0.0,
    local: float = 1.0,
    approval: ApprovalType = ANY_AGE,
) -> FosteringPool:
    return FosteringPool(
        MappingProxyType({approval: places}),
        recruited,
        lost,
        1.0,
        MappingProxyType({approval: 1.0}),
        local,
    )


def baseline(
    in_house: FosteringPool,
    agency: FosteringPool,
    home_beds: float = 0.0,
    supported_beds: float = 0.0,
    home_local: float = 1.0,
) -> SupplyBaseline:
    return SupplyBaseline(
        in_house=in_house,
        agency=agency,
        beds=MappingProxyType(
            {H.CHILDRENS_HOME: home_beds, H.SUPPORTED_ACCOMMODATION: supported_beds}
        ),
        within_20_miles_share=MappingProxyType(
            {H.CHILDRENS_HOME: home_local, H.SUPPORTED_ACCOMMODATION: 1.0}
        ),
    )


def places_of(capacity: Capacity, home_type: HomeType, local: bool) -> np.ndarray:
    idx = [
        i
        for i, g in enumerate(capacity.groups)
        if g.home_type == home_type and g.within_20_miles == local
    ]
    return capacity.places[:, idx].sum(axis=1)


def test_recruitment_adds_a_twelfth_of_the_yearly_households_each_month() -> None:
    # 10 places, 12 households a year of 1 place, no attrition: 11, 12, 13.
    capacity = build_capacity(baseline(pool(10, recruited=12), pool(0)), (), 3)
    assert_allclose(capacity.of_type(H.IN_HOUSE_FOSTERING), [11, 12, 13])


def test_attrition_compounds_monthly_to_the_yearly_share() -> None:
    # 100 places losing 19% a year: after 12 months 100 * 0.81 = 81.
    capacity = build_capacity(baseline(pool(100, lost=0.19), pool(0)), (), 12)
    assert_allclose(capacity.of_type(H.IN_HOUSE_FOSTERING)[-1], 81.0)
    assert_allclose(capacity.of_type(H.IN_HOUSE_FOSTERING)[0], 100 * 0.81 ** (1 / 12))


def test_carer_lever_recruits_from_its_start_month_with_its_own_approval() -> None:
    lever = CarerChange(
        start_month=2,
        provider=CarerProvider.IN_HOUSE,
        recruited_per_year=24,
        approval=TEENS,
        places_per_household=2,
        within_20_miles_percent=50,
    )
    capacity = build_capacity(baseline(pool(10), pool(0)), (lever,), 3)
    teens = [i for i, g in enumerate(capacity.groups) if g.approval == TEENS]
    # 24 households/year = 2 a month, 2 places each = 4 places a month from month 2, half local.
    assert_allclose(capacity.places[:, teens].sum(axis=1), [0, 4, 8])
    assert_allclose(places_of(capacity, H.IN_HOUSE_FOSTERING, True), [10, 12, 14])


def test_better_retention_halves_losses() -> None:
    lever = CarerChange(provider=CarerProvider.IN_HOUSE, lost_change_percent=-50)
    capacity = build_capacity(baseline(pool(100, lost=0.2), pool(0)), (lever,), 12)
    assert_allclose(capacity.of_type(H.IN_HOUSE_FOSTERING)[-1], 90.0)  # 100 * (1 - 0.1)


def test_negative_recruitment_never_goes_below_zero() -> None:
    lever = CarerChange(provider=CarerProvider.IN_HOUSE, recruited_per_year=-24)
    capacity = build_capacity(baseline(pool(5, recruited=12), pool(0)), (lever,), 2)
    assert_allclose(capacity.of_type(H.IN_HOUSE_FOSTERING), [5, 5])


def test_beds_open_and_close_from_their_start_month() -> None:
    levers = (
        BedChange(start_month=2, home_type=H.CHILDRENS_HOME, beds=4),
        BedChange(start_month=3, home_type=H.CHILDRENS_HOME, beds=-1, within_20_miles=False),
    )
    capacity = build_capacity(baseline(pool(0), pool(0), home_beds=10, home_local=0.5), levers, 3)
    assert_allclose(places_of(capacity, H.CHILDRENS_HOME, True), [5, 9, 9])
    assert_allclose(places_of(capacity, H.CHILDRENS_HOME, False), [5, 5, 4])


def test_locality_lever_moves_places_within_20_miles() -> None:
    lever = LocalityChange(start_month=2, home_type=H.AGENCY_FOSTERING, within_20_miles_percent=75)
    capacity = build_capacity(baseline(pool(0), pool(40, local=0.5)), (lever,), 2)
    assert_allclose(places_of(capacity, H.AGENCY_FOSTERING, True), [20, 30])
    assert_allclose(places_of(capacity, H.AGENCY_FOSTERING, False), [20, 10])


def test_local_first_never_puts_a_childrens_home_before_foster_care() -> None:
    chain = (H.IN_HOUSE_FOSTERING, H.AGENCY_FOSTERING, H.CHILDRENS_HOME)
    assert steps(chain, local_first=True)[4:] == [
        (H.CHILDRENS_HOME, True),
        (H.CHILDRENS_HOME, False),
    ]


def test_steps_provider_first_and_local_first() -> None:
    chain = (H.IN_HOUSE_FOSTERING, H.AGENCY_FOSTERING)
    assert steps(chain, local_first=False) == [
        (H.IN_HOUSE_FOSTERING, True),
        (H.IN_HOUSE_FOSTERING, False),
        (H.AGENCY_FOSTERING, True),
        (H.AGENCY_FOSTERING, False),
    ]
    assert steps(chain, local_first=True) == [
        (H.IN_HOUSE_FOSTERING, True),
        (H.AGENCY_FOSTERING, True),
        (H.IN_HOUSE_FOSTERING, False),
        (H.AGENCY_FOSTERING, False),
    ]


@pytest.mark.parametrize(
    ("group", "need", "ok"),
    [
        (
            PlaceGroup(H.IN_HOUSE_FOSTERING, True, TEENS),
            Need("fostering", AgeBand.AGE_10_TO_15),
            False,
        ),
        (
            PlaceGroup(H.IN_HOUSE_FOSTERING, True, TEENS),
            Need("fostering", AgeBand.AGE_16_TO_17),
            True,
        ),
        (
            PlaceGroup(H.IN_HOUSE_FOSTERING, True, ANY_AGE),
            Need("fostering", AgeBand.AGE_5_TO_9, sibling=True),
            False,
        ),
        (
            PlaceGroup(H.IN_HOUSE_FOSTERING, True, SIBLINGS),
            Need("fostering", AgeBand.AGE_5_TO_9, sibling=True),
            True,
        ),
        (
            PlaceGroup(H.AGENCY_FOSTERING, True, ANY_AGE),
            Need("fostering", AgeBand.UNDER_1, specialist=True),
            False,
        ),
        (
            PlaceGroup(H.AGENCY_FOSTERING, True, SPECIALIST),
            Need("fostering", AgeBand.UNDER_1, specialist=True),
            True,
        ),
        (
            PlaceGroup(H.SUPPORTED_ACCOMMODATION, True),
            Need("childrens_home", AgeBand.AGE_10_TO_15),
            False,
        ),
        (
            PlaceGroup(H.SUPPORTED_ACCOMMODATION, True),
            Need("childrens_home", AgeBand.AGE_16_TO_17),
            True,
        ),
        (
            PlaceGroup(H.CHILDRENS_HOME, False),
            Need("fostering", AgeBand.AGE_1_TO_4, sibling=True),
            True,
        ),
    ],
)
def test_accepts(group: PlaceGroup, need: Need, ok: bool) -> None:
    assert accepts(group, need, frozenset({"disability"})) is ok


def _one_month(value: float) -> np.ndarray:
    return np.array([[value]])


def test_overflow_in_house_then_agency_then_childrens_home() -> None:
    # 10 in-house places (6 local), 4 agency (far), 3 children's home beds (local).
    # 20 children need foster care, 2 need a children's home.
    # In-house takes 10 (6 local + 4 far), agency 4 (far), the homes' 3 beds go first to the
    # 2 children needing them, 1 to foster-care overflow: 20 - 10 - 4 - 1 = 5 have no home.
    supply = baseline(pool(10, local=0.6), pool(4, local=0.0), home_beds=3)
    capacity = build_capacity(supply, (), 1)
    demand = {
        Need("fostering", AgeBand.AGE_5_TO_9): _one_month(20),
        Need("childrens_home", AgeBand.AGE_10_TO_15): _one_month(2),
    }
    placement = place_children(demand, capacity, OverflowRules())
    assert_allclose(placement.in_home_type(H.IN_HOUSE_FOSTERING), [[10]])
    assert_allclose(placement.in_home_type(H.IN_HOUSE_FOSTERING, within_20_miles=False), [[4]])
    assert_allclose(placement.in_home_type(H.AGENCY_FOSTERING), [[4]])
    assert_allclose(placement.in_home_type(H.CHILDRENS_HOME), [[3]])
    assert_allclose(placement.unplaced["fostering"], [[5]])
    assert_allclose(placement.unplaced["childrens_home"], [[0]])
    assert_allclose(placement.overflow("fostering"), [[10]])
    # Reaching: in-house 20; agency 20 - 10 = 10; children's home 2 + (10 - 4) = 8.
    assert_allclose(placement.reaching[H.IN_HOUSE_FOSTERING], [[20]])
    assert_allclose(placement.reaching[H.AGENCY_FOSTERING], [[10]])
    assert_allclose(placement.reaching[H.CHILDRENS_HOME], [[8]])


def test_local_first_uses_local_agency_before_distant_in_house() -> None:
    supply = baseline(pool(10, local=0.5), pool(10, local=0.5))
    capacity = build_capacity(supply, (), 1)
    demand = {Need("fostering", AgeBand.AGE_5_TO_9): _one_month(10)}
    provider_first = place_children(demand, capacity, OverflowRules())
    local_first = place_children(demand, capacity, OverflowRules(local_first=True))
    assert_allclose(provider_first.in_home_type(H.IN_HOUSE_FOSTERING), [[10]])
    assert_allclose(local_first.in_home_type(H.IN_HOUSE_FOSTERING), [[5]])
    assert_allclose(local_first.in_home_type(H.AGENCY_FOSTERING, within_20_miles=True), [[5]])


def test_with_local_first_the_first_choice_is_a_local_place_of_the_first_type() -> None:
    # One 16-17 year old; in-house has 1 distant place, agency 1 local place. Local first
    # places them in agency (local), which is not their first choice (in-house local).
    supply = baseline(pool(1, local=0.0, approval=TEENS), pool(1, local=1.0))
    capacity = build_capacity(supply, (), 1)
    demand = {Need("fostering", AgeBand.AGE_16_TO_17): _one_month(1)}
    placement = place_children(demand, capacity, OverflowRules(local_first=True))
    assert_allclose(placement.in_home_type(H.AGENCY_FOSTERING), [[1]])
    assert_allclose(placement.overflow("fostering"), [[1]])
    provider_first = place_children(demand, capacity, OverflowRules())
    assert_allclose(provider_first.in_home_type(H.IN_HOUSE_FOSTERING), [[1]])
    assert_allclose(provider_first.overflow("fostering"), [[0]])


def test_narrow_places_are_used_first_so_teenagers_leave_room_for_young_children() -> None:
    # 3 any-age places and 3 teenage places; 3 children of 16-17 and 3 of 5-9 all fit only if
    # the teenagers take the teenage places.
    supply = SupplyBaseline(
        in_house=FosteringPool(
            MappingProxyType({ANY_AGE: 3.0, TEENS: 3.0}),
            0,
            0,
            1,
            MappingProxyType({ANY_AGE: 1.0}),
            1.0,
        ),
        agency=pool(0),
        beds=MappingProxyType({}),
        within_20_miles_share=MappingProxyType({}),
    )
    capacity = build_capacity(supply, (), 1)
    demand = {
        Need("fostering", AgeBand.AGE_16_TO_17): _one_month(3),
        Need("fostering", AgeBand.AGE_5_TO_9): _one_month(3),
    }
    placement = place_children(demand, capacity, OverflowRules())
    assert_allclose(placement.unplaced["fostering"], [[0]])


def test_placement_conserves_children() -> None:
    supply = baseline(pool(7, local=0.3), pool(5, local=0.2), home_beds=2, supported_beds=1)
    capacity = build_capacity(supply, (), 2)
    rng = np.random.default_rng(1)
    demand = {
        Need(c, b): rng.integers(0, 10, size=(4, 2)).astype(float)
        for c in ("fostering", "childrens_home", "supported_accommodation")
        for b in AgeBand
    }
    placement = place_children(demand, capacity, OverflowRules())
    placed = sum(p.sum(axis=2) for p in placement.placed.values())
    assert_allclose(placed + placement.unplaced_total(), sum(demand.values()))
    assert (placed <= capacity.places.sum(axis=1) + 1e-9).all()


_places = st.floats(0, 30, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    in_house=_places,
    agency=_places,
    beds=_places,
    supported=_places,
    extra=_places,
    which=st.sampled_from(["in_house", "agency", "beds", "supported"]),
    local=st.floats(0, 1),
    local_first=st.booleans(),
    need=st.lists(st.floats(0, 25, allow_nan=False), min_size=15, max_size=15),
)
def test_more_places_never_increase_overflow(
    in_house, agency, beds, supported, extra, which, local, local_first, need
) -> None:
    """Adding places of any type never raises overflow or the children with no home."""

    def run(add: float) -> tuple[np.ndarray, np.ndarray]:
        sizes = {"in_house": in_house, "agency": agency, "beds": beds, "supported": supported}
        sizes[which] += add
        supply = baseline(
            pool(sizes["in_house"], local=local, approval=TEENS),
            pool(sizes["agency"], local=1 - local),
            sizes["beds"],
            sizes["supported"],
            home_local=local,
        )
        capacity = build_capacity(supply, (), 1)
        chains = ("fostering", "childrens_home", "supported_accommodation")
        demand = {
            Need(c, b): _one_month(need[i * 5 + j])
            for i, c in enumerate(chains)
            for j, b in enumerate(AgeBand)
        }
        placement = place_children(demand, capacity, OverflowRules(local_first=local_first))
        return placement.overflow_total(), placement.unplaced_total()

    overflow_before, unplaced_before = run(0.0)
    overflow_after, unplaced_after = run(extra)
    assert (overflow_after <= overflow_before + 1e-9).all()
    assert (unplaced_after <= unplaced_before + 1e-9).all()
