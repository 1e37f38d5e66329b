# ruff: noqa: F811  (the server fixtures are imported, then used as arguments)
"""The store on a real PostgreSQL server: schema and migrations, types, triggers, sequences,
the last-vacancy race, and all-or-nothing imports.

The server comes from ``tests.webapp.postgres_server`` (a throwaway cluster, or
``$PLANNER_TEST_POSTGRES_URL``); without one these tests are skipped (failed under CI=true).
"""

# ruff: noqa: E501  (expected messages are kept whole, as users see them)

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from matching.domain import ReferralStatus
from sufficiency.errors import InputDataError
from tests.webapp.postgres_server import pg_url, postgres_server  # noqa: F401
from tests.webapp.store_samples import child, decision, household, looked_after, referral
from tests.webapp.test_concurrency import snapshot
from webapp import backup, store_decisions, store_imports
from webapp.models import Base, DecisionRow
from webapp.store import Store, VacancyTakenError
from webapp.store_exports import export_table
from webapp.store_imports import import_file

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"


@pytest.fixture
def pg(pg_url: str) -> Iterator[Store]:
    store = Store(pg_url)
    store.upgrade()
    yield store
    store.close()


def _filled(store: Store) -> Store:
    store.add_household(household("H1", approved_places=1))
    store.add_household(household("H2", approved_places=2))
    store.add_child(looked_after("C9", "H2", sibling_group="S1"))
    store.add_referral(
        referral("R1", (child("C1"), child("C2")), allowed_splits=((("C1",), ("C2",)),))
    )
    store.add_referral(referral("R2", (child("C3"),)))
    store.add_referral(referral("R3", (child("C4"),)))
    store.set_as_of(dt.date(2026, 11, 23))
    return store


def test_upgrade_from_revision_1_keeps_data_and_matches_the_models(pg_url: str) -> None:
    store = Store(pg_url)
    store.upgrade("0001")
    store.add_household(household("H1"))
    store.add_referral(referral("R1", (child("C1"), child("C2"))))
    store.upgrade()
    assert store.current_revision() == Store.head_revision()
    assert store.get_household("H1") == household("H1")
    assert store.get_referral("R1") == referral("R1", (child("C1"), child("C2")))
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        triggers = connection.scalars(
            text("SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
        ).all()
    assert {"decisions_no_change", "decisions_no_truncate", "audit_log_no_change"} <= set(triggers)
    store.close()


def test_domain_objects_json_sets_and_filters_round_trip(pg: Store) -> None:
    _filled(pg)
    assert pg.get_household("H2").placed_children == (
        looked_after("C9", "H2", sibling_group="S1").as_placed_child(),
    )
    assert pg.get_referral("R1").allowed_splits == ((("C1",), ("C2",)),)
    assert pg.get_household("H1").skills == household("H1").skills  # a JSON list as a set
    assert [h.household_id for h in pg.list_households(has_vacancy=True, age_years=9)] == [
        "H1",
        "H2",
    ]
    assert [h.household_id for h in pg.list_households(postcode_district="ls6")] == ["H1", "H2"]
    assert [r.referral_id for r in pg.list_referrals(open_only=True)] == ["R1", "R2", "R3"]
    assert pg.as_of == dt.date(2026, 11, 23)


def test_decision_places_children_and_sequences_give_new_ids(pg: Store) -> None:
    _filled(pg)
    pg.record_decision(decision("R1", "H2", child_ids=("C1",)))
    pg.record_decision(decision("R2", "H1"))
    assert pg.get_referral("R1").status == ReferralStatus.OPEN  # C2 is still to be placed
    assert pg.get_referral("R2").status == ReferralStatus.PLACED
    with pg.session() as session:
        assert session.scalars(
            select(DecisionRow.decision_id).order_by(DecisionRow.decision_id)
        ).all() == [1, 2]
    assert [c.child_id for c in pg.list_children(household_id="H2")] == ["C1", "C9"]


def test_triggers_keep_decisions_append_only_in_plain_sql(pg: Store) -> None:
    _filled(pg)
    pg.record_decision(decision("R2", "H1"))
    for statement in ("UPDATE decisions SET reason = 'rewritten'", "DELETE FROM decisions",
                      "TRUNCATE decisions"):  # fmt: skip
        with pytest.raises(DBAPIError, match="decisions is append-only"):
            with pg.engine.begin() as connection:
                connection.execute(text(statement))
    assert len(pg.list_decisions()) == 1


def test_data_version_rises_with_each_committed_write_only(pg: Store) -> None:
    epoch, before = pg.data_version()
    pg.add_household(household("H1"))
    assert pg.data_version() == (epoch, before + 1)
    with pytest.raises(InputDataError):
        import_file(pg, "households", BAD / "households.csv")
    assert pg.data_version() == (epoch, before + 1)  # a refused import wrote nothing


def test_two_officers_race_for_the_last_vacancy(pg: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read H1's one vacancy, then both write: READ COMMITTED makes the second UPDATE wait
    for the first commit, re-check ``version`` and match no row."""
    _filled(pg)
    both_read = threading.Barrier(2, timeout=20)
    original = store_decisions.read_claim_state

    def read_and_wait(session, decision_):  # type: ignore[no-untyped-def]
        state = original(session, decision_)
        both_read.wait()
        return state

    monkeypatch.setattr(store_decisions, "read_claim_state", read_and_wait)
    outcomes: dict[str, object] = {}

    def officer(referral_id: str) -> None:
        own = Store(pg.url)
        try:
            outcomes[referral_id] = own.record_decision(decision(referral_id, "H1"))
        except VacancyTakenError as error:
            outcomes[referral_id] = error
        finally:
            own.close()

    threads = [threading.Thread(target=officer, args=(r,)) for r in ("R2", "R3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    errors = [str(o) for o in outcomes.values() if isinstance(o, VacancyTakenError)]
    assert errors == [
        "household H1 changed while this decision was being recorded (another placement was "
        "made there); reload the shortlist and decide again"
    ]
    assert len(pg.list_decisions()) == 1
    assert len(pg.list_children(household_id="H1")) == 1
    assert sorted(r.status for r in (pg.get_referral("R2"), pg.get_referral("R3"))) == [
        ReferralStatus.OPEN, ReferralStatus.PLACED,
    ]  # fmt: skip


def test_decisions_on_different_households_at_once_both_succeed(
    pg: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No false conflict (and no deadlock on the data-version row) between unrelated writes."""
    _filled(pg)
    both_read = threading.Barrier(2, timeout=20)
    original = store_decisions.read_claim_state

    def read_and_wait(session, decision_):  # type: ignore[no-untyped-def]
        state = original(session, decision_)
        both_read.wait()
        return state

    monkeypatch.setattr(store_decisions, "read_claim_state", read_and_wait)
    outcomes: dict[str, object] = {}

    def officer(referral_id: str, household_id: str) -> None:
        own = Store(pg.url)
        try:
            outcomes[referral_id] = own.record_decision(decision(referral_id, household_id))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            outcomes[referral_id] = error
        finally:
            own.close()

    threads = [threading.Thread(target=officer, args=a) for a in (("R2", "H1"), ("R3", "H2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["Decision", "Decision"], outcomes
    assert len(pg.list_decisions()) == 2


def test_failed_and_crashed_imports_leave_every_row_as_it_was(
    pg: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _filled(pg)
    before = snapshot(pg)
    with pytest.raises(InputDataError) as caught:
        import_file(pg, "households", BAD / "households.csv")
    assert len(caught.value.errors) == 10
    assert snapshot(pg) == before
    path = tmp_path / "households.csv"
    export_table(pg, "households", path)
    calls: list[str] = []
    original = store_imports.household_values

    def crash_on_the_second_row(value):  # type: ignore[no-untyped-def]
        calls.append(value.household_id)
        if len(calls) == 2:
            raise OSError("disk full (injected)")
        return original(value)

    monkeypatch.setattr(store_imports, "household_values", crash_on_the_second_row)
    with pytest.raises(OSError, match="injected"):
        import_file(pg, "households", path, audit_channel="cli")
    assert snapshot(pg) == before


def test_export_then_import_into_postgres(tmp_path: Path, pg: Store) -> None:
    source = Store(str(tmp_path / "source.sqlite3"))
    source.upgrade()
    _filled(source)
    source.record_decision(decision("R2", "H1", shortlist_rank=2, reason="=near school"))
    for table in ("households", "children", "referrals", "decisions"):
        export_table(source, table, tmp_path / f"{table}.xlsx")
        import_file(pg, table, tmp_path / f"{table}.xlsx", imported_by="tester")
    assert pg.list_households() == source.list_households()
    assert pg.list_children() == source.list_children()
    assert pg.list_referrals() == source.list_referrals()
    assert pg.list_decisions() == source.list_decisions()
    source.close()


def test_backup_from_sqlite_restores_into_postgres_and_ids_continue(
    tmp_path: Path, pg: Store
) -> None:
    source = Store(str(tmp_path / "source.sqlite3"))
    source.upgrade()
    _filled(source)
    source.record_decision(decision("R2", "H1"))
    backup.backup(source, tmp_path / "planner.zip")
    backup.restore(pg, tmp_path / "planner.zip")
    assert pg.list_decisions() == source.list_decisions()
    pg.record_decision(decision("R1", "H2", child_ids=("C1",)))  # a new id after the restored one
    assert len(pg.list_decisions()) == 2
    backup.restore(pg, tmp_path / "planner.zip", replace=True)  # over data and its triggers
    assert pg.list_decisions() == source.list_decisions()
    assert pg.current_revision() == Store.head_revision()
    source.close()


def test_values_too_long_or_large_for_a_column_are_row_errors(pg: Store, tmp_path: Path) -> None:
    """PostgreSQL refuses VARCHAR overflows and 4-byte INTEGER overflows: row errors instead."""
    path = tmp_path / "households.csv"
    path.write_text(
        "household_id,name,provider,postcode,approved_places,approved_age_min,approved_age_max,approved_kinds\n"
        f"H1,{'N' * 201},in-house,LS6 2AB,1,0,17,short-term\n"
        f"{'H' * 65},Synthetic,in-house,LS6 2AB,1,0,17,short-term\n"
    )
    with pytest.raises(InputDataError) as caught:
        import_file(pg, "households", path)
    assert [str(e) for e in caught.value.errors] == [
        'households.csv row 1, field "name": is 201 characters long (expected at most 200 characters)',
        'households.csv row 2, field "household_id": is 65 characters long (expected at most 64 characters)',
    ]
    path = tmp_path / "decisions.csv"
    path.write_text("referral_id,household_id,decided_by,decided_at,shortlist_rank\n"
                    "R1,H1,officer.a,2026-11-23 10:00,99999999999\n")  # fmt: skip
    with pytest.raises(InputDataError) as caught:
        import_file(pg, "decisions", path)
    assert [str(e) for e in caught.value.errors] == [
        "decisions.csv row 1, field \"shortlist_rank\": is out of range (got '99999999999'; expected a whole number from 1 to 10000)"
    ]
    with pytest.raises(
        ValueError, match=r"^households.name: is 201 characters long \(at most 200 characters\)$"
    ):
        pg.add_household(household("H1", name="N" * 201))  # the same limit outside imports
    assert pg.list_households() == []


def test_the_demo_council_loads_the_same_as_on_sqlite(tmp_path: Path, pg: Store) -> None:
    """Every kind of value the demo holds (dates, costs, JSON sets, SSDA903 rows) survives."""
    from sufficiency.demo_council import build_demo_council
    from webapp.store_ssda903 import ssda903_tables

    council = build_demo_council()
    lite = Store(str(tmp_path / "demo.sqlite3"))
    lite.upgrade()
    for store in (lite, pg):
        store.load_demo(council)
    assert len(pg.list_households()) == len(council.households)
    assert pg.list_households() == lite.list_households()
    assert pg.list_children() == lite.list_children()
    assert pg.list_referrals() == lite.list_referrals()
    assert pg.list_schools() == lite.list_schools()
    assert ssda903_tables(pg) == ssda903_tables(lite)
    assert (pg.as_of, pg.get_setting("council_name")) == (
        lite.as_of,
        lite.get_setting("council_name"),
    )
    lite.close()


def _hold_decision_open(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the next decision stop after claiming its household, until ``go`` is set."""
    claimed, go = threading.Event(), threading.Event()
    original = store_decisions._place_child

    def place_then_wait(*args):  # type: ignore[no-untyped-def]
        original(*args)
        claimed.set()
        go.wait(20)

    monkeypatch.setattr(store_decisions, "_place_child", place_then_wait)
    return claimed, go


def _blocked_or_done(store: Store, thread: threading.Thread, timeout_s: float = 20) -> None:
    """Wait until ``thread`` has finished or another session waits for a row lock."""
    import time

    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + timeout_s
    while thread.is_alive() and time.monotonic() < deadline:
        with store.engine.connect() as connection:
            if connection.scalar(waiting):
                return
        time.sleep(0.05)


def _decide(url: str, referral_id: str, household_id: str):  # type: ignore[no-untyped-def]
    own = Store(url)
    try:
        return own.record_decision(decision(referral_id, household_id))
    finally:
        own.close()


def _in_thread(work) -> tuple[threading.Thread, dict[str, object]]:  # type: ignore[no-untyped-def]
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_an_import_cannot_fill_a_place_a_decision_is_taking(
    pg: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision holds H1's last place (not yet committed) while children.csv moves C8 in."""
    _filled(pg)
    path = tmp_path / "children.csv"
    export_table(pg, "children", path)
    with path.open("a") as handle:
        handle.write("C8,2015-01-01,male,,no,no,in-house fostering,H1,LS6 2AB,,,,no,\n")
    claimed, go = _hold_decision_open(monkeypatch)
    deciding, decided = _in_thread(lambda: _decide(pg.url, "R2", "H1"))
    assert claimed.wait(20)
    importing, imported = _in_thread(lambda: import_file(pg, "children", path))
    _blocked_or_done(pg, importing)  # the import waits for the decision's lock on H1
    go.set()
    deciding.join(20), importing.join(20)
    assert "result" in decided, decided
    assert [str(e) for e in imported["error"].errors] == [  # type: ignore[union-attr]
        "children.csv: household H1 would have 2 children but has 1 approved places "
        "(another change was saved while this file was being imported; nothing was imported, "
        "import it again to see what is still wrong)"
    ]
    assert [c.child_id for c in pg.list_children(household_id="H1")] == ["C3"]


def test_a_households_import_cannot_undo_a_decision_being_recorded(
    pg: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """households.csv lowers H1 to 0 places while a decision is placing a child there."""
    _filled(pg)
    path = tmp_path / "households.csv"
    export_table(pg, "households", path)
    path.write_text(
        path.read_text().replace(
            "Household H1,in-house,,LS6 2AB,1,", "Household H1,in-house,,LS6 2AB,0,"
        )
    )
    claimed, go = _hold_decision_open(monkeypatch)
    deciding, decided = _in_thread(lambda: _decide(pg.url, "R2", "H1"))
    assert claimed.wait(20)
    importing, imported = _in_thread(lambda: import_file(pg, "households", path))
    _blocked_or_done(pg, importing)
    go.set()
    deciding.join(20), importing.join(20)
    assert "result" in decided, decided
    assert [str(e) for e in imported["error"].errors] == [  # type: ignore[union-attr]
        'households.csv row 1, field "approved_places": is fewer than the 1 children living in '
        "household H1 (got '0'; expected at least 1)"
    ]
    assert pg.get_household("H1").approved_places == 1
    assert len(pg.get_household("H1").placed_children) == 1


def test_nul_characters_find_nothing_and_are_refused_in_writes(pg: Store) -> None:
    """PostgreSQL refuses NUL in text: an id from a URL such as /households/%00 must still be
    "not found", and a write must be refused by name, not by a database error."""
    from webapp.store import UnknownRecordError

    _filled(pg)
    with pytest.raises(UnknownRecordError, match="no household record with id 'H1\\\\x00'"):
        pg.get_household("H1\x00")
    assert pg.list_households(postcode_district="LS6\x00") == []
    assert pg.list_decisions(referral_id="\x00") == []
    with pytest.raises(ValueError, match=r"^households.name: contains a NUL character"):
        pg.add_household(household("H7", name="Nul\x00name"))
    assert [h.household_id for h in pg.list_households()] == ["H1", "H2"]
