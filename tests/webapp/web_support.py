"""A small synthetic council for the web tests (Leeds postcodes; every person is invented).

Import the fixtures into a test module: ``from tests.webapp.web_support import app, client``.
Hand-checkable facts: 4 households (H1-H4) with 4 free places in all; 5 children looked
after; referrals R1 (one child, open) and R2 (two siblings, open).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matching.domain import (
    Child,
    Household,
    HouseholdId,
    LookedAfterChild,
    Need,
    PlacementKind,
    ProviderType,
    Referral,
    ReferralId,
)
from sufficiency.domain import ChildId, PlacementType, Sex
from webapp import create_app
from webapp.store import Store

AS_OF = dt.date(2026, 11, 23)
LEEDS = "E08000035"
KINDS = frozenset({PlacementKind.SHORT_TERM, PlacementKind.LONG_TERM, PlacementKind.EMERGENCY})


def households() -> list[Household]:
    common = {"approved_kinds": KINDS, "approved_on": dt.date(2020, 1, 6)}
    return [
        Household(
            HouseholdId("H1"),
            "Household One",
            ProviderType.IN_HOUSE,
            "LS6 2AB",
            3,
            0,
            17,
            max_sibling_group=2,
            skills=frozenset({Need.TRAUMA}),
            weekly_cost_gbp=450.0,
            **common,
        ),
        Household(
            HouseholdId("H2"),
            "Household Two",
            ProviderType.IN_HOUSE,
            "LS8 1AA",
            2,
            5,
            17,
            max_sibling_group=2,
            weekly_cost_gbp=420.0,
            **common,
        ),
        Household(
            HouseholdId("H3"),
            "Household Three",
            ProviderType.AGENCY,
            "BD1 1AA",
            2,
            0,
            17,
            agency_name="Example Fostering Ltd",
            max_sibling_group=2,
            weekly_cost_gbp=900.0,
            **common,
        ),
        Household(
            HouseholdId("H4"),
            "Household Four",
            ProviderType.IN_HOUSE,
            "LS1 4AP",
            1,
            0,
            10,
            on_hold=True,
            **common,
        ),
    ]


def looked_after() -> list[LookedAfterChild]:
    def child(cid, kind, household=None, placed="", group="", home="LS8 1AA"):
        return LookedAfterChild(
            ChildId(cid),
            dt.date(2014, 5, 1),
            Sex.FEMALE,
            kind,
            household_id=HouseholdId(household) if household else None,
            placement_postcode=placed,
            home_postcode=home,
            sibling_group=group,
            placed_since=dt.date(2025, 2, 3),
        )

    return [
        child("L1", PlacementType.IN_HOUSE_FOSTERING, "H1", "LS6 2AB", "G1"),  # 3 miles
        child("L2", PlacementType.IN_HOUSE_FOSTERING, "H1", "LS6 2AB", "G1"),  # with sibling L1
        child("L3", PlacementType.AGENCY_FOSTERING, "H3", "BD1 1AA"),  # Bradford: about 10 miles
        child("L4", PlacementType.CHILDRENS_HOME, None, "M1 1AE"),  # Manchester: beyond 20 miles
        child("L5", PlacementType.CHILDRENS_HOME, None, ""),  # placement unknown
    ]


def referrals() -> list[Referral]:
    one = Child(
        ChildId("C1"), dt.date(2015, 3, 2), Sex.FEMALE, essential_needs=frozenset({Need.TRAUMA})
    )
    sib_a = Child(ChildId("C2"), dt.date(2016, 1, 10), Sex.MALE)
    sib_b = Child(ChildId("C3"), dt.date(2018, 9, 1), Sex.FEMALE)
    return [
        Referral(
            ReferralId("R1"),
            (one,),
            PlacementKind.SHORT_TERM,
            dt.date(2026, 12, 1),
            "LS7 3AA",
            dt.date(2026, 11, 20),
        ),
        Referral(
            ReferralId("R2"),
            (sib_a, sib_b),
            PlacementKind.LONG_TERM,
            dt.date(2026, 12, 7),
            "LS9 8AA",
            dt.date(2026, 11, 21),
        ),
    ]


def fill(store: Store) -> None:
    """Write the synthetic council into an upgraded, empty store."""
    for household in households():
        store.add_household(household)
    store.save_children(looked_after())
    for referral in referrals():
        store.add_referral(referral)
    store.set_as_of(AS_OF)
    store.set_setting("council_name", "Example Council")
    store.set_setting("council_la_code", LEEDS)


def make_app(tmp_path: Path, **config):
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    store = Store(url)
    store.upgrade()
    fill(store)
    store.close()
    return create_app({"TESTING": True, "DATABASE_URL": url, "JOB_WORKERS": 0, **config})


@pytest.fixture
def app(tmp_path):
    application = make_app(tmp_path)
    yield application
    application.extensions["planner.jobs"].shutdown()
    store = application.extensions.get("planner.store")
    if store is not None:
        store.close()


@pytest.fixture
def client(app):
    """A test client signed in as an administrator (every page; tests/webapp/auth_support.py)."""
    from tests.webapp.auth_support import signed_in

    return signed_in(app)
