"""The store: migrations keep data, domain objects round-trip, filters, and placement decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from matching.domain import ProviderType, ReferralStatus
from sufficiency.domain import PlacementType
from tests.webapp.postgres_server import pg_url, postgres_server  # noqa: F401 (fixtures)
from tests.webapp.store_samples import child, decision, household, looked_after, referral
from webapp import store_decisions
from webapp.models import Base, DecisionRow
from webapp.store import (
    DuplicateRecordError,
    ReferralClosedError,
    Store,
    StoreError,
    UnknownRecordError,
    VacancyTakenError,
    resolve_database_url,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Every store test runs on SQLite and on PostgreSQL (``tests.webapp.postgres_server``)."""
    if request.param == "sqlite":
        url = str(tmp_path / "planner.sqlite3")
    else:
        url = request.getfixturevalue("pg_url")
    store = Store(url)
    store.upgrade()
    yield store
    store.close()


def test_database_url_from_argument_environment_or_default() -> None:
    assert resolve_database_url("postgresql://u@db/planner", {}) == "postgresql://u@db/planner"
    assert (
        resolve_database_url(None, {"PLANNER_DATABASE_URL": "sqlite:///x.db"}) == "sqlite:///x.db"
    )
    assert resolve_database_url("data/p.db", {}) == "sqlite:///data/p.db"
    assert resolve_database_url(None, {}) == "sqlite:///instance/planner.sqlite3"


def test_upgrade_reaches_head_and_models_match_migrations(store: Store) -> None:
    assert store.current_revision() == Store.head_revision() == "0005"
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_upgrade_from_revision_1_keeps_data(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "old.sqlite3"))
    store.upgrade("0001")
    assert store.current_revision() == "0001"
    store.add_household(household("H1"))
    store.add_referral(referral("R1"))
    store.upgrade()
    assert store.current_revision() == "0005"
    assert store.get_household("H1") == household("H1")
    assert store.get_referral("R1") == referral("R1")
    store.set_as_of(dt.date(2026, 11, 23))  # a table added by revision 2
    assert store.as_of == dt.date(2026, 11, 23)
    store.close()


def test_domain_objects_round_trip(store: Store) -> None:
    siblings = referral(
        "R2", (child("C1"), child("C2", school_urn=None)), allowed_splits=((("C1",), ("C2",)),)
    )
    store.add_household(household("H1"))
    store.add_household(household("H2", provider=ProviderType.AGENCY, agency_name="Fostering Ltd"))
    store.add_referral(siblings)
    store.add_child(looked_after("C9", "H1", sibling_group="S1"))
    assert store.get_referral("R2") == siblings
    assert store.get_child("C9") == looked_after("C9", "H1", sibling_group="S1")
    h1 = store.get_household("H1")
    assert [c.child_id for c in h1.placed_children] == ["C9"]
    assert h1.placed_children[0].sibling_group == "S1"
    assert dataclasses.replace(h1, placed_children=()) == household("H1")
    assert store.get_household("H2").agency_name == "Fostering Ltd"


def test_unknown_and_duplicate_records(store: Store) -> None:
    store.add_household(household("H1"))
    with pytest.raises(DuplicateRecordError, match="household H1 already exists"):
        store.add_household(household("H1"))
    with pytest.raises(UnknownRecordError, match="no household record with id 'H404'"):
        store.get_household("H404")
    with pytest.raises(UnknownRecordError, match="no household record with id 'H404'"):
        store.add_child(looked_after("C9", "H404"))


def test_household_filters(store: Store) -> None:
    store.add_household(household("H1", approved_places=1))  # full once C9 lives there
    store.add_household(
        household("H2", postcode="BD1 1AA", approved_age_min=11, approved_age_max=17)
    )
    store.add_household(
        household(
            "H3",
            provider=ProviderType.AGENCY,
            agency_name="IFA",
            deregistered_on=dt.date(2026, 1, 1),
        )
    )
    store.add_child(looked_after("C9", "H1"))

    def ids(**filters: object) -> list[str]:
        return [h.household_id for h in store.list_households(**filters)]

    assert ids() == ["H1", "H2", "H3"]
    assert ids(has_vacancy=True) == ["H2", "H3"]
    assert ids(has_vacancy=False) == ["H1"]
    assert ids(provider="agency") == ["H3"]
    assert ids(age_years=5) == ["H1", "H3"]
    assert ids(postcode_district="bd1") == ["H2"]
    assert ids(active_on=dt.date(2026, 11, 23)) == ["H1", "H2"]


def test_update_household_keeps_children_and_refuses_too_few_places(store: Store) -> None:
    store.add_household(household("H1", approved_places=2))
    store.add_child(looked_after("C9", "H1"))
    store.add_child(looked_after("C8", "H1"))
    current = store.get_household("H1")
    store.update_household(dataclasses.replace(current, name="Renamed"))
    assert store.get_household("H1").name == "Renamed"
    assert len(store.get_household("H1").placed_children) == 2
    with pytest.raises(
        ValueError, match="approved_places: 1 is fewer than the 2 children living there"
    ):
        store.update_household(household("H1", approved_places=1))


def test_children_beyond_approved_places_are_refused(store: Store) -> None:
    store.add_household(household("H1", approved_places=1))
    store.add_child(looked_after("C9", "H1"))
    with pytest.raises(
        VacancyTakenError, match="household H1 would have 2 children but has 1 approved places"
    ):
        store.add_child(looked_after("C8", "H1"))
    assert [c.child_id for c in store.list_children()] == ["C9"]


def test_record_decision_places_children_and_closes_referral(store: Store) -> None:
    store.add_household(household("H1", approved_places=3))
    store.add_child(looked_after("C9", "H1"))
    store.add_referral(referral("R1", (child("C1"), child("C2"))))
    recorded = store.record_decision(decision("R1", "H1"))
    assert recorded.child_ids == ("C1", "C2")
    assert store.get_referral("R1").status == ReferralStatus.PLACED
    assert store.get_household("H1").vacancies == 0  # 3 places - C9 - C1 - C2
    placed = store.get_child("C1")
    assert (placed.household_id, placed.placement_type) == ("H1", PlacementType.IN_HOUSE_FOSTERING)
    assert placed.placed_since == dt.date(2026, 12, 1)  # the referral's start date
    assert placed.sibling_group == "R1"
    assert store.list_decisions(referral_id="R1") == [recorded]
    assert store.list_referrals(open_only=True) == []


def test_split_referral_stays_open_until_every_child_is_placed(store: Store) -> None:
    store.add_household(household("H1", approved_places=1))
    store.add_household(household("H2", approved_places=1))
    store.add_referral(
        referral("R1", (child("C1"), child("C2")), allowed_splits=((("C1",), ("C2",)),))
    )
    store.record_decision(decision("R1", "H1", child_ids=("C1",)))
    assert store.get_referral("R1").status == ReferralStatus.OPEN
    with pytest.raises(
        ReferralClosedError, match=r"children \['C1'\] of referral R1 are already placed"
    ):
        store.record_decision(decision("R1", "H2", child_ids=("C1",)))
    store.record_decision(decision("R1", "H2"))  # the remaining child, C2
    assert store.get_referral("R1").status == ReferralStatus.PLACED
    assert [d.child_ids for d in store.list_decisions()] == [("C1",), ("C2",)]


def test_decision_refused_without_vacancy_or_open_referral(store: Store) -> None:
    store.add_household(household("H1", approved_places=1))
    store.add_child(looked_after("C9", "H1"))
    store.add_referral(referral("R1"))
    store.add_referral(referral("R2", (child("C3"),), status=ReferralStatus.WITHDRAWN))
    with pytest.raises(
        VacancyTakenError, match="household H1 has 0 vacancies left but this decision places 1 child"
    ):
        store.record_decision(decision("R1", "H1"))
    with pytest.raises(ReferralClosedError, match="referral R2 is withdrawn, not open"):
        store.record_decision(decision("R2", "H1"))
    assert store.list_decisions() == []
    assert store.get_referral("R1").status == ReferralStatus.OPEN


def test_decisions_are_append_only(store: Store) -> None:
    store.add_household(household("H1"))
    store.add_referral(referral("R1"))
    store.record_decision(decision("R1", "H1"))
    with store.session() as session:
        row = session.scalars(select(DecisionRow)).one()
        row.reason = "rewritten"
        with pytest.raises(PermissionError, match="append-only"):
            session.flush()


def _race_setup(store: Store) -> None:
    store.add_household(household("H1", approved_places=1))
    store.add_referral(referral("R1", (child("C1"),)))
    store.add_referral(referral("R2", (child("C2"),)))


def test_second_decision_on_the_last_vacancy_read_before_the_first_commits(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _race_setup(store)
    other = Store(store.url)  # a second officer: own engine, own connection
    original = store_decisions.read_claim_state
    raced = []

    def read_then_let_the_other_officer_commit(session, decision_):  # type: ignore[no-untyped-def]
        state = original(session, decision_)
        if not raced:  # the first officer has read the household (one vacancy left)...
            raced.append(True)
            other.record_decision(decision("R2", "H1", decided_by="officer.b"))  # ...and B commits
        return state

    monkeypatch.setattr(store_decisions, "read_claim_state", read_then_let_the_other_officer_commit)
    with pytest.raises(
        VacancyTakenError, match="household H1 changed while this decision was being recorded"
    ):
        store.record_decision(decision("R1", "H1"))
    other.close()
    assert [d.referral_id for d in store.list_decisions()] == ["R2"]
    assert store.get_referral("R1").status == ReferralStatus.OPEN
    assert [c.child_id for c in store.list_children(household_id="H1")] == ["C2"]


def test_two_threads_deciding_on_the_last_vacancy(store: Store) -> None:
    _race_setup(store)
    outcomes: dict[str, object] = {}
    start = threading.Barrier(2)

    def officer(referral_id: str) -> None:
        own = Store(store.url)
        start.wait()
        try:
            outcomes[referral_id] = own.record_decision(decision(referral_id, "H1"))
        except VacancyTakenError as error:
            outcomes[referral_id] = error
        finally:
            own.close()

    threads = [threading.Thread(target=officer, args=(r,)) for r in ("R1", "R2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [o for o in outcomes.values() if isinstance(o, VacancyTakenError)]
    assert len(outcomes) == 2 and len(errors) == 1
    assert len(store.list_decisions()) == 1
    assert len(store.list_children(household_id="H1")) == 1


def test_load_demo_writes_every_part_of_a_council(store: Store) -> None:
    from types import SimpleNamespace

    from matching.domain import School, SchoolUrn

    placed = looked_after("C9", "H1")
    council = SimpleNamespace(
        as_of=dt.date(2026, 11, 23),
        name="Synthetic Borough",
        la_code="E09000099",
        households=(
            dataclasses.replace(household("H1"), placed_children=(placed.as_placed_child(),)),
        ),
        children=(placed, looked_after("C8", None, placement_type=PlacementType.SECURE)),
        referrals=(referral("R1"),),
        schools={SchoolUrn(107000): School(SchoolUrn(107000), "Synthetic Primary", "LS6 2AB")},
        ssda903={2026: {"header": [{"CHILD": "C9", "SEX": "1", "DOB": "14/07/2012"}]}},
    )
    messages: list[str] = []
    store.load_demo(council, progress=messages.append)
    assert store.get_household("H1").placed_children == (placed.as_placed_child(),)
    assert [c.child_id for c in store.list_children()] == ["C8", "C9"]
    assert store.get_referral("R1") == referral("R1")
    assert list(store.list_schools()) == [107000]
    assert store.as_of == dt.date(2026, 11, 23)
    assert store.get_setting("council_name") == "Synthetic Borough"
    assert store.get_setting("council_la_code") == "E09000099"
    from webapp.store_ssda903 import ssda903_tables

    assert ssda903_tables(store) == {
        2026: {"header": [{"CHILD": "C9", "SEX": "1", "DOB": "14/07/2012"}]}
    }
    assert messages[-1] == "demo council loaded"
    with pytest.raises(StoreError, match="only loaded into an empty store"):
        store.load_demo(council)
